"""Tracked time: what the hours behind a client really are, and which of them are billed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core import clock
from rapport.core.models import Workspace, WorkspaceOwned


class TimeEntry(WorkspaceOwned):
    """A stretch of time spent for a client. A row without an end is the running timer."""

    class Category(models.TextChoices):
        WORK = "work", _("Work")
        COMMUNICATION = "communication", _("Communication")
        MEETINGS = "meetings", _("Meetings")
        ADMIN = "admin", _("Admin")
        TRAVEL = "travel", _("Travel")

    class Source(models.TextChoices):
        TIMER = "timer", _("Timer")
        MANUAL = "manual", _("Manual entry")
        TOGGL = "toggl", _("Toggl Track import")
        CLOCKIFY = "clockify", _("Clockify import")
        CSV = "csv", _("CSV import")

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="time_entries",
        verbose_name=_("client"),
    )
    project = models.ForeignKey(
        "clients.Project", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="time_entries", verbose_name=_("project"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("user"),
    )
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.WORK
    )
    billable = models.BooleanField(_("billable"), default=True)
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    minutes = models.PositiveIntegerField(
        _("minutes"), default=0, validators=[MaxValueValidator(60 * 24 * 7)]
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    import_key = models.CharField(_("import key"), max_length=64, blank=True, editable=False)
    invoice_line = models.ForeignKey(
        "billing.InvoiceLine", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="time_entries", verbose_name=_("invoice line"), editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(ended_at__isnull=True),
                name="time_entry_one_running_timer_per_user",
            ),
            models.UniqueConstraint(
                fields=["workspace", "import_key"], condition=~models.Q(import_key=""),
                name="time_entry_unique_import_key",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="time_entry_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "client", "started_at"], name="time_entry_ws_client"),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_category_display()} · {self.minutes} min"

    @property
    def billing_state(self) -> str:
        """unbilled, draft (reserved by a draft invoice) or billed (issued)."""
        from rapport.timetracking.invoicing import billing_state

        return billing_state(self)

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / Decimal(60)).quantize(Decimal("0.01"))

    @property
    def is_billed(self) -> bool:
        """Billed once the invoice carrying this entry is issued; a draft only reserves
        it, and a cancelled invoice gives it back to be billed anew."""
        line = self.invoice_line
        return line is not None and line.invoice.state == line.invoice.State.ISSUED

    def elapsed_minutes(self, now: dt.datetime | None = None) -> int:
        end = self.ended_at or now or clock.now()
        return max(0, int((end - self.started_at).total_seconds() // 60))

    def clean(self) -> None:
        if self.ended_at and self.started_at and self.ended_at < self.started_at:
            raise ValidationError({"ended_at": _("The end is before the start.")})
        if self.project_id and self.client_id and self.project.client_id != self.client_id:
            raise ValidationError({"project": _("This project belongs to another client.")})


class TimeSettings(models.Model):
    """Per-workspace assumptions for counting time nobody tracked by hand."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="time_settings",
        verbose_name=_("workspace"),
    )
    minutes_per_email = models.PositiveSmallIntegerField(
        _("minutes per handled email"), default=0, validators=[MaxValueValidator(240)],
        help_text=_("Each message you send to a client counts as this much communication "
                    "time. 0 turns the estimate off."),
    )

    class Meta:
        verbose_name = _("time tracking settings")
        verbose_name_plural = _("time tracking settings")

    def __str__(self) -> str:
        return str(self.workspace)

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> TimeSettings:
        return cls.objects.get_or_create(workspace=workspace)[0]


class TimeImport(WorkspaceOwned):
    """An uploaded export waiting for the user to review problems and map names."""

    source = models.CharField(_("source"), max_length=10, choices=TimeEntry.Source.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content = models.BinaryField(_("content"))
    columns = models.JSONField(_("column mapping"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("time import")
        verbose_name_plural = _("time imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name
