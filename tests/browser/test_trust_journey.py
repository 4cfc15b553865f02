"""Closed sign-up and invitations, and a script refused for an unknown recipient — in the
browser, through a real SMTP server."""

import re

import pytest
from playwright.sync_api import expect

from rapport.accounts.models import User
from rapport.clients.models import ConfirmedRecipient, Contact
from rapport.clients.services import set_contact_emails
from rapport.core.models import Membership
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_with_sign_up_closed_an_owner_invites_a_colleague_who_joins(
        page, settings, smtp_server):  # noqa: F811
    settings.SIGNUP_OPEN = False
    owner = User.objects.create_user("lena@example.com", PASSWORD, name="Lena Text",
                                     language="en")
    workspace = make_workspace(owner, name="Lena Text Studio")

    page.goto(f"{page.base_url}/accounts/signup/")
    expect(page.get_by_role("heading", name="Sign-up is closed")).to_be_visible()
    screenshot(page, "trust-signup-closed")

    log_in(page, "lena@example.com")
    page.goto(f"{page.base_url}/accounts/team/")
    page.get_by_label("Email address").fill("kim@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to kim@example.com.")).to_be_visible()
    expect(page.get_by_test_id("invitations")).to_contain_text("kim@example.com")
    screenshot(page, "trust-team-invited")
    page.context.clear_cookies()  # the colleague opens the mail on their own computer

    [message] = smtp_server.messages
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Join Lena Text Studio")).to_be_visible()
    page.get_by_label("Name").fill("Kim Korrektur")
    page.get_by_label("Password", exact=True).fill("a long and new secret 2026")
    page.get_by_label("Password confirmation").fill("a long and new secret 2026")
    screenshot(page, "trust-invitation")
    page.get_by_role("button", name="Create account and join").click()
    expect(page.get_by_text("Welcome to Lena Text Studio!")).to_be_visible()
    kim = User.objects.get(email="kim@example.com")
    assert Membership.objects.get(user=kim).workspace == workspace
    screenshot(page, "trust-joined")


def test_a_script_to_an_unknown_address_is_refused_until_confirmed(
        page, smtp_server):  # noqa: F811
    owner = User.objects.create_user("lena@example.com", PASSWORD, name="Lena Text",
                                     language="en")
    workspace = make_workspace(owner, name="Lena Text Studio")
    client = make_client(workspace, "Möbel Brandt KG", language="en")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Uwe Brandt")
    set_contact_emails(contact, ["uwe@moebel-brandt.example"])

    log_in(page, "lena@example.com")
    page.goto(f"{page.base_url}/health/clients/{client.pk}/script/?key=check_in&language=en")
    form = page.get_by_test_id("send-script")
    form.get_by_role("textbox", name="To").fill("someone@elsewhere.example")
    form.get_by_role("button", name="Send by email").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "someone@elsewhere.example is not a contact address of Möbel Brandt KG")
    screenshot(page, "trust-recipient-refused")
    assert smtp_server.messages == []

    page.get_by_test_id("send-script").get_by_label("Send to new addresses too").check()
    page.get_by_test_id("send-script").get_by_role("button", name="Send by email").click()
    expect(page.get_by_text("Sent and recorded on the client's timeline.")).to_be_visible()
    [message] = smtp_server.messages
    assert message["From"].addresses[0].display_name == "Lena Text Studio"

    # The confirmed address is listed on the client page and can be taken back.
    page.goto(f"{page.base_url}/clients/{client.pk}/")
    confirmed = page.get_by_test_id("confirmed-recipients")
    expect(confirmed).to_contain_text("someone@elsewhere.example")
    screenshot(page, "trust-confirmed-recipient-listed")
    confirmed.get_by_role("link", name="Remove").click()
    expect(page.get_by_role("heading", name=re.compile("Remove the confirmed address"))
           ).to_be_visible()
    screenshot(page, "trust-confirmed-recipient-remove")
    page.get_by_role("button", name="Yes, remove").click()
    expect(page.get_by_text("“someone@elsewhere.example” is no longer a confirmed address.")
           ).to_be_visible()
    expect(page.get_by_test_id("confirmed-recipients")).to_have_count(0)
    assert not ConfirmedRecipient.objects.filter(client=client).exists()
