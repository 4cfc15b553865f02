"""When no month has both a payment and hours — the client paid in September for work done
in November — the real hourly rate has no monthly bar to draw. The page says so in a line
instead of leaving a large empty chart, in English and in German."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.timetracking.models import TimeEntry
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace
from tests.health.test_fire import paid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "note", "net"), [
    ("en", "No month yet has both payments and hours", "€1,000.00 received (net) ÷ 5.0 h"),
    ("de", "Noch kein Monat hat sowohl Zahlungen als auch Stunden",
     "1.000,00\xa0€ netto erhalten ÷ 5,0 h"),
])
def test_a_rate_without_any_monthly_value_shows_a_note_not_an_empty_chart(
        page, django_user_model, language, note, net):
    user = django_user_model.objects.create_user(f"mara-{language}@berg-text.example",
                                                 PASSWORD, language=language)
    workspace = make_billable(make_workspace(user, name="Mara Berg Text"))
    client = billable_client(workspace, "Plauder GmbH", language=language)
    paid(client, "1000.00", days_ago=70)
    start = timezone.now() - dt.timedelta(days=3)
    TimeEntry.objects.create(workspace=workspace, client=client, category="work",
                             minutes=300, started_at=start,
                             ended_at=start + dt.timedelta(minutes=300))

    log_in(page, user.email)
    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    section = page.get_by_test_id("real-rate")
    # 1,190 € paid, 190 € of it VAT: 1,000 € net ÷ 5 h.
    expect(section.get_by_test_id("real-rate-value")).to_contain_text("200")
    expect(section.get_by_test_id("real-rate-value")).to_contain_text(net)
    expect(section.get_by_test_id("rate-chart")).to_have_count(0)
    expect(section.get_by_test_id("rate-chart-empty")).to_contain_text(note)
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(screenshot(page, f"rate-chart-empty-{language}").with_name(
        f"rate-chart-empty-section-{language}.png")))
