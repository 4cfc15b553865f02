"""Invoices, their lines and payments, billing settings, portal links and held deliverables.

An issued invoice is a snapshot: seller, buyer, texts, language and lines are copied
onto it when it is issued and never read live again. From then on it is immutable;
the only way to correct it is a cancellation invoice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.billing.bank import clean_bic, clean_iban
from rapport.billing.totals import line_net
from rapport.clients.models import Client, Project
from rapport.core import clock, placeholders
from rapport.core.dates import short_date
from rapport.core.models import Workspace, WorkspaceOwned
from rapport.core.money import CURRENCY_CHOICES, format_money
from rapport.core.tokens import TokenLink, new_token

ZERO = Decimal("0.00")
HALF_CENT = Decimal("0.005")
PAYMENT_DETAIL = re.compile(r"(?P<amount>-?[\d.]+) (?P<currency>[A-Z]{3}) \((?P<date>[\d-]{10})\)")


class TaxRegime(models.TextChoices):
    STANDARD = "standard", _("Standard VAT")
    SMALL_BUSINESS = "small_business", _("Small business (§ 19 UStG, no VAT)")


class TaxTreatment(models.TextChoices):
    """How VAT applies to one invoice; the default follows the client's country and VAT ID."""

    DOMESTIC = "domestic", _("VAT charged")
    SMALL_BUSINESS = "small_business", _("Small business, no VAT (§ 19 UStG)")
    REVERSE_CHARGE = "reverse_charge", _("EU reverse charge")
    EXPORT = "export", _("Non-EU export, not taxable in Germany")


VAT_RATES = [Decimal("19.00"), Decimal("7.00"), Decimal("0.00")]
VAT_RATE_CHOICES = [(rate, f"{rate:.0f} %") for rate in VAT_RATES]

# The documented placeholders of an invoice number; only {seq} takes a width ({seq:04}).
NUMBER_FIELDS = ("YYYY", "YY", "MM", "seq")
NUMBER_SPECS = {"seq": r"0?[1-9]\d?d?"}


class BillingSettings(models.Model):
    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="billing", verbose_name=_("workspace")
    )
    number_format = models.CharField(
        _("invoice number format"), max_length=60, default="RE-{YYYY}-{seq:04}",
        help_text=_("{YYYY} is the year, {seq:04} the running number with four digits."),
    )
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term in days"), default=14, validators=[MaxValueValidator(365)]
    )
    tax_regime = models.CharField(
        _("tax regime"), max_length=20, choices=TaxRegime.choices, default=TaxRegime.STANDARD
    )
    account_holder = models.CharField(_("account holder"), max_length=70, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    deposit_percent = models.DecimalField(
        _("deposit in percent"), max_digits=5, decimal_places=2, default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(100))],
    )
    retainer_day = models.PositiveSmallIntegerField(
        _("day of the month for retainer invoices"), default=25,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Retainers are billed in advance on this day for the next month."),
    )
    footer_text = models.TextField(_("footer text"), blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return f"{self.workspace}"

    def clean(self) -> None:
        errors = {}
        for name, cleaner in (("iban", clean_iban), ("bic", clean_bic)):
            value = getattr(self, name)
            if value:
                try:
                    setattr(self, name, cleaner(value))
                except ValidationError as exc:
                    errors[name] = exc.messages
        found = placeholders.problems(self.number_format, NUMBER_FIELDS, multiline=False,
                                      specs=NUMBER_SPECS)
        if found:
            errors["number_format"] = [
                *found, _("Use {YYYY}, {YY}, {MM} and {seq} (e.g. {seq:04}).")]
        elif "{seq" not in self.number_format:
            errors["number_format"] = [_("The format must contain {seq}.")]
        if errors:
            raise ValidationError(errors)

    def format_number(self, issued_on: dt.date, sequence: int) -> str:
        return placeholders.render(self.number_format, {
            "YYYY": f"{issued_on.year:04d}", "YY": f"{issued_on.year % 100:02d}",
            "MM": f"{issued_on.month:02d}", "seq": sequence,
        }, specs=NUMBER_SPECS)

    def period_key(self, issued_on: dt.date) -> str:
        """Numbers restart when the formatted period changes (per year with {YYYY})."""
        if "{MM}" in self.number_format:
            return f"{issued_on:%Y-%m}"
        if "{YYYY}" in self.number_format or "{YY}" in self.number_format:
            return f"{issued_on:%Y}"
        return ""


class NumberCounter(WorkspaceOwned):
    """The last number handed out per series and period; locked while issuing."""

    series = models.CharField(_("series"), max_length=60)
    period = models.CharField(_("period"), max_length=10, blank=True)
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "series", "period"],
                                    name="numbercounter_unique_series_period"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.period}: {self.last_value}"


class InvoiceQuerySet(models.QuerySet):
    def payable(self) -> InvoiceQuerySet:
        """Issued invoices that ask for money: not cancelled, not a cancellation invoice."""
        return self.filter(state=Invoice.State.ISSUED).exclude(kind=Invoice.Kind.CANCELLATION)

    def with_payment_status(self, today: dt.date | None = None) -> InvoiceQuerySet:
        """Annotated with `paid_sum`, `balance` (what the client still owes) and
        `payment_state`, computed by the database by the rules of `payment_status()`, so
        lists filter, count and sum without loading rows. The one SQL home of that rule."""
        today = today or clock.today()
        amount = models.DecimalField(max_digits=14, decimal_places=2)
        status = Invoice.PaymentStatus
        # The stored sum of the payments (`amount_paid`, kept by `Payment`), not a
        # subquery per row: a list of thousands reads it like any other column.
        return self.annotate(
            paid_sum=models.F("amount_paid"),
        ).annotate(
            balance=models.ExpressionWrapper(
                models.F("gross_total") - models.F("deducted_total") - models.F("paid_sum"),
                output_field=amount),
        ).annotate(payment_state=models.Case(
            models.When(state=Invoice.State.DRAFT, then=models.Value(status.DRAFT)),
            models.When(models.Q(state=Invoice.State.CANCELLED)
                        | models.Q(kind=Invoice.Kind.CANCELLATION),
                        then=models.Value(status.CANCELLED)),
            # Half a cent of slack: SQLite adds decimals as floats (3 × 333.33 ≠ 999.99).
            models.When(balance__lt=models.Value(HALF_CENT, output_field=amount),
                        then=models.Value(status.PAID)),
            models.When(due_date__lt=today, then=models.Value(status.OVERDUE)),
            models.When(paid_sum__gt=0, then=models.Value(status.PARTIALLY_PAID)),
            default=models.Value(status.OPEN), output_field=models.CharField(),
        ))

    def with_status(self, status: str, today: dt.date | None = None) -> InvoiceQuerySet:
        """The invoices whose payment status (see `payment_status()`) is `status` today."""
        return self.with_payment_status(today).filter(payment_state=status)

    def outstanding(self, today: dt.date | None = None) -> list[dict[str, object]]:
        """What clients still owe, per payment status (open, overdue, partially paid) and
        currency: [{"status", "label", "currency", "amount"}], by status then currency."""
        return self.with_payment_status(today).owed_by_status()

    def owed_by_status(self) -> list[dict[str, object]]:
        """`outstanding()` of a queryset already annotated by `with_payment_status()` (a
        filtered list keeps its own day and filters)."""
        status = Invoice.PaymentStatus
        unpaid = (status.OPEN, status.OVERDUE, status.PARTIALLY_PAID)
        amount = models.DecimalField(max_digits=14, decimal_places=2)
        rows = (self.filter(payment_state__in=unpaid).order_by()
                .values("payment_state", "currency")
                .annotate(amount=models.Sum("balance", output_field=amount))
                .order_by("payment_state", "currency"))
        return [{"status": row["payment_state"], "currency": row["currency"],
                 "label": status(row["payment_state"]).label, "amount": row["amount"]}
                for row in rows]

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(state=Invoice.State.DRAFT).exists():
            raise ValidationError(Invoice.IMMUTABLE_MESSAGE)
        return super().delete()

    def update(self, **kwargs: object) -> int:
        if set(kwargs) - Invoice.MUTABLE_AFTER_ISSUE and self.exclude(
            state=Invoice.State.DRAFT
        ).exists():
            raise ValidationError(Invoice.IMMUTABLE_MESSAGE)
        return super().update(**kwargs)

    def unpaid(self, today: dt.date | None = None) -> InvoiceQuerySet:
        """Issued invoices, not cancellations, with money still owed (`balance() > 0`),
        decided by the database, so a page finds them among thousands without loading any."""
        # The payment states open, overdue and partially paid, spelled as plain column
        # conditions, so the database can use the (workspace, state, due_date) index.
        amount = models.DecimalField(max_digits=14, decimal_places=2)
        return (self.with_payment_status(today)
                .filter(state=Invoice.State.ISSUED,
                        balance__gte=models.Value(HALF_CENT, output_field=amount))
                .exclude(kind=Invoice.Kind.CANCELLATION))

    def overdue(self, today: dt.date | None = None) -> InvoiceQuerySet:
        """The invoices whose `payment_status()` is overdue: unpaid after the due date."""
        today = today or clock.today()
        return self.unpaid(today).filter(due_date__lt=today)


class Invoice(WorkspaceOwned):
    class Kind(models.TextChoices):
        STANDARD = "standard", _("Invoice")
        DEPOSIT = "deposit", _("Deposit invoice")
        FINAL = "final", _("Final invoice")
        RETAINER = "retainer", _("Retainer invoice")
        CANCELLATION = "cancellation", _("Cancellation invoice")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", pgettext_lazy("invoice", "Cancelled")

    class PaymentStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")
        CANCELLED = "cancelled", pgettext_lazy("invoice", "Cancelled")

    IMMUTABLE_MESSAGE = _(
        "An issued invoice cannot be changed or deleted. To correct it, cancel it with a "
        "cancellation invoice and issue a new one."
    )
    # Fields that may still change after issue: the state (for cancellation), the
    # recorded sending, the PDF and the sum of the payments received (kept by `Payment`).
    # Everything a client or tax office reads is fixed.
    MUTABLE_AFTER_ISSUE = frozenset({"state", "sent_at", "pdf", "amount_paid"})

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("client")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.STANDARD)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    cancels = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="cancelled_by",
        verbose_name=_("cancels"), editable=False,
    )
    number = models.CharField(_("number"), max_length=60, blank=True, editable=False)
    issue_date = models.DateField(_("invoice date"), null=True, blank=True, editable=False)
    due_date = models.DateField(_("due date"), null=True, blank=True, editable=False)
    service_start = models.DateField(_("service from"), null=True, blank=True)
    service_end = models.DateField(_("service until"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES,
                                default="EUR")
    language = models.CharField(_("language"), max_length=8, choices=[("de", _("German")),
                                                                     ("en", _("English"))],
                                default="de")
    tax_treatment = models.CharField(
        _("tax treatment"), max_length=20, choices=TaxTreatment.choices,
        default=TaxTreatment.DOMESTIC,
    )
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term in days"), default=14, validators=[MaxValueValidator(365)]
    )
    intro_text = models.TextField(_("introduction"), blank=True)
    closing_text = models.TextField(_("closing text"), blank=True)
    deposit_percent = models.DecimalField(
        _("deposit in percent"), max_digits=5, decimal_places=2, null=True, blank=True,
        editable=False,
    )
    # Snapshot taken when the invoice is issued.
    seller = models.JSONField(_("seller"), default=dict, blank=True, editable=False)
    buyer = models.JSONField(_("buyer"), default=dict, blank=True, editable=False)
    net_total = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO,
                                    editable=False)
    tax_total = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO,
                                    editable=False)
    gross_total = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO,
                                      editable=False)
    # Deposits already paid, deducted on a final invoice: [{number, issue_date, net, tax,
    # gross, vat_rate}], snapshotted at issue. Their gross sum is the prepaid amount.
    deductions = models.JSONField(_("deductions"), default=list, blank=True, editable=False)
    deducted_total = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO,
                                         editable=False)
    # The sum of this invoice's payments, written by `Payment` in the same transaction as
    # every payment created, changed or deleted, so lists and the dashboard decide the
    # payment status from columns instead of summing payments per request.
    amount_paid = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2,
                                      default=ZERO, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to="invoices/", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "number"], condition=~models.Q(number=""),
                name="invoice_unique_number",
            ),
            # The scheduler may run twice; the database, not luck, stops a second
            # retainer invoice for the same project and month.
            models.UniqueConstraint(
                fields=["project", "service_start"], condition=models.Q(kind="retainer"),
                name="invoice_unique_retainer_period",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "state"], name="invoice_ws_state"),
            # The dashboard's oldest overdue invoices: read in due order, it stops at the
            # first few unpaid ones instead of summing the payments of every invoice.
            models.Index(fields=["workspace", "state", "due_date"], name="invoice_ws_state_due"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice"))

    def get_absolute_url(self) -> str:
        return reverse("billing:invoice_detail", kwargs={"invoice_pk": self.pk})

    # -- immutability ---------------------------------------------------------------------

    def _stored_state(self) -> str | None:
        if not self.pk:
            return None
        return Invoice.objects.filter(pk=self.pk).values_list("state", flat=True).first()

    def save(self, *args: object, **kwargs: object) -> None:
        stored = self._stored_state()
        if stored and stored != self.State.DRAFT:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - self.MUTABLE_AFTER_ISSUE:
                raise ValidationError(self.IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        if self._stored_state() not in (None, self.State.DRAFT):
            raise ValidationError(self.IMMUTABLE_MESSAGE)
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_payable(self) -> bool:
        """Issued and asking for money: payments, reminders, links and cancelling apply.
        A cancelled invoice and a cancellation invoice ask for nothing."""
        return self.state == self.State.ISSUED and self.kind != self.Kind.CANCELLATION

    # -- money ------------------------------------------------------------------------------

    def paid_total(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), ZERO)

    @property
    def amount_due(self) -> Decimal:
        """Gross total less deposits deducted: what this invoice asks the client to pay."""
        return self.gross_total - self.deducted_total

    def balance(self) -> Decimal:
        """What the client still owes (negative when they paid too much)."""
        return self.amount_due - self.paid_total()

    def payment_status(self, today: dt.date | None = None) -> str:
        today = today or clock.today()
        if self.state == self.State.DRAFT:
            return self.PaymentStatus.DRAFT
        if self.state == self.State.CANCELLED or self.kind == self.Kind.CANCELLATION:
            return self.PaymentStatus.CANCELLED
        paid = self.paid_total()
        if paid >= self.amount_due:
            return self.PaymentStatus.PAID
        if self.due_date and today > self.due_date:
            return self.PaymentStatus.OVERDUE
        if paid > 0:
            return self.PaymentStatus.PARTIALLY_PAID
        return self.PaymentStatus.OPEN

    def get_payment_status_display(self) -> str:
        return str(self.PaymentStatus(self.payment_status()).label)

    def paid_on(self) -> dt.date | None:
        """The day the balance reached zero, if it did."""
        running = ZERO
        for payment in sorted(self.payments.all(), key=lambda p: (p.paid_on, p.pk)):
            running += payment.amount
            if running >= self.amount_due:
                return payment.paid_on
        return None

    def days_late(self, today: dt.date | None = None) -> int:
        """Days past the due date until full payment (or until today while unpaid)."""
        if not self.due_date or self.state != self.State.ISSUED:
            return 0
        end = self.paid_on() or (today or clock.today())
        return max(0, (end - self.due_date).days)


class InvoiceLine(models.Model):
    class Unit(models.TextChoices):
        # UN/ECE Recommendation 20 codes, as the e-invoice needs them.
        HOUR = "HUR", _("hours")
        DAY = "DAY", _("days")
        MONTH = "MON", _("months")
        PIECE = "C62", _("pieces")
        FLAT = "LS", _("flat rate")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3,
                                   default=Decimal(1))
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices, default=Unit.PIECE)
    # Four places: EN 16931 allows precise unit prices; the line net is rounded to cents.
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2,
                                   default=Decimal("19.00"), choices=VAT_RATE_CHOICES)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description

    def save(self, *args: object, **kwargs: object) -> None:
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def _refuse_unless_draft(self) -> None:
        state = Invoice.objects.filter(pk=self.invoice_id).values_list("state", flat=True).first()
        if state not in (None, Invoice.State.DRAFT):
            raise ValidationError(Invoice.IMMUTABLE_MESSAGE)

    @property
    def net_amount(self) -> Decimal:
        return line_net(self.quantity, self.unit_price, self.invoice.currency)


def store_amount_paid(invoice_ids: Iterable[int | None]) -> dict[int, Decimal]:
    """Write each invoice's `amount_paid` from its payments. The rows are locked first, so
    two payments recorded at once for one invoice cannot both write a sum without the
    other. Summed in Python: SQLite would add the decimals as floats."""
    ids = sorted(set(invoice_ids) - {None})
    if not ids:
        return {}
    with transaction.atomic():
        list(Invoice.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        sums = dict.fromkeys(ids, ZERO)
        for invoice_id, amount in (Payment.objects.filter(invoice_id__in=ids).order_by()
                                   .values_list("invoice_id", "amount")):
            sums[invoice_id] += amount
        stored = dict(Invoice.objects.filter(pk__in=ids).values_list("pk", "amount_paid"))
        for invoice_id, total in sums.items():
            if invoice_id in stored and stored[invoice_id] != total:
                Invoice.objects.filter(pk=invoice_id).update(amount_paid=total)
    return sums


class PaymentQuerySet(models.QuerySet):
    """Bulk writes keep the invoices' `amount_paid` as `Payment.save()/delete()` do."""

    def _invoice_ids(self) -> set[int]:
        return set(self.order_by().values_list("invoice_id", flat=True))

    def bulk_create(self, objs: Iterable[Payment], *args: object,
                    **kwargs: object) -> list[Payment]:
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            store_amount_paid(p.invoice_id for p in created)
        return created

    def update(self, **kwargs: object) -> int:
        if not {"amount", "invoice", "invoice_id"} & set(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            before = self._invoice_ids()
            count = super().update(**kwargs)
            store_amount_paid(before | self._invoice_ids())
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db):
            before = self._invoice_ids()
            deleted = super().delete()
            store_amount_paid(before)
        return deleted


class Payment(WorkspaceOwned):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("paid on"), default=timezone.localdate)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"

    def save(self, *args: object, **kwargs: object) -> None:
        with transaction.atomic():
            before = (Payment.objects.filter(pk=self.pk).values_list("invoice_id", flat=True)
                      .first() if self.pk else None)
            super().save(*args, **kwargs)
            self._show_stored_sum(store_amount_paid([self.invoice_id, before]))

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            self._show_stored_sum(store_amount_paid([self.invoice_id]))
        return deleted

    def _show_stored_sum(self, sums: dict[int, Decimal]) -> None:
        """The invoice object this payment was given shows the sum just stored."""
        invoice = Payment._meta.get_field("invoice").get_cached_value(self, default=None)
        if invoice is not None and invoice.pk in sums:
            invoice.amount_paid = sums[invoice.pk]


# Referenced by the first migration; new rows use rapport.core.tokens.new_token.
_new_token = new_token


class PortalLink(WorkspaceOwned, TokenLink):
    """A link a client opens without an account; it shows exactly one invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="portal_links")
    first_viewed_at = models.DateTimeField(_("first viewed"), null=True, blank=True)

    class Meta(TokenLink.Meta):
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")

    def __str__(self) -> str:
        return f"{self.invoice} ({self.expires_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("portal:invoice", kwargs={"token": self.token})


class InvoiceEvent(WorkspaceOwned):
    """The invoice's timeline: issued, sent, viewed, paid, cancelled."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SENT = "sent", _("Sent by email")
        VIEWED = "viewed", _("Viewed by the client")
        PAYMENT = "payment", _("Payment recorded")
        CANCELLED = "cancelled", pgettext_lazy("invoice", "Cancelled")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    detail = models.TextField(blank=True)

    class Meta:
        verbose_name = _("invoice event")
        verbose_name_plural = _("invoice events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice} {self.kind}"

    def describe(self) -> str:
        """The detail in the reader's language: "an a@b.example", "1.400,00 $ (13.05.2026)".

        The stored detail stays machine-readable ("to a@b", "1400.00 USD (2026-05-13)").
        """
        if self.kind == self.Kind.SENT:
            return _("to %(recipients)s") % {"recipients": self.detail.removeprefix("to ")}
        payment = PAYMENT_DETAIL.fullmatch(self.detail)
        if self.kind == self.Kind.PAYMENT and payment:
            language = (translation.get_language() or "en")[:2]
            amount = format_money(payment["amount"], payment["currency"], language)
            return f"{amount} ({short_date(dt.date.fromisoformat(payment['date']))})"
        return self.detail


class DeliverableQuerySet(models.QuerySet):
    def held(self) -> DeliverableQuerySet:
        """Finished work held back because its project has unpaid invoices (see
        `blocking_invoices()`), decided by the database. Each comes with its project and
        client, and those invoices (their `balance` annotated) as `project.unpaid_invoices`."""
        unpaid = Invoice.objects.unpaid()
        return (
            self.filter(status=Deliverable.Status.FINISHED, release_after_full_payment=True)
            .filter(models.Exists(unpaid.filter(project=models.OuterRef("project"))))
            .select_related("project__client")
            .prefetch_related(models.Prefetch(
                "project__invoices", to_attr="unpaid_invoices",
                queryset=unpaid.order_by("due_date", "pk")))
        )


class Deliverable(WorkspaceOwned):
    """Finished work that may be held back until the project's invoices are paid."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")
        RELEASED = "released", _("Released to the client")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deliverables")
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.IN_PROGRESS)
    release_after_full_payment = models.BooleanField(
        _("release after full payment"), default=True
    )

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def blocking_invoices(self) -> list[Invoice]:
        if not self.release_after_full_payment:
            return []
        invoices = self.project.invoices.payable().prefetch_related("payments")
        return [inv for inv in invoices if inv.balance() > 0]


class PendingFee(WorkspaceOwned):
    """A fee line waiting for the client's next invoice (e.g. a billable late cancellation
    logged with a meeting). The invoice that took it up is kept; a deleted draft gives it
    back (`services.delete_draft`)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="pending_fees",
                               verbose_name=_("client"))
    meeting_log = models.OneToOneField("comms.MeetingLog", on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="fee")
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES,
                                default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)
    invoiced_at = models.DateTimeField(_("invoiced"), null=True, blank=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="pending_fees", verbose_name=_("invoice"))

    class Meta:
        verbose_name = _("pending fee")
        verbose_name_plural = _("pending fees")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["workspace", "client"], name="pendingfee_open",
                                condition=models.Q(invoiced_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.client}: {self.description} {self.amount}"
