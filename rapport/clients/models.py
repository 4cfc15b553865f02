"""Clients, their contacts and domains, status history, notes and projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.core import clock
from rapport.core.choices import Channel, Language
from rapport.core.dates import short_date
from rapport.core.models import Workspace, WorkspaceOwned, validate_time_zone
from rapport.core.money import CURRENCY_CHOICES


class Tag(WorkspaceOwned):
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Client(WorkspaceOwned):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", pgettext_lazy("client status", "Active")
        PAUSED = "paused", _("Paused")
        OFFBOARDING = "offboarding", _("Offboarding")
        FORMER = "former", _("Former")
        DECLINED = "declined", _("Declined")

    # The lifecycle: where a client may go from each status. A former client may be
    # hired again; a declined prospect who returns starts over as a prospect.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.PROSPECT: (Status.ACTIVE, Status.DECLINED),
        Status.ACTIVE: (Status.PAUSED, Status.OFFBOARDING),
        Status.PAUSED: (Status.ACTIVE, Status.OFFBOARDING),
        Status.OFFBOARDING: (Status.FORMER, Status.ACTIVE),
        Status.FORMER: (Status.ACTIVE, Status.PROSPECT),
        Status.DECLINED: (Status.PROSPECT,),
    }

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROSPECT,
        editable=False,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.GERMAN,
        help_text=_("Language for documents and letters to this client."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, blank=True
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="DE")
    vat_id = models.CharField(_("VAT ID"), max_length=30, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="clients", verbose_name=_("tags"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        indexes = [models.Index(fields=["workspace", "status"], name="client_ws_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", kwargs={"client_pk": self.pk})

    def allowed_transitions(self) -> list[tuple[str, str]]:
        return [(value, self.Status(value).label) for value in self.TRANSITIONS[self.status]]

    @transaction.atomic
    def change_status(
        self, new_status: str, *, reason: str = "", by: object = None,
        on: dt.date | None = None,
    ) -> StatusChange:
        """Move along the lifecycle and record when and why; refuse skipped steps."""
        if new_status not in self.Status.values:
            raise ValidationError(_("Unknown status."))
        if new_status not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                _("A client cannot go from “%(old)s” to “%(new)s”.")
                % {"old": self.get_status_display(), "new": self.Status(new_status).label}
            )
        change = StatusChange.objects.create(
            workspace=self.workspace, client=self, from_status=self.status,
            to_status=new_status, changed_on=on or clock.today(), reason=reason.strip(),
            changed_by=by,
        )
        self.status = new_status
        self.save(update_fields=["status"])
        return change

    @classmethod
    def count_by_status(cls, workspace: Workspace) -> models.QuerySet:
        return (
            cls.objects.filter(workspace=workspace)
            .values("status").annotate(n=models.Count("pk")).order_by()
        )

    def email_domains(self) -> list[str]:
        return [d.domain for d in self.domains.all()]


class ClientDomain(WorkspaceOwned):
    """A mail domain of the client; mail from it links to the client (later)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253)

    class Meta:
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "domain"], name="clientdomain_unique"),
        ]

    def __str__(self) -> str:
        return self.domain


class Contact(WorkspaceOwned):
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def addresses(self) -> list[str]:
        return [e.address for e in self.emails.all()]


class ContactEmail(WorkspaceOwned):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(_("email address"))

    class Meta:
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "address"], name="contactemail_unique"),
        ]

    def __str__(self) -> str:
        return self.address


class StatusChange(WorkspaceOwned):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=Client.Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Client.Status.choices)
    changed_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.client}: {self.from_status} → {self.to_status}"


class Note(WorkspaceOwned):
    """A dated fact about a client: a note, a check-in, or an incident for the health view."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CHECK_IN = "check_in", _("Check-in")
        INCIDENT = "incident", _("Incident")

    class IncidentCategory(models.TextChoices):
        DID_NOT_LISTEN = "did_not_listen", _("Did not listen")
        INTEGRITY = "integrity", _("Lack of integrity")
        UNREALISTIC = "unrealistic_expectation", _("Unrealistic expectation")
        DISRESPECT = "disrespect", _("Lack of respect")
        UNREASONABLE_DEMAND = "unreasonable_demand", _("Unreasonable demand")
        PANIC = "panic", _("Panic mode")
        SLOW_PAYMENT = "slow_payment", _("Slow to pay")
        UNRESPONSIVE = "unresponsive", _("Does not respond")
        HAGGLING = "haggling", _("Haggling over price")
        SCOPE_CREEP = "scope_creep", _("Extra work outside the agreement")
        OFF_TOPIC_CALLS = "off_topic_calls", _("Calls run off topic")
        OTHER = "other", _("Other")

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    class Outcome(models.TextChoices):
        ALL_GOOD = "all_good", _("All good")
        CONCERN = "concern", _("A concern came up")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="notes", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("text"))
    incident_category = models.CharField(
        _("category"), max_length=30, choices=IncidentCategory.choices, blank=True
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    check_in_outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["workspace", "kind"], name="note_ws_kind")]

    def __str__(self) -> str:
        return f"{short_date(self.happened_on)} {self.get_kind_display()}: {self.text[:40]}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.kind == self.Kind.INCIDENT:
            if not self.incident_category:
                errors["incident_category"] = _("An incident needs a category.")
            if not self.severity:
                errors["severity"] = _("An incident needs a severity.")
        else:
            self.incident_category = ""
            self.severity = None
        if self.kind == self.Kind.CHECK_IN:
            if not self.check_in_outcome:
                errors["check_in_outcome"] = _("How did the check-in go?")
        else:
            self.check_in_outcome = ""
        if errors:
            raise ValidationError(errors)


class Project(WorkspaceOwned):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", pgettext_lazy("project status", "Active")
        ON_HOLD = "on_hold", _("On hold")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class RateType(models.TextChoices):
        FIXED = "fixed", _("Fixed price")
        DAILY = "daily", _("Daily rate")
        RETAINER = "retainer", _("Monthly retainer")
        HOURLY = "hourly", _("Hourly rate")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="projects", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    rate_type = models.CharField(
        _("rate type"), max_length=10, choices=RateType.choices, default=RateType.FIXED
    )
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES,
                                default="EUR")
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})



class ConfirmedRecipient(WorkspaceOwned):
    """An address that is not a contact but the user confirmed once for this client;
    mail from the app may go to it from then on (see `rapport.clients.outbound`)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE,
                               related_name="confirmed_recipients")
    address = models.EmailField(_("email address"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("confirmed recipient")
        verbose_name_plural = _("confirmed recipients")
        constraints = [
            models.UniqueConstraint(fields=["client", "address"],
                                    name="confirmedrecipient_unique"),
        ]

    def __str__(self) -> str:
        return self.address


class OutboundMail(WorkspaceOwned):
    """One email the app sent for a workspace: what the hourly sending limit counts."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        REMINDER = "reminder", _("reminder")
        PROPOSAL = "proposal", _("proposal")
        CHANGE_ORDER = "change_order", _("change order")
        QUESTIONNAIRE = "questionnaire", _("questionnaire")
        SCRIPT = "script", _("script")
        HANDOVER = "handover", _("handover document")
        INVITATION = "invitation", _("invitation")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipients = models.PositiveIntegerField(default=1)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
