"""Workspace settings, with office hours typed per weekday."""

from __future__ import annotations

from typing import Any

import holidays
from babel import Locale
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import Channel, Weekday
from rapport.core.models import Workspace
from rapport.core.office_hours import TimeRange, format_ranges, parse_ranges
from rapport.core.timezones import TimeZoneField


def holiday_country_choices() -> list[tuple[str, str]]:
    """Countries the holidays package knows, named in the UI language."""
    names = Locale.parse(get_language() or "en", sep="-").territories
    codes = [code for code in holidays.list_supported_countries() if len(code) == 2]
    choices = sorted(((code, f"{names.get(code, code)} ({code})") for code in codes),
                     key=lambda item: item[1])
    return [("", "—"), *choices]


def country_choices(keep: str = "") -> list[tuple[str, str]]:
    """ISO 3166 countries as Babel (CLDR) names them in the UI language; a stored code that
    CLDR does not list stays choosable, so saving the form never loses it."""
    names = Locale.parse(get_language() or "en", sep="-").territories
    choices = sorted(((code, names[code]) for code in names
                      if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES),
                     key=lambda item: item[1])
    if keep and keep not in dict(choices):
        choices.append((keep, keep))
    return choices


# CLDR territory codes that name no country: the EU, the euro area, the UN, "unknown",
# "outlying Oceania" and the pseudo-locales.
NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}


def subdivision_choices(country: str, keep: str = "") -> list[tuple[str, str]]:
    """The regions with their own public holidays (German Länder and the like) of a country,
    as the holidays package names them."""
    choices: list[tuple[str, str]] = [("", "—")]
    if country in holidays.list_supported_countries():
        aliases = holidays.country_holidays(country).get_subdivision_aliases()
        choices += sorted(((code, f"{names[0]} ({code})" if names else code)
                           for code, names in aliases.items() if code.isupper()),
                          key=lambda item: item[1])
    if keep and keep not in dict(choices):
        choices.append((keep, keep))
    return choices


def _day_field(day: Weekday) -> forms.CharField:
    return forms.CharField(
        label=day.label, required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "09:00-12:00, 13:00-17:00"}),
    )


class WorkspaceForm(forms.ModelForm):
    preferred_channels = forms.MultipleChoiceField(
        label=_("Preferred communication channels"), choices=Channel.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    non_negotiables = forms.CharField(
        label=_("Non-negotiables"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, e.g. “No work on Sundays”."),
    )
    time_zone = TimeZoneField(initial="Europe/Berlin")
    holiday_country = forms.ChoiceField(
        label=_("Public holidays: country"), required=False, choices=holiday_country_choices,
        initial="DE",
    )

    class Meta:
        model = Workspace
        fields = [
            "name", "legal_name", "street", "postal_code", "city", "country", "vat_id",
            "tax_number", "email", "phone", "default_currency", "language", "time_zone",
            "holiday_country",
            "holiday_subdivision", "preferred_channels", "max_calls_per_week",
            "non_negotiables",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].keep(self.instance.time_zone)
        self.fields["country"] = forms.ChoiceField(
            label=self.fields["country"].label, choices=country_choices(self.instance.country),
            initial="DE")
        holiday_country = (self.data.get(self.add_prefix("holiday_country"))
                           if self.is_bound else None) or self.instance.holiday_country or "DE"
        self.fields["holiday_subdivision"] = forms.ChoiceField(
            label=self.fields["holiday_subdivision"].label, required=False,
            choices=subdivision_choices(holiday_country.upper(),
                                        self.instance.holiday_subdivision),
            help_text=_("The regions of the country chosen for public holidays; after "
                        "changing that country, save once to choose among its regions."))
        for day in Weekday:
            self.fields[f"hours_{day.value}"] = _day_field(day)
        if self.instance.pk:
            by_day = self.instance.hours_by_weekday
            for day in Weekday:
                self.initial[f"hours_{day.value}"] = format_ranges(by_day.get(day.value, []))
            self.initial["non_negotiables"] = "\n".join(self.instance.non_negotiables or [])
        else:
            for day in list(Weekday)[:5]:
                self.initial[f"hours_{day.value}"] = "09:00-12:30, 13:30-17:00"

    def day_fields(self) -> list[forms.BoundField]:
        return [self[f"hours_{day.value}"] for day in Weekday]

    def clean_non_negotiables(self) -> list[str]:
        text = self.cleaned_data.get("non_negotiables") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        hours: dict[int, list[TimeRange]] = {}
        for day in Weekday:
            name = f"hours_{day.value}"
            try:
                hours[day.value] = parse_ranges(cleaned.get(name, ""))
            except ValidationError as exc:
                self.add_error(name, exc)
        self.office_hours = hours
        return cleaned
