"""Client health in the browser: from the dashboard to a red client, its "slow to pay"
evidence, dismissing one signal, the status updating, and sending the suggested script
through a real SMTP server."""

import re

import pytest
from playwright.sync_api import expect

from rapport.clients.models import Contact, Note
from rapport.clients.services import set_contact_emails
from rapport.health.models import Enjoyment
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace
from tests.health.helpers import signal
from tests.health.test_fire import paid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _portfolio(workspace):
    """A slow payer, a haggler to watch and a client everyone wants."""
    brandt = make_client(workspace, "Möbel Brandt KG", street="Klosterstr. 31",
                         postal_code="13581", city="Berlin", language="en")
    contact = Contact.objects.create(workspace=workspace, client=brandt, name="Uwe Brandt")
    set_contact_emails(contact, ["uwe@moebel-brandt.example"])
    ideal = make_client(workspace, "Nordlicht GmbH", street="Stubbenhuk 7",
                        postal_code="20459", city="Hamburg")
    haggler = make_client(workspace, "Feinkost Valentin", street="Markt 1",
                          postal_code="80331", city="München")
    for client in (brandt, ideal, haggler):
        client.change_status("active")
    paid(ideal, "9000.00", days_ago=30)
    paid(brandt, "3000.00", days_ago=60)
    paid(haggler, "2000.00", days_ago=20)
    slow = [signal(brandt, "slow_payment", days, explanation=f"Invoice RE-{days}: 19 days late")
            for days in (5, 33, 61)]
    signal(haggler, "haggling", 4, evidence="Geht das nicht günstiger?")
    signal(haggler, "scope_creep", 40, evidence="Nur noch schnell die Flyer?")
    signal(ideal, "kept_promise", 12)
    Enjoyment.objects.create(workspace=workspace, client=ideal, rating=5)
    Enjoyment.objects.create(workspace=workspace, client=brandt, rating=3)
    return brandt, slow


def test_from_the_dashboard_to_dismissing_evidence_and_sending_a_script(
        page, django_user_model, smtp_server):  # noqa: F811
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_workspace(user, name="Lena Text")
    brandt, slow = _portfolio(workspace)

    log_in(page, "lena@example.com")

    # Dashboard → the health overview: every client at a glance and the portfolio chart.
    page.get_by_role("link", name="Health", exact=True).first.click()
    expect(page.get_by_role("heading", name="Client health")).to_be_visible()
    row = page.get_by_test_id(f"health-row-{brandt.pk}")
    expect(row.get_by_test_id("health-status")).to_have_text("red")
    expect(page.get_by_test_id("portfolio-chart")).to_be_visible()
    expect(page.get_by_test_id("changed-this-week")).to_contain_text("Möbel Brandt KG")
    portfolio_png = screenshot(page, "health-portfolio")
    page.get_by_test_id("portfolio-chart").screenshot(
        path=str(portfolio_png.with_name("health-portfolio-chart.png")))

    # The red client: "slow to pay" is present, with its evidence one click away.
    row.get_by_role("link", name="Möbel Brandt KG").click()
    sign = page.get_by_test_id("sign-slow_to_pay")
    expect(sign.get_by_test_id("sign-status")).to_have_text("present")
    expect(sign.get_by_test_id("sign-count")).to_contain_text("3")
    expect(page.get_by_test_id("recommendation-label")).to_have_text("Plan the exit")
    sign.get_by_text("Evidence").click()
    evidence = page.get_by_test_id(f"signal-{slow[0].pk}")
    expect(evidence).to_contain_text("Invoice RE-5: 19 days late")
    expect(sign.get_by_role("link", name="All signals of this kind")).to_have_attribute(
        "href", f"/signals/clients/{brandt.pk}/?kind=slow_payment")
    screenshot(page, "health-client-present")

    # Not a red flag: dismissed, it no longer counts and the status drops to "watch".
    evidence.get_by_role("button", name="Not a red flag").click()
    expect(page.get_by_text("Marked as not a red flag")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/health/clients/{brandt.pk}/$"))  # back where it was
    sign = page.get_by_test_id("sign-slow_to_pay")
    expect(sign.get_by_test_id("sign-status")).to_have_text("watch")
    expect(sign.get_by_test_id("sign-count")).to_contain_text("2")
    expect(page.get_by_test_id("recommendation-label")).to_have_text("Talk now")
    expect(page.get_by_test_id("client-chart")).to_be_visible()
    screenshot(page, "health-client-after-dismiss")

    # The suggested script, filled in for Brandt, sent by email and kept on the timeline.
    page.get_by_test_id("suggested-script").click()
    expect(page.get_by_role("heading", name="Late-fee policy update")).to_be_visible()
    expect(page.get_by_label("To", exact=True)).to_have_value("uwe@moebel-brandt.example")
    body = page.get_by_label("Text")
    expect(body).to_contain_text("Dear Uwe Brandt")
    body.fill(body.input_value() + "\nPS: The catalogue files are ready.")
    page.get_by_role("button", name="Send by email").click()
    expect(page.get_by_text("Sent and recorded on the client's timeline.")).to_be_visible()
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "uwe@moebel-brandt.example"
    assert message["Subject"] == "Update to my payment terms"
    assert "catalogue files are ready" in message.get_content()
    assert Note.objects.filter(client=brandt, text__contains="Late-fee policy update").exists()


def test_the_after_hours_share_decides_whether_evening_mail_counts(page, django_user_model):
    """A client who writes mostly in the evening is amber; raise the share it takes for
    after-hours mail to count, and the client turns green."""
    import datetime as dt

    from django.utils import timezone

    from rapport.signals.services import detect_for_client
    from tests.signals.helpers import message

    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_workspace(user, name="Lena Text")
    owl = make_client(workspace, "Nachteule AG")
    owl.change_status("active")
    day, written = timezone.localdate(timezone=workspace.tz), 0
    while written < 16:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:  # weekday evenings: after hours, not yet late at night
            hour = 20 if written < 14 else 11
            message(workspace, owl, "Kurze Frage zum Entwurf.",
                    dt.datetime.combine(day, dt.time(hour), tzinfo=workspace.tz))
            written += 1
    detect_for_client(owl)

    log_in(page, "lena@example.com")
    page.get_by_role("link", name="Health", exact=True).first.click()
    row = page.get_by_test_id(f"health-row-{owl.pk}")
    expect(row.get_by_test_id("health-status")).to_have_text("amber")
    expect(row).to_contain_text("Unreasonable demands")

    page.get_by_role("link", name="Weights and thresholds").click()
    share = page.get_by_label("After-hours messages count from a share of (%)")
    expect(share).to_have_value("25")
    share.fill("90")  # 14 of 16 messages is 87.5 %
    screenshot(page, "health-settings-after-hours-share")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Health settings saved.")).to_be_visible()
    page.get_by_role("link", name="Client health").first.click()
    row = page.get_by_test_id(f"health-row-{owl.pk}")
    expect(row.get_by_test_id("health-status")).to_have_text("green")
