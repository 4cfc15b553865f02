"""Prospect vetting: the ideal-client profile, the questionnaire, interviews, waiting list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core import clock
from rapport.core.choices import Language
from rapport.core.models import WorkspaceOwned

PORTAL_DAYS = 14


class WorkingStyle(models.TextChoices):
    HANDS_OFF = "hands_off", _("A clear brief, then let the freelancer work")
    REGULAR_UPDATES = "regular_updates", _("Regular updates at agreed points")
    CLOSE = "close", _("Close collaboration, in touch every day")


class ResponseTime(models.TextChoices):
    """How fast a message is answered; ordered from fastest to slowest."""

    WITHIN_HOUR = "within_hour", _("Within the hour")
    SAME_DAY = "same_day", _("The same working day")
    NEXT_DAY = "next_day", _("By the next working day")
    TWO_DAYS = "two_days", _("Within two working days")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)


class Weekends(models.TextChoices):
    NEVER = "never", _("Never")
    SOMETIMES = "sometimes", _("Sometimes, when it is urgent")
    REGULARLY = "regularly", _("Regularly")


class Decider(models.TextChoices):
    ME = "me", _("I decide alone")
    WITH_TEAM = "with_team", _("I decide after asking my team")
    COMMITTEE = "committee", _("A board or committee decides")


class IdealClientProfile(WorkspaceOwned):
    """Who the freelancer wants to work for. Values and non-negotiables live on the workspace."""

    wanted_clients = models.TextField(_("clients I want"), blank=True)
    wanted_work = models.TextField(_("work I want"), blank=True)
    avoid_list = models.JSONField(_("avoid list"), default=list, blank=True)
    core_values = models.JSONField(_("core values"), default=list, blank=True)
    strengths = models.JSONField(_("strengths"), default=list, blank=True)
    wont_do = models.JSONField(_("won't do"), default=list, blank=True)
    cant_yet = models.JSONField(_("can't yet, want to learn"), default=list, blank=True)
    working_styles = models.JSONField(_("working styles that suit me"), default=list, blank=True)
    response_time = models.CharField(
        _("I answer messages"), max_length=12, choices=ResponseTime.choices,
        default=ResponseTime.NEXT_DAY,
    )
    minimum_budget = models.DecimalField(
        _("smallest project budget"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    min_lead_days = models.PositiveSmallIntegerField(
        _("days I need before a deadline"), default=14,
    )
    min_overlap_hours = models.PositiveSmallIntegerField(
        _("hours a day our working days should overlap"), default=3,
        validators=[MaxValueValidator(12)],
    )

    class Meta:
        verbose_name = _("ideal-client profile")
        verbose_name_plural = _("ideal-client profiles")
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="idealclientprofile_one"),
        ]

    def __str__(self) -> str:
        return str(self.workspace)


class Question(WorkspaceOwned):
    """One question of the workspace's questionnaire in one language.

    Built-in questions have a `key` whose answer a fit rule reads; the user may reword
    them or switch them off. Questions the user adds have no key and no rule.
    """

    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    key = models.CharField(_("key"), max_length=30, blank=True)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["language", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "language", "key"], condition=~models.Q(key=""),
                name="question_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def field_name(self) -> str:
        return self.key or f"q{self.pk}"


class Interview(WorkspaceOwned):
    """The intake interview with one prospect: answers, gut feeling, the portal link."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Not answered yet")
        SENT = "sent", _("Sent to the prospect")
        ANSWERED = "answered", _("Answered")
        LOCKED = "locked", _("Locked")

    class NeedMoney(models.TextChoices):
        NO = "no", _("No — I would say yes anyway")
        PARTLY = "partly", _("Partly")
        YES = "yes", _("Yes, mainly because I need the money")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("prospect")
    )
    language = models.CharField(
        _("questionnaire language"), max_length=8, choices=Language.choices,
        default=Language.GERMAN,
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.DRAFT)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    answered_by_prospect = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("link revoked"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    gut_rating = models.PositiveSmallIntegerField(
        _("gut feeling"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    gut_note = models.CharField(_("in one sentence"), max_length=300, blank=True)
    need_money = models.CharField(
        _("Am I saying yes because I need the money?"), max_length=8,
        choices=NeedMoney.choices, blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intake interview")
        verbose_name_plural = _("intake interviews")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.client} ({self.created_at:%Y-%m-%d})" if self.created_at else str(
            self.client)

    def get_absolute_url(self) -> str:
        return reverse("intake:interview", kwargs={"interview_pk": self.pk})

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.LOCKED

    def link_is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or clock.now()
        return bool(self.token) and self.revoked_at is None and bool(
            self.expires_at and self.expires_at > now)


class WaitingListEntry(WorkspaceOwned):
    """Someone who would hire the freelancer: a later prospect, a past client, a referral."""

    class Source(models.TextChoices):
        NOT_TAKEN = "not_taken", _("Prospect I could not take on")
        PAST_CLIENT = "past_client", _("Past client")
        REFERRAL = "referral", _("Referral")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("client"),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices,
                              default=Source.REFERRAL)
    note = models.TextField(_("note"), blank=True)
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    contact_again_on = models.DateField(_("contact again on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        ordering = [models.F("contact_again_on").asc(nulls_last=True), "name"]

    def __str__(self) -> str:
        return self.name

    def is_due(self, today: dt.date | None = None) -> bool:
        today = today or clock.today()
        return self.contact_again_on is not None and self.contact_again_on <= today
