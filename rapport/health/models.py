"""Health settings, enjoyment ratings, reserves and the workspace's own scripts."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import Workspace, WorkspaceOwned
from rapport.health import defaults


class HealthStatus(models.TextChoices):
    """A client's overall health: the worst of its warning signs."""

    NONE = "none", _("none")
    WATCH = "watch", _("watch")
    PRESENT = "present", _("present")


class HealthSettings(models.Model):
    """Per-workspace overrides of `defaults.py`; empty means "use the defaults"."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE,
                                     related_name="health_settings")
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    watch_threshold = models.DecimalField(_("watch from a score of"), max_digits=5,
                                          decimal_places=2,
                                          default=Decimal(defaults.THRESHOLDS["watch"]))
    present_threshold = models.DecimalField(_("present from a score of"), max_digits=5,
                                            decimal_places=2,
                                            default=Decimal(defaults.THRESHOLDS["present"]))
    after_hours_share = models.PositiveSmallIntegerField(
        _("after-hours messages count from a share of (%)"),
        default=defaults.AFTER_HOURS_SHARE, validators=[MaxValueValidator(100)],
        help_text=_("Share of the client's messages in the window sent outside your office "
                    "hours. Late-night messages always count."))
    window_days = models.PositiveSmallIntegerField(
        _("window in days"), default=defaults.WINDOW_DAYS,
        validators=[MinValueValidator(7), MaxValueValidator(730)])

    class Meta:
        verbose_name = _("health settings")
        verbose_name_plural = _("health settings")

    def __str__(self) -> str:
        return str(self.workspace)

    def effective_weights(self) -> dict[str, dict[str, dict[str, float]]]:
        result = defaults.default_weights()
        for sign, parts in (self.weights or {}).items():
            if sign not in result:
                continue
            for part in ("kinds", "incidents"):
                for key, value in (parts.get(part) or {}).items():
                    result[sign][part][key] = float(value)
        return result


class Enjoyment(WorkspaceOwned):
    """How much the freelancer enjoys working with a client (1–5)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="enjoyment",
                                  verbose_name=_("client"))
    rating = models.PositiveSmallIntegerField(
        _("enjoyment"), validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = dread every mail, 5 = a joy to work with."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enjoyment rating")
        verbose_name_plural = _("enjoyment ratings")

    def __str__(self) -> str:
        return f"{self.client}: {self.rating}"


class Reserve(models.Model):
    """Emergency funds and expenses: what it takes to be able to let a client go."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE,
                                     related_name="reserve")
    business_fund = models.DecimalField(_("business emergency fund"), max_digits=14,
                                        decimal_places=2, default=Decimal("0"),
                                        validators=[MinValueValidator(0)])
    personal_fund = models.DecimalField(_("personal emergency fund"), max_digits=14,
                                        decimal_places=2, default=Decimal("0"),
                                        validators=[MinValueValidator(0)])
    monthly_expenses = models.DecimalField(
        _("monthly expenses"), max_digits=14, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("Business and personal together: what a month costs you."))
    savings_percent = models.DecimalField(
        _("share of each payment to save (%)"), max_digits=5, decimal_places=2,
        default=Decimal("5"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    target_months = models.PositiveSmallIntegerField(
        _("target in months of expenses"), default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)])

    class Meta:
        verbose_name = _("reserve")
        verbose_name_plural = _("reserves")

    def __str__(self) -> str:
        return str(self.workspace)


class Script(WorkspaceOwned):
    """A workspace's own copy of a shipped script (same key) or its own addition."""

    key = models.SlugField(_("key"), max_length=60)
    language = models.CharField(_("language"), max_length=8,
                                choices=[("de", _("German")), ("en", _("English"))])
    title = models.CharField(_("title"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        ordering = ["key", "language"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key", "language"],
                                               name="health_script_once")]

    def __str__(self) -> str:
        return self.title


class HealthSnapshot(WorkspaceOwned):
    """A client's warning signs as last assessed, so the dashboard reads one row per
    client instead of every signal. Valid for `as_of` and the settings hashed in
    `settings_key`; `dirty_at` is set when the client's signals change after that."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE,
                                  related_name="health_snapshot")
    as_of = models.DateField()
    settings_key = models.CharField(max_length=64)
    signs = models.JSONField(default=list)
    new_this_week = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list)  # [sign key, status a week ago, status now]
    dirty_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)
    messages = models.PositiveIntegerField(default=0)  # the client's messages then
    invoices = models.PositiveIntegerField(default=0)  # the client's issued invoices then
    # The last reassessment raised; `signs` are still the ones from before (or empty).
    update_failed_at = models.DateTimeField(null=True, blank=True)
    # The overall status (the worst sign's) and the friction (the signs' scores added up),
    # in columns so the overview counts, filters, sorts and pages in the database.
    status = models.CharField(max_length=8, choices=HealthStatus.choices,
                              default=HealthStatus.NONE)
    friction = models.FloatField(default=0)
    # What the overview and the dashboard show, in columns, so their lists and the chart
    # of every client are read without decoding `signs`: the signs to watch or present as
    # [sign key, status] in the signs' order, how many of each, whether a present sign is
    # one to leave over (the recommendation needs it) and how many signs changed status
    # this week (the order of "what changed"). Keys and numbers: the words are the reader's.
    flagged = models.JSONField(default=list)
    present_signs = models.PositiveSmallIntegerField(default=0)
    watch_signs = models.PositiveSmallIntegerField(default=0)
    exit_sign = models.BooleanField(default=False)
    changed_signs = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        indexes = [models.Index(fields=["workspace", "status"], name="health_snapshot_status")]

    def __str__(self) -> str:
        return f"{self.client}: {self.as_of}"
