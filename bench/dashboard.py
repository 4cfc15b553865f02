"""Dashboard benchmark: a 300-client workspace with everything the dashboard shows.

`make_dashboard_workspace()` builds (seeded, bulk_create in batches) one workspace with
BENCH_DASHBOARD_CLIENTS active clients, their mail (BENCH_DASHBOARD_MESSAGES) and issued
invoices with payments (BENCH_DASHBOARD_INVOICES, from the health benchmark's
generators), and on top what the dashboard lists: projects, incidents, finished
deliverables held until paid, sent and failed reminders, and every client's stored
health. Other benchmarks (the web server's) reuse it.

`bench_dashboard()` then measures, in-process with Django's test client, the server time
of the dashboard next to the signed-in profile page (a page with almost no work to do)
and the queries of one dashboard request.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
from typing import Any

from health import (
    OWN_EMAIL,
    Profile,
    _result,
    _save_all,
    _timed,
    make_clients,
    make_invoices,
    make_messages,
)

N_CLIENTS = int(os.environ.get("BENCH_DASHBOARD_CLIENTS", "300"))
N_MESSAGES = int(os.environ.get("BENCH_DASHBOARD_MESSAGES", "30000"))
N_INVOICES = int(os.environ.get("BENCH_DASHBOARD_INVOICES", "30000"))
SEED = 20261202
EMAIL = "dashboard@rapport.example"
PASSWORD = "bench-dashboard-password"
REQUESTS = 40

Result = dict[str, object]


def _owner_and_workspace() -> tuple[Any, Any]:
    from rapport.accounts.models import User
    from rapport.billing.services import billing_settings
    from rapport.core.office_hours import parse_ranges
    from rapport.core.services import create_workspace, set_office_hours

    user = User.objects.create_user(EMAIL, PASSWORD, name="Lena Hoffmann")
    workspace = create_workspace(
        user, name="Lena Hoffmann · Dashboard", time_zone="Europe/Berlin",
        holiday_country="DE", holiday_subdivision="BE", language="de",
        street="Kastanienallee 12", postal_code="10435", city="Berlin",
        tax_number="16/345/67890", email=OWN_EMAIL)
    set_office_hours(workspace, {day: parse_ranges("09:00-12:00, 13:00-17:00")
                                 for day in range(5)})
    billing = billing_settings(workspace)
    billing.iban, billing.bic = "DE89370400440532013000", "COBADEFFXXX"
    billing.save()
    return user, workspace


def add_projects_and_notes(workspace: Any, profiles: list[Profile], rng: random.Random,
                           today: dt.date) -> list[Any]:
    """One to three projects per client (most active), a few incidents and notes each;
    every project gets a deliverable, finished ones held until paid. Returns the projects."""
    from rapport.billing.models import Deliverable
    from rapport.clients.models import Note, Project

    projects = []
    for profile in profiles:
        for n in range(rng.randint(1, 3)):
            start = today - dt.timedelta(days=rng.randint(10, 400))
            projects.append(Project(
                workspace=workspace, client=profile.client, name=f"Projekt {n + 1}",
                status=rng.choice([Project.Status.ACTIVE] * 3 + [Project.Status.COMPLETED]),
                start_date=start, end_date=start + dt.timedelta(days=rng.randint(30, 500)),
                rate_type=rng.choice(Project.RateType.values), amount=rng.randint(500, 9000)))
    projects = _save_all(Project, projects, len(projects), "projects")
    notes = []
    for profile in profiles:
        for _n in range(rng.randint(1, 6)):
            incident = rng.random() < 0.2 + 0.6 * profile.difficulty
            notes.append(Note(
                workspace=workspace, client=profile.client,
                kind=Note.Kind.INCIDENT if incident else Note.Kind.NOTE,
                happened_on=today - dt.timedelta(days=rng.randint(0, 700)),
                text="Wollte noch schnell eine Seite mehr, ohne Aufpreis." if incident
                else "Kurzes Telefonat, alles im Plan.",
                incident_category=rng.choice(Note.IncidentCategory.values) if incident else "",
                severity=rng.randint(1, 3) if incident else None))
    _save_all(Note, notes, len(notes), "notes")
    _save_all(Deliverable, (
        Deliverable(workspace=workspace, project=project, name=f"Texte {project.name}",
                    status=rng.choice(Deliverable.Status.values))
        for project in projects), len(projects), "deliverables")
    return projects


def link_invoices_to_projects(workspace: Any, projects: list[Any]) -> None:
    """Each invoice belongs to one of its client's projects, as when billed from one."""
    from django.db import models, transaction

    from rapport.billing.models import Invoice

    by_client: dict[int, list[int]] = {}
    for project in projects:
        by_client.setdefault(project.client_id, []).append(project.pk)
    with transaction.atomic():
        for client_id, pks in by_client.items():
            invoices = list(Invoice.objects.filter(workspace=workspace, client_id=client_id)
                            .values_list("pk", flat=True))
            for index, project in enumerate(pks):
                # Issued invoices refuse updates (they are immutable); the project link is
                # bookkeeping this generator adds after their bulk creation.
                models.QuerySet.update(Invoice.objects.filter(pk__in=invoices[index::len(pks)]),
                                       project=project)


def add_reminders(workspace: Any, rng: random.Random, now: dt.datetime) -> None:
    """Reminders for the overdue invoices: most sent (some this week), some failed."""
    from rapport.billing.models import Invoice
    from rapport.dunning.defaults import default_policy
    from rapport.dunning.models import Reminder

    level = default_policy(workspace).levels.order_by("position").first()
    overdue = list(Invoice.objects.filter(workspace=workspace).overdue(now.date())
                   .values_list("pk", "due_date"))
    reminders = []
    for pk, due in overdue:
        failed = rng.random() < 0.15
        reminders.append(Reminder(
            workspace=workspace, invoice_id=pk, level=level, title=level.title_de,
            due_on=due + dt.timedelta(days=3), recipients=["buchhaltung@client.example"],
            subject="Zahlungserinnerung", body="Bitte überweisen Sie den offenen Betrag.",
            state=Reminder.State.FAILED if failed else Reminder.State.SENT,
            attempts=3 if failed else 1,
            last_error="SMTP 451: try again later" if failed else "",
            sent_at=None if failed else now - dt.timedelta(days=rng.randint(0, 60))))
    _save_all(Reminder, reminders, len(reminders), "reminders")


def store_health(workspace: Any) -> None:
    """Signals and every client's stored assessment, as after a tick."""
    from rapport.health.snapshots import portfolio
    from rapport.signals.services import refresh_workspace

    print("  dashboard: signals and health …", file=sys.stderr, flush=True)
    refresh_workspace(workspace)
    portfolio(workspace)


def make_dashboard_workspace(rng: random.Random | None = None) -> tuple[Any, Any]:
    """The owner (EMAIL / PASSWORD) and their busy workspace, ready to be served."""
    from django.utils import timezone

    rng = rng or random.Random(SEED)
    now = timezone.now()
    user, workspace = _owner_and_workspace()
    today = now.astimezone(workspace.tz).date()
    profiles = make_clients(workspace, N_CLIENTS, rng)
    make_messages(workspace, profiles, N_MESSAGES, rng, now)
    make_invoices(workspace, profiles, N_INVOICES, rng, today)
    projects = add_projects_and_notes(workspace, profiles, rng, today)
    link_invoices_to_projects(workspace, projects)
    add_reminders(workspace, rng, now)
    store_health(workspace)
    return user, workspace


def _milliseconds(http: Any, url: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        seconds, response = _timed(lambda: http.get(url))
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        samples.append(seconds * 1000)
    return samples


def bench_dashboard() -> list[Result]:
    """Dashboard and profile page: p50 server time of REQUESTS requests each, their ratio,
    and the queries of one dashboard request."""
    from run import _django

    _django()
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    with override_settings(DEBUG=False):
        generated, (user, _workspace) = _timed(make_dashboard_workspace)
        results = [_result("dashboard_generate", round(generated, 1), "s",
                           clients=N_CLIENTS, messages=N_MESSAGES, invoices=N_INVOICES)]
        http = HttpClient(HTTP_HOST="127.0.0.1")
        http.force_login(user)
        dashboard, profile = reverse("core:dashboard"), reverse("accounts:profile")
        _milliseconds(http, dashboard, 3)  # warm up: templates, translations, caches
        _milliseconds(http, profile, 3)
        page = statistics.median(_milliseconds(http, dashboard, REQUESTS))
        baseline = statistics.median(_milliseconds(http, profile, REQUESTS))
        with CaptureQueriesContext(connection) as queries:
            http.get(dashboard)
    return results + [
        _result("dashboard_p50", round(page, 1), "ms"),
        _result("dashboard_profile_p50", round(baseline, 1), "ms"),
        _result("dashboard_vs_profile", round(page / baseline, 2), "x"),
        _result("dashboard_queries", len(queries), "queries"),
    ]
