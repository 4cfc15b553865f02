"""Ending a client relationship well: the exit checklist, the handover procedures with
their screenshots, and the record of a client's erasure (for the anonymisation job).

Checklist items are stored as a kind code, a state and the facts they name (`params`),
never as sentences: the text is written in the reader's language when it is shown
(`rapport.offboarding.checklist.describe`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import WorkspaceOwned


class Offboarding(WorkspaceOwned):
    """One ending of one client; a client hired again and offboarded later gets a new one."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="offboardings",
                               verbose_name=_("client"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("offboarding")
        verbose_name_plural = _("offboardings")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.client} ({self.started_at:%Y-%m-%d})"


class ChecklistItem(WorkspaceOwned):
    class Kind(models.TextChoices):
        FINISH_WORK = "finish_work", _("Finish or document open work")
        OPEN_INVOICE = "open_invoice", _("Open invoice")
        FINAL_INVOICE = "final_invoice", _("Final invoice for the balance")
        RELEASE_DELIVERABLE = "release_deliverable", _("Release a held deliverable")
        REVOKE_LINKS = "revoke_links", _("Revoke portal links")
        RETURN_FILES = "return_files", _("Return or delete shared files")
        HAND_BACK_ACCESS = "hand_back_access", _("Hand back access")
        HANDOVER_LETTER = "handover_letter", _("Handover letter")
        TESTIMONIAL = "testimonial", _("Testimonial request")
        SPEAK_WELL = "speak_well", _("Speak well of everyone")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    offboarding = models.ForeignKey(Offboarding, on_delete=models.CASCADE,
                                    related_name="items")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # What the item is about, e.g. "project:12" or "invoice:7"; "" for the whole client.
    ref = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(_("state"), max_length=8, choices=State.choices,
                             default=State.OPEN)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    note = models.TextField(_("where I stopped, what remains"), blank=True)
    done_by_rapport = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["offboarding", "kind", "ref"],
                                    name="checklistitem_unique_fact"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}".strip()

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def ref_pk(self) -> int | None:
        _name, _sep, pk = self.ref.partition(":")
        return int(pk) if pk.isdigit() else None


class Procedure(WorkspaceOwned):
    """One step-by-step procedure of the handover document, written in Markdown."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="procedures",
                               verbose_name=_("client"))
    title = models.CharField(_("title"), max_length=200)
    steps = models.TextField(_("steps"), blank=True, help_text=_(
        "Markdown: a numbered list (1. …, 2. …) reads best; **bold**, links and code work."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Screenshot(WorkspaceOwned):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE,
                                  related_name="screenshots")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    image = models.FileField(_("screenshot"), upload_to="handover/")
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("screenshot")
        verbose_name_plural = _("screenshots")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Erasure(WorkspaceOwned):
    """That a client's personal data was erased, and when; issued invoices wait here for
    the end of their retention period (see `rapport.offboarding.personal_data`)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="erasure")
    erased_at = models.DateTimeField(_("erased"))
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"{self.client_id} {self.erased_at:%Y-%m-%d}"
