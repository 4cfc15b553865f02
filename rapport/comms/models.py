"""Messages and meetings: the client's real behaviour, imported from mail and calendars."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client, Contact
from rapport.core.models import WorkspaceOwned
from rapport.core.money import CURRENCY_CHOICES


class Direction(models.TextChoices):
    INBOUND = "in", _("From the client")
    OUTBOUND = "out", _("From me")


class Source(models.TextChoices):
    MBOX = "mbox", _("mbox file")
    EML = "eml", _("email file")
    IMAP = "imap", _("IMAP")
    ICS = "ics", _("calendar file")
    ICS_URL = "ics_url", _("calendar subscription")
    DEMO = "demo", _("demo")


class Message(WorkspaceOwned):
    """One email, stored once per workspace (by Message-ID, or a content hash without one)."""

    dedup_key = models.CharField(max_length=64, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    thread_key = models.CharField(max_length=500, db_index=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    to_addresses = models.TextField(_("to"), blank=True)
    cc_addresses = models.TextField(_("cc"), blank=True)
    date = models.DateTimeField(_("date"))
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="messages", verbose_name=_("client"))
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="messages", verbose_name=_("contact"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "dedup_key"], name="message_unique"),
        ]
        indexes = [
            models.Index(fields=["workspace", "client", "date"], name="message_ws_client_date"),
            models.Index(fields=["workspace", "from_address"], name="message_ws_from"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.from_address}: {self.subject[:40]}"

    @property
    def recipients(self) -> list[str]:
        return [a for a in self.to_addresses.split(",") if a]


class ImportRun(WorkspaceOwned):
    """One import of a file (CLI or upload): progress, counts and every bad item."""

    class Kind(models.TextChoices):
        MAIL = "mail", _("Email")
        CALENDAR = "calendar", _("Calendar")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    filename = models.CharField(_("file"), max_length=255)
    path = models.CharField(max_length=1000, blank=True, editable=False)
    total_bytes = models.BigIntegerField(default=0)
    done_bytes = models.BigIntegerField(default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    duplicates = models.PositiveIntegerField(_("already known"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.done_bytes / self.total_bytes) if self.total_bytes else 0

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}


class MailAccount(WorkspaceOwned):
    """An IMAP account; the password is stored encrypted (see `crypto.py`)."""

    class Security(models.TextChoices):
        SSL = "ssl", _("TLS (port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")
        NONE = "none", _("None (local test servers only)")

    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("server"), max_length=253)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=10, choices=Security.choices,
                                default=Security.SSL)
    username = models.CharField(_("user name"), max_length=254)
    password_encrypted = models.BinaryField(editable=False)
    folders = models.CharField(_("folders"), max_length=500, default="INBOX, Sent",
                               help_text=_("Comma-separated; include the Sent folder."))
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("mail account")
        verbose_name_plural = _("mail accounts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def folder_names(self) -> list[str]:
        return [f.strip() for f in self.folders.split(",") if f.strip()]


class MailFolderState(WorkspaceOwned):
    """Where incremental sync stands in one folder: UIDVALIDITY and the last UID imported."""

    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="states")
    folder = models.CharField(max_length=255)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "folder"], name="mailfolderstate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account}/{self.folder}"


class CalendarSubscription(WorkspaceOwned):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("ICS address"), max_length=1000)
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(WorkspaceOwned):
    """One occurrence of a calendar event (recurring events are expanded)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.CharField(max_length=500)
    occurrence = models.CharField(max_length=40, blank=True,
                                  help_text="Original start of a recurring occurrence.")
    summary = models.CharField(_("title"), max_length=500, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    sequence = models.PositiveIntegerField(default=0)
    organizer = models.CharField(_("organizer"), max_length=254, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="meetings", verbose_name=_("client"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "uid", "occurrence"],
                                    name="meeting_unique_occurrence"),
        ]
        indexes = [models.Index(fields=["workspace", "client", "start"], name="meeting_ws_client")]

    def __str__(self) -> str:
        from rapport.core.dates import short_date

        start = timezone.localtime(self.start)
        return f"{short_date(start.date())} {start:%H:%M} {self.summary}"

    @property
    def cancellation_lead(self):  # noqa: ANN201
        if self.cancelled_at is None:
            return None
        return self.start - self.cancelled_at

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class MeetingChange(WorkspaceOwned):
    """A cancellation or reschedule, with how long before the (original) start it happened."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", _("Cancelled")
        RESCHEDULED = "rescheduled", _("Rescheduled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    old_start = models.DateTimeField(_("original start"))
    new_start = models.DateTimeField(_("new start"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"))
    lead_time = models.DurationField(_("notice before start"))
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("meeting change")
        verbose_name_plural = _("meeting changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "old_start", "sequence"],
                                    name="meetingchange_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.kind}"


class MeetingLog(WorkspaceOwned):
    """How a call really went: duration, agenda vs. off-topic minutes, no-show."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="meeting_logs",
                               verbose_name=_("client"))
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="logs", verbose_name=_("meeting"))
    held_on = models.DateField(_("date"))
    planned_minutes = models.PositiveIntegerField(_("planned minutes"), default=30)
    actual_minutes = models.PositiveIntegerField(_("actual minutes"), default=0)
    agenda_minutes = models.PositiveIntegerField(_("minutes on the agenda"), default=0)
    off_topic_minutes = models.PositiveIntegerField(_("minutes off topic"), default=0)
    no_show = models.BooleanField(_("client did not show up"), default=False)
    late_cancellation = models.BooleanField(_("cancelled at short notice"), default=False)
    billable = models.BooleanField(_("bill it"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting log")
        verbose_name_plural = _("meeting logs")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.client}"


class PendingFee(WorkspaceOwned):
    """A fee line waiting for the client's next invoice (e.g. a billable late cancellation)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="pending_fees",
                               verbose_name=_("client"))
    meeting_log = models.OneToOneField(MeetingLog, on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="fee")
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES,
                                default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)
    invoiced_at = models.DateTimeField(_("invoiced"), null=True, blank=True)
    invoice_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("pending fee")
        verbose_name_plural = _("pending fees")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["workspace", "client"], name="pendingfee_open",
                                condition=models.Q(invoiced_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.client}: {self.description} {self.amount}"
