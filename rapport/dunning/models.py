"""Reminder policies, per-client terms, payment promises and the reminder outbox.

A reminder row is the outbox entry: it is committed (with the exact email and fee) before
anything is sent, claimed by one worker with a conditional UPDATE, and marked sent after.
The unique constraint on (invoice, level) is what stops a second reminder, not luck.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.core.models import WorkspaceOwned


class DunningPolicy(WorkspaceOwned):
    """The workspace's policy (client empty) or a client's own override."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="dunning_policy", verbose_name=_("client"))
    enabled = models.BooleanField(_("send reminders automatically"), default=True)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        constraints = [
            models.UniqueConstraint(fields=["workspace"], condition=models.Q(client=None),
                                    name="dunningpolicy_one_default_per_workspace"),
        ]

    def __str__(self) -> str:
        return str(self.client or self.workspace)


class FeeKind(models.TextChoices):
    NONE = "none", _("No fee")
    FIXED = "fixed", _("Fixed amount")
    PERCENT = "percent", _("Percentage of the open balance")
    STATUTORY = "statutory", _("Statutory default interest (§ 288 BGB) and flat fee")


class LateFeesSource(models.TextChoices):
    """Why late fees may be charged: agreed in the terms, or announced by letter."""

    AGREED = "agreed", _("agreed terms")
    ANNOUNCED = "announced", _("policy-update letter")


class DunningLevel(models.Model):
    policy = models.ForeignKey(DunningPolicy, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(_("position"))
    delay_days = models.SmallIntegerField(
        _("days after the due date"),
        validators=[MinValueValidator(-30), MaxValueValidator(365)],
        help_text=_("Negative for a friendly note before the due date."),
    )
    title_de = models.CharField(_("title (German)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=100)
    body_de = models.TextField(_("email text (German)"))
    body_en = models.TextField(_("email text (English)"))
    fee_kind = models.CharField(_("fee"), max_length=10, choices=FeeKind.choices,
                                default=FeeKind.NONE)
    fee_value = models.DecimalField(
        _("fee amount or percent"), max_digits=10, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("new payment deadline in days"), default=7, validators=[MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("reminder level")
        verbose_name_plural = _("reminder levels")
        ordering = ["policy", "delay_days", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"],
                                    name="dunninglevel_unique_position"),
        ]

    def __str__(self) -> str:
        """The title in the reader's language (the client's language is used in mail)."""
        return self.title((translation.get_language() or "en")[:2])

    @property
    def days_before_due(self) -> int:
        """For a friendly note sent before the due date: how many days before."""
        return -self.delay_days

    def title(self, language: str) -> str:
        return self.title_de if language == "de" else self.title_en

    def body(self, language: str) -> str:
        return self.body_de if language == "de" else self.body_en

    def send_on(self, invoice: Invoice) -> dt.date:
        return invoice.due_date + dt.timedelta(days=self.delay_days)


class ClientTerms(WorkspaceOwned):
    """What the client agreed to about late payment, and any pause the user granted."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="terms",
                                  verbose_name=_("client"))
    is_business = models.BooleanField(
        _("business client"), default=True,
        help_text=_("Statutory interest is 9 points above the base rate for businesses "
                    "(plus a 40 EUR flat fee), 5 points for consumers."),
    )
    late_fees_since = models.DateField(
        _("late fees apply to invoices issued from"), null=True, blank=True,
        help_text=_("Agreed in your terms, or announced by the policy-update letter."),
    )
    late_fees_source = models.CharField(
        _("late fees based on"), max_length=10, blank=True,
        choices=LateFeesSource.choices,
    )
    paused_until = models.DateField(_("reminders paused until"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for the pause"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("client payment terms")
        verbose_name_plural = _("client payment terms")

    def __str__(self) -> str:
        return str(self.client)

    def fees_allowed_for(self, invoice: Invoice) -> bool:
        return bool(self.late_fees_since and invoice.issue_date
                    and invoice.issue_date >= self.late_fees_since)

    def is_paused(self, today: dt.date) -> bool:
        return bool(self.paused_until and today <= self.paused_until)


class PaymentPromise(WorkspaceOwned):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="promises",
                                verbose_name=_("invoice"))
    promised_on = models.DateField(_("promised on"))
    pay_by = models.DateField(_("will pay by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices,
                               default=Outcome.PENDING)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment promise")
        verbose_name_plural = _("payment promises")
        ordering = ["-promised_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.pay_by}"


class Reminder(WorkspaceOwned):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        SKIPPED = "skipped", _("Not sent")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    level = models.ForeignKey(DunningLevel, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    due_on = models.DateField(_("due on"))
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("email text"))
    fee_amount = models.DecimalField(_("fee"), max_digits=12, decimal_places=2,
                                     default=Decimal("0.00"))
    interest_amount = models.DecimalField(_("interest"), max_digits=12, decimal_places=2,
                                          default=Decimal("0.00"))
    fee_explanation = models.JSONField(_("calculation"), default=list, blank=True)
    new_deadline = models.DateField(_("new payment deadline"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    skip_reason = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"],
                                    name="reminder_once_per_invoice_and_level"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="reminder_outbox",
                         condition=models.Q(state__in=["pending", "failed"])),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.title}"

    @property
    def name(self) -> str:
        """The level's name for the reader; `title` stays as written to the client."""
        level = self.level
        if self.title in (level.title_de, level.title_en):
            return str(level)
        return self.title

    @property
    def charged_total(self) -> Decimal:
        return self.fee_amount + self.interest_amount


class BaseRateEntry(WorkspaceOwned):
    """A base rate (§ 247 BGB) the user entered; it wins over the shipped table."""

    valid_from = models.DateField(_("valid from"))
    rate = models.DecimalField(_("base rate in percent"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("base rate")
        verbose_name_plural = _("base rates")
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "valid_from"],
                                    name="baserateentry_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.rate} %"
