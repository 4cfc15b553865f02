"""Invoicing time: unbilled billable entries become hour lines, billed once issued,
free again when the draft is deleted."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from rapport.billing import services
from rapport.billing.models import Invoice, InvoiceLine
from rapport.clients.models import Project
from rapport.timetracking.invoicing import invoice_unbilled_time, unbilled
from rapport.timetracking.models import TimeEntry
from tests.billing.factories import billable_client, make_billable, project_for

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def client_(workspace):
    make_billable(workspace)
    return billable_client(workspace)


@pytest.fixture
def hourly(client_):
    return project_for(client_, "95.00", name="Relaunch", rate_type=Project.RateType.HOURLY,
                       currency="EUR")


def log(client, day, minutes, project=None, billable=True, text="", hour=9):
    start = dt.datetime(2026, 3, day, hour, tzinfo=BERLIN)
    return TimeEntry.objects.create(
        workspace=client.workspace, client=client, project=project, billable=billable,
        started_at=start, ended_at=start + dt.timedelta(minutes=minutes), minutes=minutes,
        description=text)


def test_unbilled_time_becomes_one_hour_line_per_project(workspace, client_, hourly):
    log(client_, 2, 90, hourly, text="Navigation")
    log(client_, 3, 45, hourly, text="Forms")
    log(client_, 3, 30, None, text="Support call")
    log(client_, 4, 600, hourly, billable=False)
    invoice = invoice_unbilled_time(workspace, client_, hourly_rate=Decimal("80"))
    lines = {line.description.split(" (")[0]: line for line in invoice.lines.all()}
    assert invoice.state == Invoice.State.DRAFT and invoice.number == ""
    assert set(lines) == {"Relaunch", "Arbeit"}  # the client reads German
    assert lines["Relaunch"].quantity == Decimal("2.250")
    assert lines["Relaunch"].unit == InvoiceLine.Unit.HOUR
    assert lines["Relaunch"].unit_price == Decimal("95.00")
    assert "Navigation; Forms" in lines["Relaunch"].description
    assert lines["Arbeit"].quantity == Decimal("0.500")
    assert lines["Arbeit"].unit_price == Decimal("80")
    assert services.totals(invoice).net == Decimal("253.75")
    assert (invoice.service_start, invoice.service_end) == (dt.date(2026, 3, 2),
                                                            dt.date(2026, 3, 3))
    assert TimeEntry.objects.filter(invoice_line__invoice=invoice).count() == 3
    assert list(unbilled(workspace, client_)) == []


def test_grouping_by_day_gives_a_line_per_day(workspace, client_, hourly):
    log(client_, 2, 60, hourly)
    log(client_, 2, 30, hourly, hour=14)
    log(client_, 5, 15, hourly)
    invoice = invoice_unbilled_time(workspace, client_, group_by="day")
    assert [line.quantity for line in invoice.lines.all()] == [Decimal("1.500"),
                                                               Decimal("0.250")]


def test_time_without_an_hourly_project_needs_a_rate(workspace, client_):
    log(client_, 2, 60)
    with pytest.raises(ValidationError, match="Enter the hourly rate"):
        invoice_unbilled_time(workspace, client_)
    assert not Invoice.objects.exists()


def test_issuing_marks_the_entries_billed_and_locks_them(workspace, client_, hourly, owner_http):
    entry = log(client_, 2, 60, hourly)
    invoice = invoice_unbilled_time(workspace, client_)
    entry.refresh_from_db()
    assert not entry.is_billed  # a draft only reserves it
    services.issue(invoice, today=dt.date(2026, 3, 31))
    entry.refresh_from_db()
    assert entry.is_billed
    page = owner_http.get("/time/", {"billing": "billed"}).content.decode()
    assert f"Billed ({Invoice.objects.get().number})" in page
    assert owner_http.get(f"/time/{entry.pk}/").status_code == 302  # locked
    with pytest.raises(ValidationError):
        invoice_unbilled_time(workspace, client_)  # nothing left to bill


def test_deleting_the_draft_releases_the_time(workspace, client_, hourly, owner_http):
    entry = log(client_, 2, 60, hourly)
    invoice = invoice_unbilled_time(workspace, client_)
    response = owner_http.post(f"/invoices/{invoice.pk}/delete/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.invoice_line is None
    assert list(unbilled(workspace, client_)) == [entry]
    again = invoice_unbilled_time(workspace, client_)
    assert again.lines.get().quantity == Decimal("1.000")


def test_the_invoice_page_creates_the_draft(owner_http, workspace, client_, hourly):
    log(client_, 2, 120, hourly)
    page = owner_http.get(f"/time/invoice/{client_.pk}/").content.decode()
    assert "Create draft invoice" in page
    response = owner_http.post(f"/time/invoice/{client_.pk}/", {"group_by": "project"})
    invoice = Invoice.objects.get()
    assert response["Location"] == invoice.get_absolute_url()
    assert invoice.lines.get().net_amount == Decimal("190.00")


def test_time_already_on_a_draft_is_not_billed_again(workspace, client_, hourly):
    log(client_, 2, 60, hourly)
    invoice_unbilled_time(workspace, client_)
    with pytest.raises(ValidationError), transaction.atomic():
        invoice_unbilled_time(workspace, client_)
    assert Invoice.objects.count() == 1


def test_a_cancelled_invoice_gives_the_time_back_to_be_billed_anew(workspace, client_, hourly):
    entry = log(client_, 2, 60, hourly)
    issued = services.issue(invoice_unbilled_time(workspace, client_),
                            today=dt.date(2026, 3, 31))
    services.cancel(issued, today=dt.date(2026, 4, 2))
    entry.refresh_from_db()
    assert not entry.is_billed and entry.billing_state == "unbilled"
    corrected = invoice_unbilled_time(workspace, client_)
    entry.refresh_from_db()
    assert entry.invoice_line.invoice == corrected
