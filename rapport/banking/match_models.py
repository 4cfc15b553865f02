"""What the matching decided for each bank transaction, what it learned about payers, and
how sure it must be before it books on its own. Imported by rapport.banking.models."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from rapport.banking.models import BankTransaction
from rapport.core import clock
from rapport.core.models import Workspace, WorkspaceOwned

DEFAULT_THRESHOLD = Decimal("0.90")


class MatchSettings(models.Model):
    """How sure a match must be to be booked without asking (0.50 … 1.00; 1.00 = never)."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE,
                                     related_name="bank_matching", verbose_name=_("workspace"))
    auto_book_threshold = models.DecimalField(
        _("book automatically from confidence"), max_digits=3, decimal_places=2,
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("Matches at least this sure are booked as payments at once (and can be "
                    "undone); less sure ones wait for your confirmation. 1.00 books nothing "
                    "automatically."))

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def __str__(self) -> str:
        return f"{self.workspace}"


class TransactionMatch(WorkspaceOwned):
    """One share of a transaction assigned to one invoice: suggested, booked as a payment,
    rejected by the user, or booked and then undone. A transfer paying three invoices has
    three rows; `reasons` holds codes with parameters, rendered in the reader's language."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        BOOKED = "booked", _("Booked")
        REJECTED = "rejected", _("Rejected")
        UNDONE = "undone", _("Undone")

    transaction = models.ForeignKey("banking.BankTransaction", on_delete=models.CASCADE,
                                    related_name="matches", verbose_name=_("transaction"))
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.CASCADE,
                                related_name="bank_matches", verbose_name=_("invoice"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    confidence = models.DecimalField(_("confidence"), max_digits=3, decimal_places=2,
                                     default=Decimal("0.00"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.SUGGESTED)
    automatic = models.BooleanField(_("booked automatically"), default=False)
    payment = models.ForeignKey("billing.Payment", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="bank_matches",
                                verbose_name=_("payment"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transaction match")
        verbose_name_plural = _("transaction matches")
        ordering = ["transaction", "pk"]
        indexes = [models.Index(fields=["workspace", "state"], name="bank_match_state")]

    def __str__(self) -> str:
        return f"{self.transaction_id} → {self.invoice_id}: {self.amount} ({self.state})"


class KnownPayer(WorkspaceOwned):
    """An account or name that paid this client before, learned from confirmed matches."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE,
                               related_name="known_payers", verbose_name=_("client"))
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    name = models.CharField(_("name (normalised)"), max_length=140, blank=True)
    learned_at = models.DateTimeField(_("learned"), auto_now=True)

    class Meta:
        verbose_name = _("known payer")
        verbose_name_plural = _("known payers")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "client", "iban", "name"],
                                    name="known_payer_unique"),
        ]

    def __str__(self) -> str:
        return self.iban or self.name


@receiver(pre_delete, sender="billing.Payment")
def _payment_removed(sender: type, instance: models.Model, **kwargs: object) -> None:
    """A payment removed on the invoice page un-books the transaction it came from, so the
    transaction is back on the review list instead of claiming to be matched."""
    matches = list(TransactionMatch.objects.filter(payment_id=instance.pk,
                                                   state=TransactionMatch.State.BOOKED))
    if not matches:
        return
    TransactionMatch.objects.filter(pk__in=[m.pk for m in matches]).update(
        state=TransactionMatch.State.UNDONE, decided_at=clock.now())
    for transaction_id in {m.transaction_id for m in matches}:
        if not TransactionMatch.objects.filter(transaction_id=transaction_id,
                                               state=TransactionMatch.State.BOOKED).exists():
            BankTransaction.objects.filter(pk=transaction_id).update(
                status=BankTransaction.Status.UNMATCHED)
