"""The dashboard with many clients: each panel shows its first rows in a useful order,
links to the full list, and costs the same few queries however much data there is."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.billing.models import Deliverable, Invoice, Payment
from rapport.clients.models import Project
from rapport.dunning.defaults import default_policy
from rapport.dunning.models import Reminder
from rapport.front.views import OVERVIEW
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def _invoices(workspace, count: int, *, days_late: int = 10, paid: bool = False,
              start: int = 0, project=None) -> list[Invoice]:
    """Issued invoices of 100 € each, due `days_late` + n days ago (n = 0, 1, …)."""
    today = timezone.localdate()
    client = project.client if project else make_client(workspace, f"Kunde {start}")
    rows = Invoice.objects.bulk_create(
        Invoice(workspace=workspace, client=client, project=project,
                state=Invoice.State.ISSUED, number=f"RE-{start + n:04d}",
                issue_date=today - dt.timedelta(days=days_late + n + 14),
                due_date=today - dt.timedelta(days=days_late + n),
                net_total=Decimal(100), gross_total=Decimal(100))
        for n in range(count))
    if paid:
        Payment.objects.bulk_create(Payment(workspace=workspace, invoice=inv,
                                            amount=Decimal(100)) for inv in rows)
    return rows


def _held(workspace, count: int, start: int = 100) -> list[Deliverable]:
    client = make_client(workspace, f"Verlag {start}")
    items = []
    for n in range(count):
        project = Project.objects.create(workspace=workspace, client=client,
                                         name=f"Projekt {n}", amount=100)
        _invoices(workspace, 1, start=start + n, project=project)
        items.append(Deliverable.objects.create(workspace=workspace, project=project,
                                                name=f"Broschüre {n:02d}", status="finished"))
    return items


def test_overdue_invoices_show_the_longest_late_first_and_link_to_all(owner_http, workspace):
    late = _invoices(workspace, OVERVIEW + 2)
    _invoices(workspace, 3, days_late=200, paid=True, start=50)  # paid: never listed
    _invoices(workspace, 1, days_late=-5, start=60)  # not due yet
    page = owner_http.get("/")
    shown = [inv.number for inv in page.context["overdue"]]
    assert shown == [inv.number for inv in reversed(late)][:OVERVIEW]
    html = page.content.decode()
    assert "RE-0000" not in html  # the least late two are behind the link
    assert 'href="/invoices/?status=overdue"' in html and "See all overdue invoices" in html


def test_few_overdue_invoices_need_no_link(owner_http, workspace):
    _invoices(workspace, 2)
    html = owner_http.get("/").content.decode()
    assert "RE-0000" in html and "RE-0001" in html
    assert "See all overdue invoices" not in html


def test_held_work_shows_the_first_few_and_the_held_page_shows_all(owner_http, workspace):
    items = _held(workspace, OVERVIEW + 1)
    html = owner_http.get("/").content.decode()
    assert items[0].name in html and items[-1].name not in html
    assert 'href="/held/"' in html
    everything = owner_http.get("/held/").content.decode()
    assert all(item.name in everything for item in items)
    assert items[-1].project.invoices.get().number in everything


def test_failed_reminders_show_the_newest_few_and_how_many_more(owner_http, workspace):
    level = default_policy(workspace).levels.order_by("position").first()
    invoices = _invoices(workspace, OVERVIEW + 3)
    Reminder.objects.bulk_create(
        Reminder(workspace=workspace, invoice=inv, level=level, title=level.title_en,
                 due_on=timezone.localdate(), subject="Reminder", body="Please pay.",
                 state=Reminder.State.FAILED, attempts=3, last_error="SMTP 451")
        for inv in invoices)
    html = owner_http.get("/").content.decode()
    assert html.count("SMTP 451") == OVERVIEW
    assert "and 3 more failed reminders" in html


def _queries(http) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get("/").status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_queries_with_more_data(owner_http, workspace):
    _invoices(workspace, 2)
    _held(workspace, 2)
    owner_http.get("/")  # the first visit may remember a finished checklist
    few = _queries(owner_http)
    _invoices(workspace, 30, start=1000)
    _held(workspace, 20, start=2000)
    assert _queries(owner_http) == few


# Every panel together: the session, the user and the workspace, then a query or two per
# panel. A panel that starts reading per row, or a new panel, shows up here first.
MOST_QUERIES = 38


def test_a_full_dashboard_stays_within_a_fixed_number_of_queries(owner_http, workspace):
    level = default_policy(workspace).levels.order_by("position").first()
    late = _invoices(workspace, OVERVIEW + 2)
    Payment.objects.create(workspace=workspace, invoice=late[-1], amount=Decimal(40))
    _held(workspace, OVERVIEW + 1)
    Reminder.objects.bulk_create(
        Reminder(workspace=workspace, invoice=inv, level=level, title=level.title_en,
                 due_on=timezone.localdate(), subject="Reminder", body="Please pay.",
                 state=state, attempts=1, last_error="SMTP 451",
                 sent_at=timezone.now() if state == Reminder.State.SENT else None)
        for inv, state in zip(late, [Reminder.State.FAILED, Reminder.State.SENT] * 5,
                              strict=False))
    owner_http.get("/")  # the first visit may remember a finished checklist
    html = owner_http.get("/").content.decode()
    assert "SMTP 451" in html and "5 reminders sent this week" in html
    assert "60.00" in html  # the longest late invoice, part paid
    count = _queries(owner_http)
    print("dashboard queries:", count)
    assert count <= MOST_QUERIES
