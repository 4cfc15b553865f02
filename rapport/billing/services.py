"""Invoice operations: drafts of each kind, issuing with gap-free numbers, cancelling, paying.

Each function is one transaction. Numbers are assigned only when an invoice is issued,
under a row lock on the series counter, so concurrent issuers never skip or repeat one.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from rapport.billing.models import (
    ZERO,
    BillingSettings,
    Deliverable,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    NumberCounter,
    Payment,
    PendingFee,
    TaxRegime,
    TaxTreatment,
)
from rapport.billing.positions import next_position
from rapport.billing.totals import compute, split_gross
from rapport.clients.models import Client, Project
from rapport.core import clock
from rapport.core.dates import document_date
from rapport.core.models import Workspace
from rapport.core.money import format_money, quantize
from rapport.core.pipeline import follow_up

EU_COUNTRIES = frozenset((
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
))


def billing_settings(workspace: Workspace) -> BillingSettings:
    settings, _created = BillingSettings.objects.get_or_create(workspace=workspace)
    return settings


def default_tax_treatment(workspace: Workspace, client: Client) -> str:
    """§ 19 for small businesses; otherwise by the client's country and VAT ID."""
    if billing_settings(workspace).tax_regime == TaxRegime.SMALL_BUSINESS:
        return TaxTreatment.SMALL_BUSINESS
    home = workspace.country or "DE"
    country = (client.country or home).upper()
    if country == home:
        return TaxTreatment.DOMESTIC
    if country in EU_COUNTRIES:
        return TaxTreatment.REVERSE_CHARGE if client.vat_id else TaxTreatment.DOMESTIC
    return TaxTreatment.EXPORT


def vat_applies(invoice: Invoice) -> bool:
    return invoice.tax_treatment == TaxTreatment.DOMESTIC


def totals(invoice: Invoice):  # noqa: ANN201 - returns rapport.billing.totals.Totals
    return compute(invoice.lines.all(), invoice.currency, vat_applies(invoice))


def new_draft(workspace: Workspace, client: Client, *, kind: str = Invoice.Kind.STANDARD,
              project: Project | None = None, currency: str | None = None) -> Invoice:
    settings = billing_settings(workspace)
    invoice = Invoice(
        workspace=workspace, client=client, project=project, kind=kind,
        currency=currency or (project.currency if project else workspace.default_currency),
        language=client.language, tax_treatment=default_tax_treatment(workspace, client),
        payment_term_days=settings.payment_term_days,
    )
    invoice.save()
    if kind in (Invoice.Kind.STANDARD, Invoice.Kind.FINAL, Invoice.Kind.RETAINER):
        add_pending_fees(invoice)
    return invoice


def open_fees(client: Client) -> list[PendingFee]:
    """Fee lines waiting for the client's next invoice."""
    return list(PendingFee.objects.filter(workspace_id=client.workspace_id, client=client,
                                          invoiced_at__isnull=True))


def add_pending_fees(invoice: Invoice) -> int:
    """Fees waiting for this client's next invoice (e.g. a billable late cancellation)
    become lines of `invoice`, each taken up once; returns how many."""
    taken = 0
    for fee in open_fees(invoice.client):
        claimed = fee.currency == invoice.currency and PendingFee.objects.filter(
            pk=fee.pk, invoiced_at__isnull=True).update(invoiced_at=clock.now(),
                                                        invoice=invoice)
        if claimed:  # a fee another draft took up meanwhile is not billed twice
            add_line(invoice, fee.description, 1, fee.amount, unit=InvoiceLine.Unit.FLAT)
            taken += 1
    return taken


def release_fees(invoice: Invoice) -> int:
    """Give the fees `invoice` took up back, so the client's next invoice picks them up."""
    return PendingFee.objects.filter(invoice=invoice).update(invoiced_at=None, invoice=None)


def add_line(invoice: Invoice, description: str, quantity: Decimal | int | str,
             unit_price: Decimal | int | str, *, unit: str = InvoiceLine.Unit.PIECE,
             vat_rate: Decimal | str = "19.00") -> InvoiceLine:
    return InvoiceLine.objects.create(
        invoice=invoice, position=next_position(invoice), description=description,
        quantity=Decimal(quantity), unit=unit, unit_price=Decimal(unit_price),
        vat_rate=Decimal(vat_rate),
    )


@transaction.atomic
def create_deposit_invoice(project: Project, percent: Decimal | None = None) -> Invoice:
    """A draft asking for a share (default from the settings, 50 %) of the agreed amount."""
    workspace = project.workspace
    if percent is None:
        percent = billing_settings(workspace).deposit_percent
    percent = Decimal(percent)
    if not 0 < percent <= 100:
        raise ValidationError(_("The deposit must be between 1 and 100 percent."))
    invoice = new_draft(workspace, project.client, kind=Invoice.Kind.DEPOSIT, project=project)
    invoice.deposit_percent = percent
    # The agreed period, printed as expected: the work has not been done yet (§ 14 UStG).
    invoice.service_start, invoice.service_end = project.start_date, project.end_date
    with translation.override(invoice.language):
        invoice.intro_text = _(
            "As agreed, I invoice a deposit of %(percent)s %% of the agreed fee for "
            "“%(project)s”. I have everything I need and will start work as soon as the "
            "deposit arrives."
        ) % {"percent": f"{percent.normalize():f}", "project": project.name}
        description = _("Deposit %(percent)s %% on “%(project)s” (agreed: %(amount)s net)") % {
            "percent": f"{percent.normalize():f}", "project": project.name,
            "amount": format_money(project.amount, project.currency, invoice.language),
        }
    invoice.save()
    add_line(invoice, description, 1,
             quantize(Decimal(project.amount) * percent / 100, invoice.currency),
             unit=InvoiceLine.Unit.FLAT)
    return invoice


@transaction.atomic
def create_final_invoice(project: Project) -> Invoice:
    """A draft for the full agreed amount; paid deposits are deducted when it is issued."""
    invoice = new_draft(project.workspace, project.client, kind=Invoice.Kind.FINAL,
                        project=project)
    with translation.override(invoice.language):
        invoice.intro_text = _("The work on “%(project)s” is finished. I invoice the agreed "
                               "fee less the deposit already paid.") % {"project": project.name}
    invoice.service_start = project.start_date
    invoice.service_end = project.end_date
    invoice.save()
    add_line(invoice, project.name, 1, project.amount, unit=InvoiceLine.Unit.FLAT)
    return invoice


def paid_deposits(project: Project, exclude: Invoice | None = None) -> list[Invoice]:
    deposits = (
        Invoice.objects.filter(project=project, kind=Invoice.Kind.DEPOSIT,
                               state=Invoice.State.ISSUED)
        .prefetch_related("payments", "lines").order_by("issue_date", "pk")
    )
    return [d for d in deposits if d.paid_total() > 0 and d != exclude]


def deductions_for(invoice: Invoice) -> list[dict[str, str]]:
    """What a final invoice deducts: each paid deposit (as far as paid), split by VAT.

    A cancellation reverses the deductions of the invoice it cancels.
    """
    if invoice.kind == Invoice.Kind.CANCELLATION and invoice.cancels:
        negate = {"net", "tax", "gross"}
        return [{k: (str(-Decimal(v)) if k in negate else v) for k, v in row.items()}
                for row in invoice.cancels.deductions]
    if invoice.kind != Invoice.Kind.FINAL or invoice.project is None:
        return []
    rows = []
    for deposit in paid_deposits(invoice.project, exclude=invoice):
        gross = min(deposit.paid_total(), deposit.amount_due)
        rate = deposit.lines.first().vat_rate if vat_applies(deposit) else ZERO
        net, tax = split_gross(gross, rate, deposit.currency)
        rows.append({
            "number": deposit.number, "issue_date": deposit.issue_date.isoformat(),
            "vat_rate": str(rate), "net": str(net), "tax": str(tax), "gross": str(gross),
        })
    return rows


def seller_snapshot(workspace: Workspace) -> dict[str, str]:
    settings = billing_settings(workspace)
    return {
        "name": workspace.name, "legal_name": workspace.legal_name or workspace.name,
        "street": workspace.street, "postal_code": workspace.postal_code,
        "city": workspace.city, "country": workspace.country, "vat_id": workspace.vat_id,
        "tax_number": workspace.tax_number, "email": workspace.email, "phone": workspace.phone,
        "contact": workspace.legal_name or workspace.name,
        "iban": settings.iban, "bic": settings.bic,
        "bank_name": settings.bank_name,
        "account_holder": settings.account_holder or workspace.legal_name or workspace.name,
        "footer_text": settings.footer_text,
        "logo": logo_data_uri(settings),
    }


def logo_data_uri(settings: BillingSettings) -> str:
    """The logo as a data URI, so the invoice's snapshot keeps the logo it was issued with."""
    return image_data_uri(settings.logo) if settings.logo else ""


def image_data_uri(image: FieldFile) -> str:
    """A stored PNG or JPEG as a data URI ("" if the file is gone)."""
    try:
        with image.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"


def buyer_snapshot(client: Client) -> dict[str, str]:
    contact = client.contacts.prefetch_related("emails").first()
    email = contact.addresses()[0] if contact and contact.addresses() else ""
    terms = getattr(client, "terms", None)  # the client's payment terms, if recorded
    is_business = terms.is_business if terms else client.kind == Client.Kind.COMPANY
    return {
        "name": client.name, "street": client.street, "postal_code": client.postal_code,
        "city": client.city, "country": client.country, "vat_id": client.vat_id,
        "contact": contact.name if contact else "", "email": email,
        "is_business": is_business,
    }


def check_issuable(invoice: Invoice) -> None:
    """Refuse what would make an invoice invalid under § 14 UStG, naming what is missing.

    Problems the user fixes elsewhere carry a code ("seller": workspace settings, "buyer":
    the client), so the page showing them can link to where they are fixed."""
    problems = []
    workspace = invoice.workspace
    if not invoice.lines.exists():
        problems.append(_("The invoice has no lines."))
    if not (workspace.street and workspace.postal_code and workspace.city):
        problems.append(ValidationError(
            _("Your business address is incomplete (workspace settings)."), code="seller"))
    if not (workspace.tax_number or workspace.vat_id):
        problems.append(ValidationError(
            _("Your tax number or VAT ID is missing (workspace settings)."), code="seller"))
    client = invoice.client
    if not (client.street and client.postal_code and client.city):
        problems.append(ValidationError(_("The client's address is incomplete."),
                                        code="buyer"))
    if invoice.tax_treatment == TaxTreatment.REVERSE_CHARGE:
        if not client.vat_id:
            problems.append(ValidationError(_("Reverse charge needs the client's VAT ID."),
                                            code="buyer"))
        if not workspace.vat_id:
            problems.append(ValidationError(
                _("Reverse charge needs your own VAT ID (workspace settings)."), code="seller"))
    start, end = invoice.service_start, invoice.service_end
    if start and end and end < start:
        problems.append(_("The service period ends before it starts."))
    problems += deposit_currency_problems(invoice)
    from rapport.billing.regime import regime_conflict

    if conflict := regime_conflict(invoice):
        problems.append(conflict)
    if problems:
        raise ValidationError(problems)


def deposit_currency_problems(invoice: Invoice) -> list[str]:
    """A final invoice deducts paid deposits: only in their own currency, never converted
    (the client paid those amounts, not their value in another currency)."""
    if invoice.kind != Invoice.Kind.FINAL or invoice.project is None:
        return []
    return [_("The deposit %(number)s is in %(deposit)s; issue the final invoice in "
              "%(deposit)s too, so it can deduct it.")
            % {"number": d.number, "deposit": d.currency}
            for d in paid_deposits(invoice.project, exclude=invoice)
            if d.currency != invoice.currency]


def next_number(workspace: Workspace, issued_on: dt.date) -> str:
    """Take the next number of the workspace's series; call inside a transaction."""
    settings = billing_settings(workspace)
    series, period = settings.number_format, settings.period_key(issued_on)
    NumberCounter.objects.get_or_create(workspace=workspace, series=series, period=period)
    counter = NumberCounter.objects.select_for_update().get(
        workspace=workspace, series=series, period=period
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return settings.format_number(issued_on, counter.last_value)


@transaction.atomic
def issue(invoice: Invoice, today: dt.date | None = None) -> Invoice:
    """Number, date, snapshot and freeze a draft."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.state != Invoice.State.DRAFT:
        raise ValidationError(_("This invoice has been issued already."))
    check_issuable(locked)
    today = today or clock.today()
    result = totals(locked)
    locked.deductions = deductions_for(locked)
    locked.deducted_total = sum((Decimal(d["gross"]) for d in locked.deductions), ZERO)
    locked.net_total, locked.tax_total, locked.gross_total = result.net, result.tax, result.gross
    locked.seller = seller_snapshot(locked.workspace)
    locked.buyer = buyer_snapshot(locked.client)
    locked.issue_date = today
    locked.due_date = today + dt.timedelta(days=locked.payment_term_days)
    if not locked.service_start and locked.kind != Invoice.Kind.DEPOSIT:
        locked.service_start = today  # a deposit comes before the work: no date of service
    locked.number = next_number(locked.workspace, today)
    locked.state = Invoice.State.ISSUED
    locked.save()
    InvoiceEvent.objects.create(workspace=locked.workspace, invoice=locked,
                                kind=InvoiceEvent.Kind.ISSUED, detail=locked.number,
                                at=moment_of(today, locked.workspace))
    return locked


def moment_of(day: dt.date, workspace: Workspace) -> dt.datetime:
    """When something dated `day` happened, for the invoice's history: now if it is today,
    else noon of that day in the workspace's time zone (an invoice issued with an earlier
    date must not read as issued today)."""
    now = clock.now()
    if timezone.localdate(now, workspace.tz) == day:
        return now
    return dt.datetime.combine(day, dt.time(12), tzinfo=workspace.tz)


@transaction.atomic
def cancel(invoice: Invoice, today: dt.date | None = None) -> Invoice:
    """Issue a cancellation invoice that negates every line and mark the original cancelled."""
    original = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not original.is_payable:
        raise ValidationError(_("Only an issued invoice can be cancelled, and only once."))
    storno = Invoice(
        workspace=original.workspace, client=original.client, project=original.project,
        kind=Invoice.Kind.CANCELLATION, cancels=original, currency=original.currency,
        language=original.language, tax_treatment=original.tax_treatment,
        payment_term_days=0, service_start=original.service_start,
        service_end=original.service_end,
    )
    with translation.override(original.language):
        storno.intro_text = _("This invoice cancels invoice %(number)s of %(date)s.") % {
            "number": original.number,
            "date": document_date(original.issue_date, original.language),
        }
    storno.save()
    for line in original.lines.all():
        InvoiceLine.objects.create(
            invoice=storno, position=line.position, description=line.description,
            quantity=-line.quantity, unit=line.unit, unit_price=line.unit_price,
            vat_rate=line.vat_rate,
        )
    issued = issue(storno, today)
    original.state = Invoice.State.CANCELLED
    original.save(update_fields=["state"])
    InvoiceEvent.objects.create(workspace=original.workspace, invoice=original,
                                kind=InvoiceEvent.Kind.CANCELLED, detail=issued.number,
                                at=moment_of(issued.issue_date, original.workspace))
    follow_up(original.workspace_id, [original.client_id])  # no slow payment on it any more
    return issued


@transaction.atomic
def record_payment(invoice: Invoice, amount: Decimal | str, paid_on: dt.date | None = None,
                   note: str = "", recorded_at: dt.datetime | None = None) -> Payment:
    """Record money received; partial and over-payments are allowed and shown as such.

    `recorded_at` (default: now) dates the history entry, for payments entered as they
    were recorded back then (the demo's)."""
    if not invoice.is_payable:
        raise ValidationError(_("Payments can only be recorded on issued invoices."))
    amount = quantize(Decimal(amount), invoice.currency)
    if amount <= 0:
        raise ValidationError(_("The amount must be greater than zero."))
    payment = Payment.objects.create(
        workspace=invoice.workspace, invoice=invoice, amount=amount,
        paid_on=paid_on or clock.today(), note=note,
    )
    InvoiceEvent.objects.create(workspace=invoice.workspace, invoice=invoice,
                                kind=InvoiceEvent.Kind.PAYMENT,
                                detail=f"{amount} {invoice.currency} ({payment.paid_on})",
                                **({"at": recorded_at} if recorded_at else {}))
    follow_up(invoice.workspace_id, [invoice.client_id])
    return payment


@transaction.atomic
def remove_payment(payment: Payment) -> None:
    """Take back a payment recorded by mistake (by hand or by bank matching): the balance
    reopens, and signals, health and promises are brought up to date after commit."""
    invoice = payment.invoice
    payment.delete()
    follow_up(invoice.workspace_id, [invoice.client_id])


@transaction.atomic
def delete_draft(invoice: Invoice) -> None:
    """Delete a draft; the fees it had picked up wait for the client's next invoice again.
    An issued invoice is never deleted (ValidationError)."""
    if not invoice.is_draft:
        raise ValidationError(Invoice.IMMUTABLE_MESSAGE)
    release_fees(invoice)
    invoice.delete()


def deliverables_with_blocking(project: Project) -> list[tuple[Deliverable, list[Invoice]]]:
    """A project's deliverables, each with the invoices that hold it back. What holds one
    back (`blocking_invoices()`) depends only on its project, so the project's invoices are
    read once for all of them instead of once a row."""
    items = list(project.deliverables.all())
    waiting = [item for item in items if item.release_after_full_payment]
    blocking = waiting[0].blocking_invoices() if waiting else []
    return [(item, blocking if item.release_after_full_payment else []) for item in items]


HELD_UNTIL_PAID = _lazy("Held until the project's invoices are paid in full.")


def set_deliverable_status(item: Deliverable, status: str) -> Deliverable:
    """Move a deliverable along; it is released only once the project's invoices are paid
    in full (when it waits for payment), else ValidationError."""
    if status not in Deliverable.Status.values:
        raise ValidationError(_("Unknown status."), code="invalid")
    if status == Deliverable.Status.RELEASED and item.blocking_invoices():
        raise ValidationError(HELD_UNTIL_PAID, code="held")
    item.status = status
    item.save(update_fields=["status"])
    return item


@transaction.atomic
def purge_workspace_billing(workspace: Workspace) -> None:
    """Remove every invoice of a workspace that is itself being removed.

    Only for closing a whole workspace (and the demo reset): issued invoices are otherwise
    immutable and must be kept for eight years (§ 147 AO), which is the owner's duty then.
    """
    invoices = Invoice.objects.filter(workspace=workspace)
    Payment.objects.filter(workspace=workspace).delete()
    QuerySet.delete(invoices.filter(cancels__isnull=False))
    QuerySet.delete(invoices)
