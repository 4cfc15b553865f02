"""Messages and meetings: the client's real behaviour, imported from mail and calendars."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client, Contact
from rapport.comms.mailparse import normalise_subject
from rapport.core import clock
from rapport.core.dates import short_date
from rapport.core.models import Workspace, WorkspaceOwned


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

    # Every index costs each imported message: the unique constraint and the indexes
    # below begin with the workspace and serve its lookups, so it needs none of its own;
    # the thread key is read with the messages, never looked up. The subject index finds
    # the first message of a subject (see `MessageStore._subject_threads`).
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("workspace"), db_index=False)
    dedup_key = models.CharField(max_length=64, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    thread_key = models.CharField(max_length=500)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    to_addresses = models.TextField(_("to"), blank=True)
    cc_addresses = models.TextField(_("cc"), blank=True)
    date = models.DateTimeField(_("date"))
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    # The subject without "Re:", "AW:" and the like, lower case: a reply that names no
    # earlier message joins the thread of the first message with the same subject.
    normalised_subject = models.CharField(max_length=500, blank=True, editable=False)
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
            models.Index(fields=["workspace", "normalised_subject", "date"],
                         name="message_ws_subject_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.from_address}: {self.subject[:40]}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalised_subject = normalise_subject(self.subject)
        super().save(*args, **kwargs)

    @property
    def recipients(self) -> list[str]:
        return [a for a in self.to_addresses.split(",") if a]


class ImportRun(WorkspaceOwned):
    """One import of a file (CLI or upload): progress, counts and every bad item.

    A worker holds a running import on a lease (`worker` + `heartbeat_at`, renewed with
    every batch); see `rapport.comms.jobs` for how a dead worker's import is taken over.
    """

    class Kind(models.TextChoices):
        MAIL = "mail", _("Email")
        CALENDAR = "calendar", _("Calendar")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        FILE_MISSING = "file_missing", _("The uploaded file is no longer on the server.")
        UNREADABLE = "unreadable", _("The file could not be read.")
        INTERRUPTED = "interrupted", _("The import was interrupted several times.")
        UNEXPECTED = "unexpected", _("An unexpected error stopped the import.")

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
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    failure = models.CharField(_("reason"), max_length=20, choices=Failure.choices,
                               blank=True)

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

    @property
    def queued_too_long(self) -> bool:
        from rapport.comms.jobs import waiting_too_long

        return self.state == self.State.QUEUED and waiting_too_long(
            self.queued_at or self.created_at)

    @property
    def waiting_for_worker(self) -> bool:
        """Queued for longer than a running worker would leave it: probably none runs."""
        from rapport.comms.jobs import worker_busy

        return self.queued_too_long and not worker_busy()

    @property
    def worker_busy(self) -> bool:
        from rapport.comms.jobs import worker_busy

        return self.queued_too_long and worker_busy()

    @property
    def can_retry(self) -> bool:
        return self.state == self.State.FAILED and self.failure != self.Failure.FILE_MISSING

    @property
    def failure_advice(self) -> str:
        """What the user can do about the failure, in their language."""
        return str(_IMPORT_ADVICE.get(self.failure, _IMPORT_ADVICE[self.Failure.UNEXPECTED]))


# Longer than any unanswered connection takes to give up (calendar: 20 s per address and
# 60 s in all; IMAP: 30 s per address), see `SyncStatus.sync_state_shown`.
UNIFORM_FAILURE_SECONDS = 65


class SyncStatus(models.Model):
    """Where the background sync of an account or a subscription stands, for the inbox."""

    class SyncState(models.TextChoices):
        IDLE = "", _("Not synced yet")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class SyncFailure(models.TextChoices):
        LOGIN = "login", _("The server did not accept the user name or password.")
        CONNECT = "connect", _("The server could not be reached.")
        TLS = "tls", _("No secure connection could be established with the server.")
        PROTOCOL = "protocol", _("The server gave an answer that could not be understood.")
        FETCH = "fetch", _("The calendar could not be fetched or read.")
        NOT_ALLOWED = "not_allowed", _("Could not reach the calendar: the address is not allowed.")
        HTTP_ERROR = "http_error", _(
            "Could not reach the calendar: the server answered with an error.")
        NO_ANSWER = "no_answer", _("Could not reach the calendar: the server did not answer.")
        UNEXPECTED = "unexpected", _("An unexpected error stopped the sync.")
        INTERRUPTED = "interrupted", _("The sync was interrupted several times.")

    sync_state = models.CharField(_("sync state"), max_length=10, blank=True,
                                  choices=SyncState.choices, default=SyncState.IDLE)
    sync_failure = models.CharField(max_length=20, blank=True, choices=SyncFailure.choices)
    sync_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Starts since the last finished sync; a sync that keeps killing its worker ends failed.
    sync_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def sync_state_shown(self) -> str:
        """The state the page shows. A server that could not be reached reads as still
        syncing until a silent one would have timed out (`UNIFORM_FAILURE_SECONDS` after
        the start): a refused port fails at once, a silent one after the timeout, and
        the page must not tell the two apart."""
        if (self.sync_state == self.SyncState.FAILED
                and self.sync_failure in {self.SyncFailure.CONNECT, self.SyncFailure.NO_ANSWER}
                and self.sync_started_at is not None
                and clock.now() < self.sync_started_at
                + dt.timedelta(seconds=UNIFORM_FAILURE_SECONDS)):
            return self.SyncState.RUNNING
        return self.sync_state

    @property
    def sync_active(self) -> bool:
        return self.sync_state_shown in {self.SyncState.QUEUED, self.SyncState.RUNNING}

    @property
    def sync_advice(self) -> str:
        return str(_SYNC_ADVICE.get(self.sync_failure, _SYNC_ADVICE["unexpected"]))

    @property
    def sync_waiting_for_worker(self) -> bool:
        from rapport.comms.jobs import waiting_too_long, worker_busy

        return (self.sync_state == self.SyncState.QUEUED
                and waiting_too_long(self.sync_queued_at) and not worker_busy())


_IMPORT_ADVICE = {
    ImportRun.Failure.FILE_MISSING: _(
        "Upload the file again; messages imported so far are kept and not imported twice."),
    ImportRun.Failure.UNREADABLE: _(
        "Check that it is an .mbox, .eml or .ics file and try again, or upload it again."),
    ImportRun.Failure.INTERRUPTED: _(
        "The background worker stopped while working on it. Messages imported so far are "
        "kept. Try again; if it happens again, ask your administrator to look at the "
        "worker's log."),
    ImportRun.Failure.UNEXPECTED: _(
        "Messages imported so far are kept. Try again; if it fails again, ask your "
        "administrator to look at the worker's log."),
}
_CALENDAR_ADVICE = _(
    "Check that the address is a public calendar (ICS) link that opens in your "
    "browser; it is fetched again at the next refresh.")
_SYNC_ADVICE = {
    SyncStatus.SyncFailure.LOGIN: _(
        "Check the user name and password under “Edit”, then sync again."),
    SyncStatus.SyncFailure.CONNECT: _(
        "Check the server name and port under “Edit” and that the server is online, "
        "then sync again."),
    SyncStatus.SyncFailure.TLS: _(
        "Check the security setting and the port under “Edit” (TLS usually uses port "
        "993, STARTTLS port 143)."),
    SyncStatus.SyncFailure.PROTOCOL: _(
        "Check the server settings under “Edit”; if they are right, sync again later."),
    SyncStatus.SyncFailure.FETCH: _CALENDAR_ADVICE,
    SyncStatus.SyncFailure.HTTP_ERROR: _CALENDAR_ADVICE,
    SyncStatus.SyncFailure.NO_ANSWER: _CALENDAR_ADVICE,
    SyncStatus.SyncFailure.NOT_ALLOWED: _(
        "Calendars are fetched only from public internet addresses; check the address."),
    SyncStatus.SyncFailure.UNEXPECTED: _(
        "Try again later; if it keeps failing, ask your administrator to look at the "
        "worker's log."),
    SyncStatus.SyncFailure.INTERRUPTED: _(
        "The background worker stopped while working on it. What was fetched so far is "
        "kept. Try again; if it happens again, ask your administrator to look at the "
        "worker's log."),
}


class MailAccount(SyncStatus, WorkspaceOwned):
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

    @property
    def sync_new_messages(self) -> int:
        """Messages the running sync has stored so far (the inbox shows it live)."""
        if self.sync_started_at is None:
            return 0
        return Message.objects.filter(workspace_id=self.workspace_id, source=Source.IMAP,
                                      imported_at__gte=self.sync_started_at).count()


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


class CalendarSubscription(SyncStatus, WorkspaceOwned):
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
    # CLASS:PRIVATE or CONFIDENTIAL in the calendar: a personal entry, maybe not work at all.
    private = models.BooleanField(_("marked private"), default=False)

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
        start = timezone.localtime(self.start)
        return f"{short_date(start.date())} {start:%H:%M} {self.summary}"

    @property
    def cancellation_lead(self):  # noqa: ANN201
        if self.cancelled_at is None:
            return None
        return self.start - self.cancelled_at


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

