"""Extra requests: what a client asked for beyond the agreement, and what became of it.

DOMAIN.md §5: a one-off favour for a client who values you is fine; a small extra that
recurs is extra work and should be paid. Each request is logged with its kind (favour,
paid extra, scope creep), a short "kind of request" label used to notice recurrence, an
estimate of the time it takes, and where it came from (a message, a meeting, the client
page). A paid extra goes onto the client's next invoice or into a change order.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client, Project
from rapport.core.models import WorkspaceOwned
from rapport.core.money import CURRENCY_CHOICES

_NOT_WORD = re.compile(r"[^\w]+")


def label_key(label: str) -> str:
    """The label as recurrence compares it: case, accents of composed characters, spaces
    and punctuation do not matter ("Social-Media-Post " = "social media post")."""
    text = unicodedata.normalize("NFKC", label or "").casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())[:100]


class ExtraRequest(WorkspaceOwned):
    class Kind(models.TextChoices):
        FAVOUR = "favour", _("Favour (deliberately unpaid, one-off)")
        PAID = "paid", _("Paid extra")
        SCOPE_CREEP = "scope_creep", _("Scope creep (not agreed, unpaid)")

    class State(models.TextChoices):
        OPEN = "open", _("not billed yet")
        ON_INVOICE = "on_invoice", _("on an invoice")
        ON_CHANGE_ORDER = "on_change_order", _("in a change order")

    UNPAID = (Kind.FAVOUR, Kind.SCOPE_CREEP)

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="extra_requests",
                               verbose_name=_("client"))
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="extra_requests", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices,
                            default=Kind.SCOPE_CREEP)
    description = models.CharField(_("what was asked"), max_length=300)
    label = models.CharField(_("kind of request"), max_length=100,
                             help_text=_("A short name such as “social media post”; the "
                                         "same name again lets Rapport notice recurrence."))
    label_key = models.CharField(max_length=100, editable=False, db_index=True)
    minutes = models.PositiveIntegerField(_("estimated minutes"), default=0,
                                          validators=[MaxValueValidator(100_000)])
    amount = models.DecimalField(_("price"), max_digits=12, decimal_places=2, null=True,
                                 blank=True, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES,
                                default="EUR")
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    message = models.ForeignKey("comms.Message", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("message"))
    meeting = models.ForeignKey("comms.Meeting", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("meeting"))
    # Where a paid extra went (a recurring unpaid one may go into a change order, too);
    # a deleted draft invoice or change order sets it free again.
    invoice_line = models.ForeignKey("billing.InvoiceLine", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     editable=False)
    change_order = models.ForeignKey("agreements.ChangeOrder", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="extra_requests",
                                     editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extra request")
        verbose_name_plural = _("extra requests")
        ordering = ["-requested_on", "-pk"]
        indexes = [models.Index(fields=["workspace", "client", "requested_on"],
                                name="extra_client_day")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind="paid") | models.Q(
                invoice_line__isnull=True), name="extra_only_paid_is_invoiced"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.description[:60]}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.label = " ".join((self.label or "").split())
        self.label_key = label_key(self.label)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "label" in update_fields:
            kwargs["update_fields"] = {*update_fields, "label_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.label.strip() and not label_key(self.label):
            errors["label"] = _("Name the kind of request in a word or two.")
        if self.kind == self.Kind.PAID and not self.amount:
            errors["amount"] = _("A paid extra needs its price.")
        if self.kind != self.Kind.PAID:
            self.amount = None
        if errors:
            raise ValidationError(errors)

    @property
    def state(self) -> str:
        """Where a paid extra stands, read from where it went (so deleting a draft
        invoice or change order makes it open again without anyone remembering to)."""
        if self.invoice_line_id:
            return self.State.ON_INVOICE
        if self.change_order_id:
            return self.State.ON_CHANGE_ORDER
        return self.State.OPEN

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def unpaid(self) -> bool:
        return self.kind in self.UNPAID
