"""Proposals, their immutable versions, contracts, change orders and portal links."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from textwrap import shorten

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client, Project
from rapport.core import clock
from rapport.core.choices import Language
from rapport.core.models import WorkspaceOwned
from rapport.core.tokens import TokenLink, new_token


def sha256_of(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


class ProposalTemplate(WorkspaceOwned):
    """A user's own starting point; the shipped ones live in data/template.*.json."""

    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    content = models.JSONField(_("content"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal template")
        verbose_name_plural = _("proposal templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Proposal(WorkspaceOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # A sent offer the freelancer can still take back; an accepted one is a contract, and
    # an expired one can no longer be accepted, so there is nothing left to take back.
    WITHDRAWABLE = (Status.SENT, Status.CHANGES_REQUESTED)
    # What may be (re)sent: an expired offer must first get a new validity date.
    SENDABLE = (Status.DRAFT, Status.SENT, Status.CHANGES_REQUESTED)

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="proposals",
                               verbose_name=_("client"))
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="proposals", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    content = models.JSONField(_("content"), default=dict)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:proposal", kwargs={"proposal_pk": self.pk})

    @property
    def current_version(self) -> ProposalVersion | None:
        return self.versions.order_by("-number").first()

    def is_expired(self, today: dt.date | None = None) -> bool:
        return (today or clock.today()) > self.valid_until


class ProposalVersion(WorkspaceOwned):
    """An immutable snapshot: the content, the exact HTML shown and its SHA-256."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    html = models.TextField(_("document"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"],
                                               name="proposal_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk:
            raise ValueError("A proposal version is immutable.")
        self.sha256 = sha256_of(self.html)
        super().save(*args, **kwargs)


class Contract(WorkspaceOwned):
    """The accepted proposal, binding; communication terms are read by signals and health."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="contract")
    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contracts",
                               verbose_name=_("client"))
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="contracts", verbose_name=_("project"))
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    rate_review_on = models.DateField(_("rate review"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    office_hours = models.TextField(_("office hours"), blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    max_calls_per_week = models.PositiveSmallIntegerField(_("maximum calls per week"),
                                                          null=True, blank=True)
    response_time = models.CharField(_("response time"), max_length=200, blank=True)
    countersigned_at = models.DateTimeField(_("countersigned"), null=True, blank=True)
    countersigned_by = models.CharField(_("countersigned by"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.proposal)

    def get_absolute_url(self) -> str:
        return reverse("agreements:contract", kwargs={"contract_pk": self.pk})


class InputReceipt(WorkspaceOwned):
    """When a client input named in the schedule actually arrived."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="inputs")
    label = models.CharField(_("input"), max_length=200)
    received_on = models.DateField(_("received on"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "label"],
                                               name="input_receipt_unique_label")]


class ChangeOrder(WorkspaceOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="changes")
    description = models.TextField(_("what changes"))
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2,
                                default=Decimal("0.00"))
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    html = models.TextField(_("document"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change order")
        verbose_name_plural = _("change orders")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return shorten(self.description, 60, placeholder=" …")


class Comment(WorkspaceOwned):
    """A change request the client wrote in the portal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200, blank=True)
    text = models.TextField(_("comment"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]


class Acceptance(WorkspaceOwned):
    """The acceptance record: who, when, from where, and exactly which document."""

    version = models.OneToOneField(ProposalVersion, on_delete=models.CASCADE, null=True,
                                   blank=True, related_name="acceptance")
    change_order = models.OneToOneField(ChangeOrder, on_delete=models.CASCADE, null=True,
                                        blank=True, related_name="acceptance")
    name = models.CharField(_("name"), max_length=200)
    accepted_at = models.DateTimeField(_("accepted at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("user agent"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(version__isnull=False, change_order__isnull=True)
            | models.Q(version__isnull=True, change_order__isnull=False),
            name="acceptance_one_document")]


# Referenced by the first migration; new rows use rapport.core.tokens.new_token.
_new_token = new_token


class AgreementLink(WorkspaceOwned, TokenLink):
    """A portal link to one proposal or one change order."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="links")
    change_order = models.ForeignKey(ChangeOrder, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="links")

    class Meta(TokenLink.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("agreements_portal:document", kwargs={"token": self.token})
