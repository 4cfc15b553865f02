"""The reflection journal: entries with guided answers, lessons, and what each lesson
changed; the recover period's settings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core import clock
from rapport.core.models import Workspace, WorkspaceOwned


def _today():  # noqa: ANN202 — a model default must be a plain callable
    return clock.today()


class Occasion(models.TextChoices):
    INCIDENT = "incident", _("After an incident")
    TERMINATION = "termination", _("After an ending")
    DECLINED = "declined", _("After declining a prospect")
    ANY_TIME = "any_time", _("Any time")


class JournalEntry(WorkspaceOwned):
    """One honest look back; the answers are stored per prompt key (see `prompts.py`)."""

    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="journal_entries", verbose_name=_("client"))
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices,
                                default=Occasion.ANY_TIME)
    written_on = models.DateField(_("date"), default=_today)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-written_on", "-pk"]
        indexes = [models.Index(fields=["workspace", "written_on"], name="journal_ws_date")]

    def __str__(self) -> str:
        return f"{self.written_on:%Y-%m-%d} {self.get_occasion_display()}"

    def get_absolute_url(self) -> str:
        return reverse("journal:entry", kwargs={"entry_pk": self.pk})


class Lesson(WorkspaceOwned):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lessons")
    text = models.CharField(_("lesson"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.text


class LessonChange(WorkspaceOwned):
    """What a lesson produced: an avoid-list item, a profile line, a question or a clause."""

    class Kind(models.TextChoices):
        AVOID = "avoid", _("Avoid-list item")
        PROFILE = "profile", _("Ideal-client profile")
        QUESTION = "question", _("Questionnaire question")
        CLAUSE = "clause", _("Proposal-template clause")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    target = models.CharField(_("where"), max_length=200, blank=True)  # field, language, name
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change from a lesson")
        verbose_name_plural = _("changes from lessons")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class DismissedOffer(WorkspaceOwned):
    """"Not now": the offer to reflect on this client, for this occasion, is put away."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(max_length=12, choices=Occasion.choices)
    since = models.DateField()  # the occasion's date: a later occasion is offered again
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed offer")
        verbose_name_plural = _("dismissed offers")

    def __str__(self) -> str:
        return f"{self.client}: {self.occasion} {self.since}"


class JournalSettings(models.Model):
    """The recover period after a hard exit, per workspace."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE,
                                     related_name="journal_settings")
    recover_days = models.PositiveSmallIntegerField(
        _("recover period in days"), default=30,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_("After a client becomes a former client, no new big client for this "
                    "many days. 0 switches the recover period off."))
    big_share_percent = models.PositiveSmallIntegerField(
        _("big from a share of your yearly income (%)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A prospect's expected budget compared with your payments of the last "
                    "12 months."))
    big_amount = models.DecimalField(
        _("big from an expected budget of"), max_digits=12, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In your workspace currency. Leave empty to use the share only."))
    ended_on = models.DateField(_("recover period ended early on"), null=True, blank=True)

    class Meta:
        verbose_name = _("journal settings")
        verbose_name_plural = _("journal settings")

    def __str__(self) -> str:
        return str(self.workspace)
