"""The health overview pages, filters and searches on the server, while its counts and
"what changed" speak of every client — with the same rules as the dashboard's summary."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from rapport.health import overview
from rapport.health.models import HealthSnapshot
from rapport.health.snapshots import bring_up_to_date, refresh_clients
from tests.conftest import make_client
from tests.health.helpers import signal

pytestmark = pytest.mark.django_db


def _active(workspace, name):
    client = make_client(workspace, name)
    client.change_status("active")
    return client


def _red(client):
    for days in (3, 10, 20):
        signal(client, "slow_payment", days)


def _rows(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('data-testid="health-row-')[1:]]


@pytest.fixture
def twelve(workspace, monkeypatch):
    """Three red clients, two to watch, seven calm ones; five to a page."""
    monkeypatch.setattr(overview, "PAGE_SIZE", 5)
    red = [_active(workspace, f"Rot {n}") for n in range(3)]
    for client in red:
        _red(client)
    amber = [_active(workspace, f"Gelb {n}") for n in range(2)]
    for client in amber:
        signal(client, "haggling", 4)
        signal(client, "scope_creep", 40)
    calm = [_active(workspace, f"Ruhig {n:02d}") for n in range(7)]
    return red, amber, calm


def test_the_table_pages_worst_first_while_the_counts_speak_of_every_client(
        owner_http, twelve):
    red, amber, calm = twelve
    first = owner_http.get("/health/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(_rows(first)) == 5
    assert set(_rows(first)[:3]) == {str(c.pk) for c in red}
    assert set(_rows(first)[3:5]) == {str(c.pk) for c in amber}
    assert "3 with a warning sign present, 2 to watch, 7 without signs." in first
    assert "Page 1 of 3" in first
    third = owner_http.get("/health/?page=3", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(_rows(third)) == 2
    assert set(_rows(third)) < {str(c.pk) for c in calm}
    assert "3 with a warning sign present, 2 to watch, 7 without signs." in third
    # The chart still shows every client, whatever the page.
    assert third.count("<circle") == 12


def test_filtering_by_status_and_name_happens_on_the_server(owner_http, twelve):
    red, amber, calm = twelve
    page = owner_http.get("/health/?status=present",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert sorted(_rows(page)) == sorted(str(c.pk) for c in red)
    assert "3 clients match." in page
    assert "3 with a warning sign present, 2 to watch, 7 without signs." in page
    page = owner_http.get("/health/?q=gelb", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert sorted(_rows(page)) == sorted(str(c.pk) for c in amber)
    page = owner_http.get("/health/?q=ruhig&status=present",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _rows(page) == [] and "No clients match." in page


def test_the_pages_keep_the_filter_and_a_bad_status_is_ignored(owner_http, twelve):
    page = owner_http.get("/health/?status=none", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "?status=none&amp;page=2" in page
    page = owner_http.get("/health/?status=none&page=2",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(_rows(page)) == 2
    response = owner_http.get("/health/?status=purple&q=Rot&page=99")
    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == 3


def test_the_overview_and_the_dashboard_count_and_list_changes_by_the_same_rule(
        rf, owner, owner_http, workspace):
    quiet = _active(workspace, "A Quiet")
    busy = _active(workspace, "B Busy")
    turned = _active(workspace, "C Turned red")
    _active(workspace, "D Nothing")
    signal(quiet, "kept_promise", 2)  # one new signal, no change of status
    for days in (1, 2):
        signal(busy, "kept_promise", days)  # two new signals
    for days in (1, 2, 3):  # "slow to pay" went from none to present this week
        signal(turned, "slow_payment", days)
    request = rf.get("/")
    request.workspace, request.user = workspace, owner
    summary = Template("{% load health %}{% health_summary %}").render(
        Context({"request": request}))
    page = owner_http.get("/health/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    changed = page.split('data-testid="changed-this-week"')[1].split("</section>")[0]
    order = ["C Turned red", "B Busy", "A Quiet"]
    assert sorted(order, key=changed.index) == order
    assert "Slow to pay: none → <strong>present</strong>" in changed
    assert "D Nothing" not in changed
    this_week = summary.split("This week:")[1]
    assert sorted(order, key=this_week.index) == order and "D Nothing" not in this_week
    snapshots = overview.assessed(workspace)
    counts = overview.status_counts(snapshots)
    sentence = (f"{counts['present']} with a warning sign present, {counts['watch']} to "
                f"watch, {counts['none']} without signs.")
    assert sentence in page and sentence in " ".join(summary.split())
    assert sum(counts.values()) == 4


def test_status_and_friction_are_stored_as_the_assessment_says(workspace, twelve):
    red, amber, calm = twelve
    bring_up_to_date(workspace)
    stored = {s.client_id: s for s in HealthSnapshot.objects.all()}
    assert {stored[c.pk].status for c in red} == {"present"}
    assert {stored[c.pk].status for c in amber} == {"watch"}
    assert {stored[c.pk].status for c in calm} == {"none"}
    assert all(stored[c.pk].friction > 0 for c in red + amber)
    assert all(stored[c.pk].friction == 0 for c in calm)


def test_refreshing_one_client_reads_only_what_its_signs_need(workspace, twelve):
    red, amber, calm = twelve
    bring_up_to_date(workspace)

    def queries(client) -> list[str]:
        signal(client, "urgency", 0)
        with CaptureQueriesContext(connection) as captured:
            refresh_clients(workspace, [client.pk])
        return [q["sql"] for q in captured]

    few = queries(calm[0])
    for n in range(10):
        _red(_active(workspace, f"Neu {n}"))
    bring_up_to_date(workspace)
    more = queries(calm[1])
    assert len(more) == len(few)
    assert not [sql for sql in more if "billing_payment" in sql or "timetracking" in sql]
    assert HealthSnapshot.objects.get(client=calm[1]).new_this_week == 1
