"""The evidence of a warning sign: from the list of signs to a client's haggling, the
highlighted words, the source message, and dismissing one as "not a red flag"."""

import pytest
from playwright.sync_api import expect

from rapport.signals import services
from rapport.signals.models import Signal
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace
from tests.signals.helpers import at, message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_see_the_evidence_and_dismiss_a_signal(page, django_user_model):
    user = django_user_model.objects.create_user("lena@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_workspace(user, name="Lena Hoffmann Text")
    client = make_client(workspace, "Feinkost Valentin GmbH")
    message(workspace, client, "Hallo Lena,\n\ndas ist uns zu teuer. Geht da noch was beim "
            "Preis?\n\nViele Grüße\nKarin", at(2026, 11, 4, 10))
    message(workspace, client, "Warum kostet die Korrekturrunde extra?", at(2026, 11, 5, 11))
    services.refresh_workspace(workspace, now=at(2026, 11, 6))

    log_in(page, "lena@berg-text.example")
    page.goto(f"{page.base_url}/signals/")
    page.get_by_role("link", name="Haggling").click()
    expect(page.locator("mark", has_text="zu teuer")).to_be_visible()
    expect(page.locator("article.signal")).to_have_count(2)
    screenshot(page, "signals-client-evidence")

    first = page.locator("article.signal").filter(has_text="Warum kostet")
    first.get_by_role("button", name="Not a red flag").click()
    expect(page.locator("article.signal")).to_have_count(1)
    assert Signal.objects.filter(dismissed_at__isnull=False).count() == 1

    page.get_by_role("link", name="Open the source").click()
    expect(page.locator("pre")).to_contain_text("zu teuer")
