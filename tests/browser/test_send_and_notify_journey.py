"""A proposal goes out by email from Rapport; the client asks for changes; the freelancer
sees it under "Needs your attention" and gets a mail."""

import re

import pytest
from playwright.sync_api import expect

from rapport.clients.models import Contact, ContactEmail
from tests.agreements.factories import make_proposal
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_proposal_mailed_change_requested_and_the_freelancer_is_told(
    page, browser, django_user_model, smtp_server  # noqa: F811
):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="de",
                                                 name="Lena Hoffmann")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH", language="en")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Klara Kranich")
    ContactEmail.objects.create(workspace=workspace, contact=contact,
                                address="klara@kranich.example")
    proposal = make_proposal(client, title="Autumn catalogue texts", amount="3000.00")
    log_in(page, "lena@example.com")

    # The German-speaking freelancer previews an English mail for the English client.
    page.goto(f"{page.base_url}{proposal.get_absolute_url()}")
    page.get_by_role("button", name="An den Kunden senden").click()
    expect(page.get_by_label("Betreff")).to_have_value("Proposal: Autumn catalogue texts")
    expect(page.get_by_label("An", exact=True)).to_have_value("klara@kranich.example")
    text = page.get_by_label("Text")
    expect(text).to_have_value(re.compile(r"^Hello Klara Kranich,"))
    text.fill(text.input_value().replace("as discussed,", "as discussed on Monday,"))
    screenshot(page, "send-proposal-preview")
    page.get_by_role("button", name="Per E-Mail senden").click()
    expect(page.get_by_text("Angebot per E-Mail gesendet")).to_be_visible()
    expect(page.get_by_test_id("proposal-status")).to_have_text("Gesendet")

    [delivery] = smtp_server.deliveries
    assert delivery.rcpt_tos == ["klara@kranich.example"]
    assert delivery.message["Reply-To"] == "lena@example.com"
    body = delivery.message.get_content()
    assert "as discussed on Monday," in body
    link = re.search(r"https?://\S+/o/\S+/", body).group(0)

    # The client follows the link from the mail and asks for a change.
    client_context = browser.new_context(viewport={"width": 1100, "height": 900})
    portal = client_context.new_page()
    portal.set_default_timeout(10_000)
    portal.goto(link)
    expect(portal.get_by_role("heading", name="Proposal: Autumn catalogue texts")).to_be_visible()
    portal.get_by_text("Request changes").click()
    portal.get_by_label("What should change?").fill("Please add captions for 10 images.")
    portal.get_by_role("button", name="Send change request").click()
    expect(portal.get_by_text("your request was sent")).to_be_visible()
    client_context.close()

    # The freelancer's dashboard says so, and a German mail arrived.
    page.goto(f"{page.base_url}/")
    attention = page.get_by_test_id("attention")
    expect(attention).to_contain_text("Braucht Ihre Aufmerksamkeit")
    expect(attention).to_contain_text(
        "Kranich Verlag GmbH bittet um Änderungen am Angebot „Autumn catalogue texts“.")
    expect(attention).to_contain_text("captions for 10 images")
    expect(attention).to_contain_text("hat das Angebot „Autumn catalogue texts“ geöffnet")
    screenshot(page, "send-proposal-dashboard-attention")
    subjects = [m["Subject"].strip() for m in smtp_server.messages[1:]]
    assert "Kranich Verlag GmbH bittet um Änderungen am Angebot „Autumn catalogue texts“." \
        in subjects
    assert all(m["To"] == "lena@example.com" for m in smtp_server.messages[1:])

    # Reading it takes it off the list.
    attention.get_by_test_id("attention-item").filter(has_text="bittet um Änderungen") \
        .get_by_role("link").click()
    expect(page.get_by_test_id("comments")).to_contain_text("captions for 10 images")
    page.goto(f"{page.base_url}/")
    for _item in range(2):
        page.get_by_test_id("attention-item").first.get_by_role(
            "button", name="Als gelesen markieren").click()
    expect(page.get_by_test_id("attention")).to_have_count(0)

    # The notifications page keeps the history; the email can be turned off there.
    expect(page.locator("nav a[href='/notifications/']")).to_have_count(1)
    page.goto(f"{page.base_url}/notifications/")
    expect(page.get_by_test_id("notification")).to_have_count(2)
    expect(page.get_by_test_id("notification").first).to_contain_text("gelesen")
    page.get_by_label("Auch per E-Mail benachrichtigen").uncheck()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Einstellungen gespeichert.")).to_be_visible()
    expect(page.get_by_label("Auch per E-Mail benachrichtigen")).not_to_be_checked()
    screenshot(page, "send-proposal-notifications-page")

    # The freelancer revokes the link; the client's old email now explains itself.
    page.goto(f"{page.base_url}{proposal.get_absolute_url()}")
    page.get_by_role("button", name="Link widerrufen").click()
    client_context = browser.new_context(viewport={"width": 1100, "height": 900},
                                         locale="en-GB")
    portal = client_context.new_page()
    response = portal.goto(link)
    assert response.status == 410
    expect(portal.get_by_test_id("link-closed")).to_contain_text(
        "Lena Hoffmann Text has withdrawn this link")
    screenshot(portal, "send-proposal-link-withdrawn")
    client_context.close()
