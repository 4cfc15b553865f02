"""Workspaces: one freelancer business, the tenant every other row belongs to."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo, available_timezones

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import Channel, Language, Weekday
from rapport.core.money import CURRENCY_CHOICES
from rapport.core.office_hours import TimeRange, is_within


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


class Workspace(models.Model):
    name = models.CharField(_("business name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="DE",
                               help_text=_("Two-letter ISO code, e.g. DE."))
    vat_id = models.CharField(_("VAT ID"), max_length=30, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=30, blank=True)
    email = models.EmailField(_("business email"), blank=True,
                              help_text=_("Printed on invoices; e-invoices need it."))
    phone = models.CharField(_("business phone"), max_length=50, blank=True)
    default_currency = models.CharField(
        _("default currency"), max_length=3, choices=CURRENCY_CHOICES, default="EUR"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.GERMAN
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    holiday_country = models.CharField(
        _("public holidays: country"), max_length=2, default="DE", blank=True
    )
    holiday_subdivision = models.CharField(
        _("public holidays: state or region"), max_length=10, blank=True,
        help_text=_("For example BE for Berlin or BY for Bavaria."),
    )
    preferred_channels = models.JSONField(_("preferred channels"), default=list, blank=True)
    max_calls_per_week = models.PositiveSmallIntegerField(
        _("maximum calls per week"), null=True, blank=True,
        help_text=_("Leave empty for no limit."),
    )
    non_negotiables = models.JSONField(_("non-negotiables"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.holiday_country = (self.holiday_country or "").upper()
        self.holiday_subdivision = (self.holiday_subdivision or "").upper()
        self.country = (self.country or "").upper()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.holiday_country:
            supported = holidays.list_supported_countries()
            code = self.holiday_country.upper()
            if code not in supported:
                errors["holiday_country"] = _("Public holidays are not known for this country.")
            elif (self.holiday_subdivision
                  and self.holiday_subdivision.upper() not in supported[code]):
                errors["holiday_subdivision"] = _(
                    "Not a state or region of this country. Known: %(known)s"
                ) % {"known": ", ".join(supported[code])}
        elif self.holiday_subdivision:
            errors["holiday_subdivision"] = _("Choose the country first.")
        invalid = set(self.preferred_channels or []) - set(Channel.values)
        if invalid:
            errors["preferred_channels"] = _("Unknown channel.")
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def public_holidays(self, years: int | list[int]) -> holidays.HolidayBase:
        """The public holidays of the workspace's region (empty without a country)."""
        if not self.holiday_country:
            return holidays.HolidayBase()
        return holidays.country_holidays(
            self.holiday_country, subdiv=self.holiday_subdivision or None, years=years,
            language="de" if self.language == Language.GERMAN else "en_US",
        )

    @cached_property
    def hours_by_weekday(self) -> dict[int, list[TimeRange]]:
        result: dict[int, list[TimeRange]] = {day: [] for day in Weekday.values}
        for item in self.office_hours.all():
            result[item.weekday].append(TimeRange(item.start, item.end))
        return result

    def is_office_time(self, moment: datetime) -> bool:
        """Is `moment` inside office hours, on a weekday that is not a public holiday?"""
        local_year = moment.astimezone(self.tz).year
        return is_within(moment, self.hours_by_weekday, self.tz, self.public_holidays(local_year))

    def channel_labels(self) -> list[str]:
        return [str(Channel(value).label) for value in self.preferred_channels or []]


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("workspace"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OWNER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace}"


class OfficeHours(models.Model):
    """One open range on one weekday; a day may have several (a lunch break)."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="office_hours",
        verbose_name=_("workspace"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="office_hours_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class WorkspaceOwned(models.Model):
    """Every domain row names its workspace so every query can be scoped to it."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", verbose_name=_("workspace")
    )

    class Meta:
        abstract = True


class ExchangeRate(models.Model):
    """An ECB euro reference rate imported by `rapport update-rates`: 1 EUR = `rate` units.

    Public reference data, not a workspace's: every workspace converts with the same rates.
    The rates shipped in `rapport/core/data/ecb_rates.csv` need no rows here."""

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("reference date"))
    rate = models.DecimalField(_("units per euro"), max_digits=18, decimal_places=6)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_unique_day"),
        ]
        indexes = [models.Index(fields=["currency", "-date"], name="exchange_rate_latest")]

    def __str__(self) -> str:
        return f"{self.date} 1 EUR = {self.rate} {self.currency}"


class Heartbeat(models.Model):
    """When the background work last showed a sign of life, one row per name: `worker`
    (any worker process, every few seconds, also while it runs a long task) and `tick`
    (the scheduler last queued the periodic tasks). Not owned by a workspace."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name}: {self.at:%Y-%m-%d %H:%M:%S}"
