"""Invoices that tell the demo clients' stories: the ideal client pays on time, the slow
payer needs weeks, the haggler's finished catalogue waits for the final payment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from rapport.billing import services
from rapport.billing.models import Deliverable, Invoice, InvoiceLine
from rapport.clients.models import Project
from rapport.core import clock
from rapport.core.models import Workspace

Unit = InvoiceLine.Unit
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass
class _Story:
    issued_ago: int
    make: Callable[[], Invoice]
    payments: list[tuple[int, str]] = field(default_factory=list)  # (days ago, "full"|amount)


def _project(workspace: Workspace, name: str) -> Project:
    return Project.objects.get(workspace=workspace, name=name)


def add_demo_invoices(workspace: Workspace, today: dt.date) -> int:
    """Create and issue the demo invoices in date order, so numbers ascend with dates."""
    billing = services.billing_settings(workspace)
    billing.iban, billing.bic = "DE89370400440532013000", "COBADEFFXXX"
    billing.bank_name = "Commerzbank Berlin"
    # The tax number is printed from the workspace settings; the footer must not add another.
    billing.footer_text = "Lena Hoffmann · Text & Gestaltung · Berlin"
    billing.save()
    p = lambda name: _project(workspace, name)  # noqa: E731

    def standard(project: Project, *lines: tuple[str, str, str, str], month_ago: int = 0,
                 period: tuple[dt.date, dt.date] | None = None) -> Callable[[], Invoice]:
        def make() -> Invoice:
            invoice = services.new_draft(workspace, project.client, project=project)
            if month_ago:
                invoice.service_start = today - dt.timedelta(days=month_ago + 30)
                invoice.service_end = today - dt.timedelta(days=month_ago)
                invoice.save()
            if period:
                invoice.service_start, invoice.service_end = period
                invoice.save()
            for description, quantity, unit, price in lines:
                services.add_line(invoice, description, quantity, price, unit=unit)
            return invoice
        return make

    def retainer(project: Project, month_label: str, ago: int) -> Callable[[], Invoice]:
        def make() -> Invoice:
            invoice = services.new_draft(workspace, project.client, project=project,
                                         kind=Invoice.Kind.RETAINER)
            start = (today - dt.timedelta(days=ago) + dt.timedelta(days=32)).replace(day=1)
            invoice.service_start = start
            invoice.service_end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(
                days=1)
            invoice.intro_text = "Monatspauschale, wie vereinbart im Voraus berechnet."
            invoice.save()
            services.add_line(invoice, f"{project.name} — {month_label}", 1, project.amount,
                              unit=Unit.MONTH)
            return invoice
        return make

    def deposit(project: Project) -> Callable[[], Invoice]:
        return lambda: services.create_deposit_invoice(project)

    def final(project: Project, finished_ago: int | None = None) -> Callable[[], Invoice]:
        def make() -> Invoice:
            invoice = services.create_final_invoice(project)
            if finished_ago is not None:
                # The work was finished before the final invoice, whatever the project's
                # planned end: the service period cannot lie after the invoice date.
                invoice.service_end = today - dt.timedelta(days=finished_ago)
                invoice.save()
            return invoice
        return make

    def last_month(ago: int) -> tuple[dt.date, dt.date, str]:
        """The calendar month before the day `ago` days back, and its English name."""
        end = (today - dt.timedelta(days=ago)).replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end, MONTHS[end.month - 1]

    blog1 = p("Redaktion Blog & Kundenmagazin (1. Laufzeit)")
    blog2 = p("Redaktion Blog & Kundenmagazin (2. Laufzeit)")
    shop = p("Produkttexte Onlineshop (120 Artikel)")
    catalogue = p("Frühjahrskatalog: Texte & Lektorat")
    website = p("Website-Relaunch: Texte für 12 Seiten")
    extras = p("Zusatzleistungen nach Aufwand")
    practice = p("Praxisblog: zwei Artikel pro Monat")
    brand = p("Brand voice guide & onboarding emails")
    bios = p("Speaker bios for the Future of Craft summit")
    campaign = p("Campaign copy for the autumn event series")
    christmas = p("Weihnachtskatalog & Texte für Geschenkboxen")
    blurbs = p("Klappentexte & Verlagsvorschauen")
    campaign_month = last_month(31)

    stories = [
        # The ideal client: retainers billed in advance, paid within days.
        _Story(125, retainer(blog1, "Folgemonat", 125), [(121, "full")]),
        _Story(95, retainer(blog1, "Folgemonat", 95), [(92, "full")]),
        _Story(64, retainer(blog1, "Folgemonat", 64), [(60, "full")]),
        _Story(34, retainer(blog2, "Folgemonat", 34), [(31, "full")]),
        _Story(4, retainer(blog2, "Folgemonat", 4), []),
        # The slow payer: every invoice needs weeks, the latest is overdue.
        _Story(290, deposit(shop), [(262, "full")]),
        _Story(200, final(shop), [(186, "900.00"), (160, "full")]),
        _Story(58, deposit(catalogue), [(28, "full")]),
        _Story(40, standard(catalogue, ("Produktdatenblätter, 14 Stück", "14", Unit.PIECE,
                                        "45.00")), []),
        # The scope creeper: deposit on time; the "quick extras" billed by the hour.
        _Story(130, deposit(website), [(121, "full")]),
        _Story(35, standard(extras, ("Bildunterschriften und Teaser (Nachtrag)", "6",
                                     Unit.HOUR, "85.00"), month_ago=35), [(20, "full")]),
        # The chatty caller pays reliably.
        _Story(62, standard(practice, ("Zwei Blogartikel inkl. Recherche", "8", Unit.HOUR,
                                       "75.00"), month_ago=62), [(55, "full")]),
        _Story(31, standard(practice, ("Zwei Blogartikel inkl. Recherche", "9", Unit.HOUR,
                                       "75.00"), month_ago=31), [(25, "full")]),
        # The ghost: paid, but only after weeks of silence.
        _Story(100, standard(brand, ("Brand voice workshop and draft guide", "2", Unit.DAY,
                                     "620.00")), [(58, "full")]),
        # Panic mode, abroad: paid quickly, in USD.
        _Story(214, standard(bios, ("24 speaker bios, 120 words each", "1", Unit.FLAT,
                                    "1400.00")), [(203, "full")]),
        # The campaign month is billed after it ends, named as the month it was.
        _Story(31, standard(campaign, (f"Campaign copy, {campaign_month[2]}", "5", Unit.DAY,
                                       "540.00"), period=campaign_month[:2]),
               [(24, "full")]),
        # The haggler: deposit paid; the final invoice holds back the finished catalogue.
        _Story(88, deposit(christmas), [(80, "full")]),
        _Story(3, final(christmas, finished_ago=4), []),
        # The former client who ended well.
        _Story(50, standard(blurbs, ("Klappentexte Frühjahrsprogramm", "3", Unit.DAY,
                                     "480.00")), [(41, "full")]),
    ]
    for story in sorted(stories, key=lambda s: -s.issued_ago):
        issue_day = today - dt.timedelta(days=story.issued_ago)
        with clock.travel(issue_day):  # written and issued that day, as its history says
            issued = services.issue(story.make(), issue_day)
        for days_ago, amount in story.payments:
            value = issued.balance() if amount == "full" else Decimal(amount)
            paid_on = today - dt.timedelta(days=days_ago)
            with clock.travel(paid_on):
                services.record_payment(issued, value, paid_on,  # recorded when it came in
                                        recorded_at=services.moment_of(paid_on, workspace))

    Deliverable.objects.create(workspace=workspace, project=christmas,
                               name="Katalogtexte (final, 48 Seiten)",
                               status=Deliverable.Status.FINISHED)
    Deliverable.objects.create(workspace=workspace, project=website,
                               name="Seitentexte Runde 1", status=Deliverable.Status.RELEASED)
    return len(stories)
