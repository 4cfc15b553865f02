"""Audit entries of proposals (accepted by the client in the portal), client status,
reminders and pauses — and who is named for work done by the worker."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from rapport.audit.models import AuditEntry
from rapport.billing import services as billing
from rapport.clients.models import Contact
from rapport.clients.services import set_contact_emails
from rapport.core import clock
from rapport.dunning.services import terms_for
from rapport.dunning.tasks import run_reminders
from tests.agreements.factories import sent_proposal
from tests.agreements.test_acceptance import _portal_form
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


@pytest.fixture
def kranich(workspace):
    make_billable(workspace)
    return billable_client(workspace, "Kranich Verlag GmbH", language="en")


def test_a_proposal_accepted_in_the_portal_is_recorded_as_the_client(kranich, owner_http):
    proposal, link = sent_proposal(kranich)
    http = HttpClient(REMOTE_ADDR="198.51.100.4")
    _page, form = _portal_form(http, link)
    http.post(f"{link.get_absolute_url()}accept/", {**form, "name": "Klara", "agree": "on"})
    accepted = AuditEntry.objects.get(action="proposal.accepted")
    assert accepted.actor == "portal" and accepted.user_id is None
    assert accepted.ip_address == "198.51.100.4"
    assert accepted.before == {"status": "sent"} and accepted.after == {"status": "accepted"}
    sent = AuditEntry.objects.get(action="proposal.sent")
    assert sent.object_id == proposal.pk and sent.actor == "system"
    contract = AuditEntry.objects.get(action="contract.created")
    assert (contract.parent_type, contract.parent_id) == ("agreements.proposal", proposal.pk)
    status = AuditEntry.objects.get(action="client.status_changed")
    assert status.before == {"status": "prospect"} and status.after == {"status": "active"}
    page = owner_http.get(proposal.get_absolute_url()).content.decode()
    assert "Proposal accepted" in page and "Client via portal" in page
    assert "Contract concluded" in page


def test_a_status_change_on_the_client_page_is_in_its_history(owner_http, kranich, owner):
    owner_http.post(f"/clients/{kranich.pk}/status/", {
        "to_status": "active", "changed_on": "2026-10-01", "reason": "Signed"})
    entry = AuditEntry.objects.get(action="client.status_changed")
    assert entry.user_id == owner.pk
    page = owner_http.get(kranich.get_absolute_url()).content.decode()
    assert "Client status changed" in page and "Prospect → Active" in page


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_reminders_sent_by_the_worker_record_the_fee_and_the_sending(kranich, mailoutbox):
    contact = Contact.objects.create(workspace=kranich.workspace, client=kranich, name="K")
    set_contact_emails(contact, ["k@kranich.example"])
    terms = terms_for(kranich)
    terms.is_business, terms.late_fees_since = True, dt.date(2026, 1, 1)
    terms.save()
    invoice = billing.new_draft(kranich.workspace, kranich)
    billing.add_line(invoice, "Work", 1, "500.00")
    invoice = billing.issue(invoice, dt.date(2026, 3, 2))
    for day in (dt.date(2026, 3, 19), dt.date(2026, 4, 10)):
        with clock.travel(day):
            run_reminders.enqueue()
            call_command("worker", once=True, interval=0)
    actions = [e.action for e in AuditEntry.objects.filter(parent_id=invoice.pk,
                                                           object_type="dunning.reminder")
               .order_by("pk")]
    assert actions.count("reminder.sent") == len(mailoutbox) >= 2
    fee = AuditEntry.objects.get(action="reminder.fee_charged")
    assert fee.after["fee_amount"] == "40.00"
    sent = AuditEntry.objects.filter(action="reminder.sent").first()
    assert sent.actor == "worker" and sent.after["state"] == "sent"


def test_pausing_reminders_for_a_client_is_recorded(kranich):
    terms = terms_for(kranich)
    terms.paused_until, terms.pause_reason = dt.date(2026, 12, 31), "Holiday"
    terms.save()
    terms.paused_until = None
    terms.save()
    assert list(AuditEntry.objects.filter(parent_id=kranich.pk, parent_type="clients.client")
                .order_by("pk").values_list("action", flat=True)) == [
        "reminders.paused", "reminders.resumed"]



def test_withdrawing_an_offer_records_the_reason(kranich, owner_http):
    from rapport.agreements import services as agreements

    proposal, _link = sent_proposal(kranich)
    agreements.withdraw(proposal, reason="Budget frozen")
    entry = AuditEntry.objects.get(action="proposal.withdrawn")
    assert entry.before == {"status": "sent", "withdrawal_reason": ""}
    assert entry.after == {"status": "withdrawn", "withdrawal_reason": "Budget frozen"}
    page = owner_http.get(proposal.get_absolute_url()).content.decode()
    assert "Proposal withdrawn" in page and "Sent → Withdrawn" in page


def test_offers_that_expire_are_recorded_one_by_one(kranich):
    from rapport.agreements import services as agreements

    proposal, _link = sent_proposal(kranich)
    agreements.expire_offers(today=proposal.valid_until + dt.timedelta(days=1))
    agreements.expire_offers(today=proposal.valid_until + dt.timedelta(days=2))  # no repeat
    entry = AuditEntry.objects.get(action="proposal.expired")
    assert entry.object_id == proposal.pk and entry.object_label == proposal.title
    assert entry.before == {"status": "sent"} and entry.after == {"status": "expired"}
