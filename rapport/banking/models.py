"""Bank statements and their transactions, from any source (file import today, FinTS later).

One `BankTransaction` row per booking on the account, whatever file or channel it came
from: the `dedupe_key` (unique per workspace) makes overlapping statements and repeated
imports harmless."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import Workspace, WorkspaceOwned

ACCOUNT = RegexValidator(r"^[0-9]{4,8}$", _("An account number has 4 to 8 digits."))
TAX_KEY = RegexValidator(r"^[0-9]{1,4}$", _("A tax key has 1 to 4 digits."))


class Source(models.TextChoices):
    """Where a transaction came from; a new channel (e.g. FinTS) only adds a choice."""

    CAMT053 = "camt053", _("CAMT.053 statement")
    CAMT052 = "camt052", _("CAMT.052 intraday report")
    CAMT054 = "camt054", _("CAMT.054 notification")
    MT940 = "mt940", _("MT940 statement")
    MT942 = "mt942", _("MT942 intraday report")
    CSV = "csv", _("CSV export")


class BankStatement(WorkspaceOwned):
    """One imported file (or one fetch of another source): what came in, and when."""

    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    source = models.CharField(_("format"), max_length=16, choices=Source.choices)
    account_iban = models.CharField(_("account IBAN"), max_length=34, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("imported by"))
    transaction_count = models.PositiveIntegerField(_("new transactions"), default=0)
    duplicates_skipped = models.PositiveIntegerField(_("already known"), default=0)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name or str(self.get_source_display())


class BankTransaction(WorkspaceOwned):
    """One booking on a bank account. `amount` is signed: money in > 0, money out < 0."""

    Source = Source

    class Status(models.TextChoices):
        UNMATCHED = "unmatched", _("Unmatched")
        SUGGESTED = "suggested", _("Suggested")
        MATCHED = "matched", _("Matched")
        IGNORED = "ignored", _("Not client-related")

    statement = models.ForeignKey(BankStatement, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="transactions",
                                  verbose_name=_("statement"))
    source = models.CharField(_("format"), max_length=16, choices=Source.choices)
    account_iban = models.CharField(_("account IBAN"), max_length=34, blank=True)
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    counterparty_name = models.CharField(_("counterparty"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("counterparty IBAN"), max_length=34, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    end_to_end_id = models.CharField(_("end-to-end reference"), max_length=100, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    bank_fee = models.DecimalField(_("bank charges"), max_digits=12, decimal_places=2,
                                   null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.UNMATCHED)
    dedupe_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-booking_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "dedupe_key"],
                                    name="bank_transaction_unique_per_workspace"),
        ]
        indexes = [
            models.Index(fields=["workspace", "status"], name="bank_tx_status"),
            models.Index(fields=["workspace", "booking_date"], name="bank_tx_booking_date"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.currency} {self.counterparty_name}"



class CsvMapping(WorkspaceOwned):
    """A saved way to read one bank's CSV export: which column holds which field.

    Columns are named by their header text (as the bank writes it); the header row is
    found by looking for the booking date column, so lines above the table are skipped."""

    class Encoding(models.TextChoices):
        UTF8 = "utf-8-sig", _("UTF-8")
        LATIN1 = "cp1252", _("Latin-1 / Windows-1252")

    name = models.CharField(_("name"), max_length=100)
    delimiter = models.CharField(_("separator"), max_length=1, default=";")
    encoding = models.CharField(_("encoding"), max_length=16, choices=Encoding.choices,
                                default=Encoding.UTF8)
    decimal_comma = models.BooleanField(_("decimal comma"), default=True,
                                        help_text=_("Amounts are written like 1.234,56."))
    date_format = models.CharField(_("date format"), max_length=20, default="%d.%m.%Y",
                                   help_text=_("For example %d.%m.%Y for 31.12.2026."))
    account_iban = models.CharField(
        _("account IBAN"), max_length=34, blank=True,
        help_text=_("The account the file belongs to, if the file does not say."))
    col_booking_date = models.CharField(_("column: booking date"), max_length=100)
    col_value_date = models.CharField(_("column: value date"), max_length=100, blank=True)
    col_amount = models.CharField(
        _("column: amount"), max_length=100, blank=True,
        help_text=_("A signed amount. Leave empty if the file has debit and credit columns."))
    col_debit = models.CharField(_("column: debit (money out)"), max_length=100, blank=True)
    col_credit = models.CharField(_("column: credit (money in)"), max_length=100, blank=True)
    col_debit_credit_mark = models.CharField(
        _("column: debit/credit mark"), max_length=100, blank=True,
        help_text=_("A column saying S/H or Soll/Haben next to an unsigned amount."))
    col_currency = models.CharField(_("column: currency"), max_length=100, blank=True)
    col_counterparty_name = models.CharField(_("column: counterparty"), max_length=100,
                                             blank=True)
    col_counterparty_iban = models.CharField(_("column: counterparty IBAN"), max_length=100,
                                             blank=True)
    col_purpose = models.CharField(
        _("column: purpose"), max_length=300, blank=True,
        help_text=_("Several columns separated by | are joined with spaces."))
    col_end_to_end_id = models.CharField(_("column: end-to-end reference"), max_length=100,
                                         blank=True)
    col_bank_reference = models.CharField(_("column: bank reference"), max_length=100,
                                          blank=True)
    col_account_iban = models.CharField(_("column: account IBAN"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("CSV column mapping")
        verbose_name_plural = _("CSV column mappings")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"],
                                    name="csv_mapping_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Chart(models.TextChoices):
    SKR03 = "03", _("SKR 03")
    SKR04 = "04", _("SKR 04")


class DatevSettings(models.Model):
    """What the tax adviser's DATEV needs: numbers, chart of accounts and the accounts to use.

    An empty account field means the usual account of the chosen chart
    (`rapport.banking.datev.DEFAULT_ACCOUNTS`), so switching the chart stays consistent."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="datev",
                                     verbose_name=_("workspace"))
    chart = models.CharField(_("chart of accounts"), max_length=2, choices=Chart.choices,
                             default=Chart.SKR03)
    consultant_number = models.PositiveIntegerField(
        _("consultant number"), default=1001,
        validators=[MinValueValidator(1001), MaxValueValidator(9999999)],
        help_text=_("Your tax adviser's DATEV number (Beraternummer)."))
    client_number = models.PositiveIntegerField(
        _("client number"), default=1, validators=[MinValueValidator(1), MaxValueValidator(99999)],
        help_text=_("Your number at the tax adviser (Mandantennummer)."))
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)])
    revenue_account_19 = models.CharField(_("revenue account 19 % VAT"), max_length=8,
                                          blank=True, validators=[ACCOUNT])
    tax_key_19 = models.CharField(
        _("tax key 19 % VAT"), max_length=4, blank=True, validators=[TAX_KEY],
        help_text=_("Leave empty for an automatic account that carries the VAT itself."))
    revenue_account_7 = models.CharField(_("revenue account 7 % VAT"), max_length=8,
                                         blank=True, validators=[ACCOUNT])
    tax_key_7 = models.CharField(_("tax key 7 % VAT"), max_length=4, blank=True,
                                 validators=[TAX_KEY])
    revenue_account_0 = models.CharField(_("revenue account 0 % VAT"), max_length=8,
                                         blank=True, validators=[ACCOUNT])
    revenue_account_small_business = models.CharField(
        _("revenue account small business (§ 19 UStG)"), max_length=8, blank=True,
        validators=[ACCOUNT])
    revenue_account_reverse_charge = models.CharField(
        _("revenue account EU reverse charge"), max_length=8, blank=True, validators=[ACCOUNT])
    revenue_account_export = models.CharField(
        _("revenue account non-EU export"), max_length=8, blank=True, validators=[ACCOUNT])
    bank_account = models.CharField(_("bank account"), max_length=8, blank=True,
                                    validators=[ACCOUNT])
    debtor_account = models.CharField(
        _("debtor account"), max_length=8, blank=True, validators=[ACCOUNT],
        help_text=_("One collective customer account for all clients, e.g. 10000."))

    class Meta:
        verbose_name = _("DATEV settings")
        verbose_name_plural = _("DATEV settings")

    def __str__(self) -> str:
        return f"{self.workspace}"


class BankImport(WorkspaceOwned):
    """One uploaded statement file on its way in: queued, running, done or refused.

    The worker parses and saves the whole file in one transaction (`rapport.banking.jobs`),
    so a refused file leaves nothing behind; `problem` says where and why."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Refused")

    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    file_name = models.CharField(_("file"), max_length=255)
    path = models.CharField(max_length=1000, blank=True, editable=False)
    mapping = models.ForeignKey(CsvMapping, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("CSV column mapping"))
    preset = models.CharField(_("bank preset"), max_length=40, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    statement = models.ForeignKey(BankStatement, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    total_bytes = models.BigIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    problem = models.TextField(_("problem"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("bank import")
        verbose_name_plural = _("bank imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}


# The matching's own models (suggestions, bookings, learned payers) live in their module.
from rapport.banking.match_models import KnownPayer, MatchSettings, TransactionMatch  # noqa: E402,F401
