"""The freelancer hears when a client opens, questions or accepts a proposal."""

import pytest
from django.test import Client as HttpClient

from rapport.notifications.models import Notification, Preference
from tests.agreements.factories import sent_proposal
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(workspace):
    make_billable(workspace)
    client = billable_client(workspace, "Kranich Verlag GmbH", language="en")
    return sent_proposal(client)


def _ask_for_changes(link, text="Please add captions for 10 images."):
    return HttpClient().post(f"{link.get_absolute_url()}changes/",
                             {"name": "Klara Kranich", "text": text})


def test_a_change_request_lands_on_the_dashboard_and_in_the_mailbox(
    smtp_server, offer, owner, owner_http  # noqa: F811
):
    proposal, link = offer
    assert _ask_for_changes(link).status_code == 302
    notification = Notification.objects.get(kind=Notification.Kind.CHANGES_REQUESTED)
    assert notification.proposal == proposal and notification.read_at is None
    [delivery] = smtp_server.deliveries
    assert delivery.rcpt_tos == [owner.email]
    assert delivery.message["Subject"].strip() == (
        "Kranich Verlag GmbH asked for changes to the proposal “Blog posts 2027”.")
    assert "captions for 10 images" in delivery.message.get_content()
    dashboard = owner_http.get("/").content.decode()
    assert "Needs your attention" in dashboard and "captions for 10 images" in dashboard


def test_a_german_user_gets_the_mail_in_german(smtp_server, offer, owner):  # noqa: F811
    owner.language = "de"
    owner.save()
    _ask_for_changes(offer[1])
    [message] = smtp_server.messages
    assert message["Subject"].strip() == (
        "Kranich Verlag GmbH bittet um Änderungen am Angebot „Blog posts 2027“.")


def test_with_email_turned_off_the_dashboard_still_shows_it_but_no_mail_leaves(
    smtp_server, offer, owner, owner_http  # noqa: F811
):
    response = owner_http.post("/notifications/", {})  # the unticked box turns it off
    assert response.status_code == 302
    assert Preference.objects.get(user=owner).email is False
    _ask_for_changes(offer[1])
    assert smtp_server.messages == []
    assert Notification.objects.filter(kind=Notification.Kind.CHANGES_REQUESTED).count() == 1


def test_a_view_is_told_once_until_read_and_the_freelancers_own_look_is_not_a_view(
    smtp_server, offer, owner_http  # noqa: F811
):
    _proposal, link = offer
    owner_http.get(link.get_absolute_url())
    assert not Notification.objects.exists()
    HttpClient().get(link.get_absolute_url())
    HttpClient().get(link.get_absolute_url())
    assert Notification.objects.filter(kind=Notification.Kind.VIEWED).count() == 1
    assert len(smtp_server.messages) == 1


def test_marking_read_takes_it_off_the_dashboard(offer, owner_http):
    _ask_for_changes(offer[1])
    notification = Notification.objects.get()
    response = owner_http.post(f"/notifications/{notification.pk}/read/", {"next": "/"})
    assert response["Location"] == "/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Needs your attention" not in owner_http.get("/").content.decode()
    assert "Blog posts 2027" in owner_http.get("/notifications/").content.decode()


def test_another_workspace_cannot_mark_it_read(offer, outsider):
    _ask_for_changes(offer[1])
    http = HttpClient()
    http.force_login(outsider)
    response = http.post(f"/notifications/{Notification.objects.get().pk}/read/")
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_a_failing_mail_server_does_not_stop_the_clients_request(settings, offer):
    from tests.billing.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port("127.0.0.1")
    assert _ask_for_changes(offer[1]).status_code == 302
    assert Notification.objects.count() == 1


def test_an_accepted_change_order_is_news_too(smtp_server, offer, owner):  # noqa: F811
    from rapport.agreements import services
    from tests.agreements.factories import EVIDENCE

    proposal, _link = offer
    version = proposal.current_version
    contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    change = services.new_change_order(contract, "Ten extra captions", "150", None)
    link = services.send_change_order(change)
    change.refresh_from_db()
    response = HttpClient().post(f"{link.get_absolute_url()}accept/", {
        "sha256": change.sha256, "name": "Klara Kranich", "agree": "on"})
    assert response.status_code == 302
    notification = Notification.objects.get(kind=Notification.Kind.CHANGE_ACCEPTED)
    assert notification.detail == "Ten extra captions"
    assert notification.url == contract.get_absolute_url()
    assert [m["Subject"].strip() for m in smtp_server.messages] == [
        "Kranich Verlag GmbH accepted the change order for “Blog posts 2027”."]


def test_the_first_time_a_client_opens_an_invoice_is_news_once(
    smtp_server, workspace, owner_http  # noqa: F811
):
    import datetime as dt

    from django.utils import timezone

    from rapport.billing import services as billing
    from rapport.billing.models import PortalLink

    make_billable(workspace)
    invoice = billing.new_draft(workspace, billable_client(workspace, language="en"))
    billing.add_line(invoice, "Brochure copy", 1, 100)
    invoice = billing.issue(invoice)
    link = PortalLink.objects.create(workspace=workspace, invoice=invoice,
                                     expires_at=timezone.now() + dt.timedelta(days=30))
    HttpClient().get(f"/p/{link.token}/")
    HttpClient().get(f"/p/{link.token}/")
    [notification] = Notification.objects.filter(kind=Notification.Kind.INVOICE_VIEWED)
    assert notification.url == invoice.get_absolute_url()
    assert [m["Subject"].strip() for m in smtp_server.messages] == [
        f"Kranich Verlag GmbH opened invoice {invoice.number}."]
    assert f"opened invoice {invoice.number}" in owner_http.get("/").content.decode()


def test_mark_all_as_read_is_offered_only_while_something_is_unread(offer, owner_http):
    _ask_for_changes(offer[1])
    assert "Mark all as read" in owner_http.get("/notifications/").content.decode()
    owner_http.post("/notifications/read/", {"next": "/notifications/"})
    assert Notification.objects.get().read_at is not None
    assert "Mark all as read" not in owner_http.get("/notifications/").content.decode()
