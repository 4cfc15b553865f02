"""Retainers are billed in advance, once per month, by the scheduled task."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from rapport.billing.models import BillingSettings, Invoice
from rapport.billing.retainers import bill_due_retainers
from rapport.core import clock
from tests.billing.factories import billable_client, make_billable, project_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def retainer(workspace):
    make_billable(workspace, retainer_day=25)
    client = billable_client(workspace)
    client.change_status("active")
    return project_for(client, "2800.00", rate_type="retainer", status="active",
                       name="Blog editing")


def test_on_the_chosen_day_next_month_is_billed_once(retainer):
    assert bill_due_retainers(dt.date(2026, 11, 24)) == []
    issued = bill_due_retainers(dt.date(2026, 11, 25))
    assert len(issued) == 1
    invoice = issued[0]
    assert invoice.kind == "retainer" and invoice.state == "issued"
    assert (invoice.service_start, invoice.service_end) == (dt.date(2026, 12, 1),
                                                            dt.date(2026, 12, 31))
    assert invoice.gross_total == Decimal("3332.00")
    assert "Dezember 2026" in invoice.lines.get().description
    # Later ticks in the same month change nothing.
    assert bill_due_retainers(dt.date(2026, 11, 26)) == []
    assert Invoice.objects.filter(kind="retainer").count() == 1
    # The next month is billed on its day.
    assert len(bill_due_retainers(dt.date(2026, 12, 28))) == 1


def test_paused_clients_and_ended_retainers_are_not_billed(retainer):
    retainer.client.change_status("paused")
    assert bill_due_retainers(dt.date(2026, 11, 25)) == []
    retainer.client.change_status("active")
    retainer.end_date = dt.date(2026, 11, 30)
    retainer.save()
    assert bill_due_retainers(dt.date(2026, 11, 25)) == []


def test_the_retainer_day_comes_from_the_settings(retainer):
    BillingSettings.objects.filter(workspace=retainer.workspace).update(retainer_day=10)
    assert len(bill_due_retainers(dt.date(2026, 11, 10))) == 1


@pytest.mark.django_db(transaction=True)
def test_tick_enqueues_and_the_worker_bills(retainer):
    out = StringIO()
    with clock.travel(dt.date(2026, 11, 27)):
        call_command("tick", stdout=out)
        assert "bill_retainers: enqueued" in out.getvalue()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        assert Invoice.objects.filter(kind="retainer", state="issued").count() == 1
        call_command("tick", "--now", stdout=StringIO())
    assert Invoice.objects.filter(kind="retainer").count() == 1
