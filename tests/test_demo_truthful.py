"""The demo workspace tells no impossible stories: nothing from the future, one tax
number per invoice, histories dated as the documents are."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.utils import timezone

from rapport.billing.documents import render_pdf
from rapport.billing.models import Invoice, InvoiceEvent
from rapport.comms.models import Meeting, MeetingChange, Message
from rapport.core.models import Workspace
from rapport.front.demo import DEMO_WORKSPACE
from tests.test_demo import run_demo

pytestmark = pytest.mark.django_db
TAX_NUMBER = re.compile(r"\b\d{2,3}/\d{3}/\d{4,5}\b")


@pytest.fixture
def demo() -> Workspace:
    run_demo()
    return Workspace.objects.get(name=DEMO_WORKSPACE)


def test_the_demo_tells_no_impossible_stories(demo):
    now = timezone.now()
    assert Message.objects.filter(workspace=demo).exists()
    assert not Message.objects.filter(workspace=demo, date__gt=now).exists()
    assert not MeetingChange.objects.filter(workspace=demo, changed_at__gt=now).exists()
    assert not Meeting.objects.filter(workspace=demo, cancelled_at__gt=now).exists()

    issued = Invoice.objects.filter(workspace=demo).exclude(state=Invoice.State.DRAFT)
    assert issued.count() > 3
    for invoice in issued:
        event = InvoiceEvent.objects.get(invoice=invoice, kind=InvoiceEvent.Kind.ISSUED)
        assert timezone.localtime(event.at, demo.tz).date() == invoice.issue_date, \
            invoice.number
        for payment in invoice.payments.all():  # recorded when it came in, not today
            assert InvoiceEvent.objects.filter(
                invoice=invoice, kind=InvoiceEvent.Kind.PAYMENT,
                at__date=payment.paid_on).exists(), invoice.number

    oldest = issued.order_by("issue_date").first()
    out = subprocess.run(["pdftotext", "-", "-"], input=render_pdf(oldest),
                         capture_output=True, check=True).stdout.decode()
    assert set(TAX_NUMBER.findall(out)) <= {demo.tax_number}
    assert not TAX_NUMBER.findall(oldest.seller.get("footer_text", ""))


def test_the_demo_history_is_dated_as_its_story_and_done_by_its_freelancer(demo):
    from rapport.audit.models import AuditEntry
    from rapport.clients.models import StatusChange

    entries = AuditEntry.objects.filter(workspace=demo)
    today = timezone.localdate(timezone.now(), demo.tz)
    # Done by Lena (the client accepted through the portal, the tick expired an offer).
    assert set(entries.exclude(actor=AuditEntry.ActorKind.USER).values_list(
        "action", flat=True)) <= {"proposal.expired", "proposal.accepted", "contract.created"}
    assert entries.filter(actor=AuditEntry.ActorKind.USER, actor_name="Lena Hoffmann").exists()
    # Not everything happened "just now": only today's steps are dated today.
    dated_today = [e for e in entries if timezone.localtime(e.at, demo.tz).date() == today]
    assert len(dated_today) < entries.count() / 5
    for change in StatusChange.objects.filter(workspace=demo):
        assert entries.filter(object_type="clients.client", object_id=change.client_id,
                              action="client.status_changed",
                              at__date=change.changed_on).exists(), change.client


def test_no_work_is_billed_before_it_was_done(demo):
    """Retainers and deposits are billed in advance; work billed afterwards was done."""
    issued = Invoice.objects.filter(workspace=demo).exclude(state=Invoice.State.DRAFT)
    for invoice in issued.filter(kind__in=[Invoice.Kind.STANDARD, Invoice.Kind.FINAL]):
        for day in (invoice.service_start, invoice.service_end):
            assert day is None or day <= invoice.issue_date, invoice.number
    campaign = issued.get(lines__description__startswith="Campaign copy")
    month = campaign.lines.get().description.removeprefix("Campaign copy, ")
    assert campaign.service_start.day == 1 and campaign.service_end.month == \
        campaign.service_start.month
    assert month == campaign.service_start.strftime("%B")
