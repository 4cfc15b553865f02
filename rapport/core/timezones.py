"""Time zones for select boxes: canonical names only, grouped by region.

`zoneinfo.available_timezones()` also lists legacy and backward-compatible links
("US/Eastern", "Etc/GMT+5", "Europe/Kiev" for Europe/Kyiv); offering them makes the list
long and lets people pick a name that was retired. The IANA database's `zone.tab` names
one current zone per country region, so the choices are those plus UTC. A value stored
before (perhaps a legacy name) stays selectable on the form that edits it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

REGIONS = {
    "Africa": _("Africa"), "America": _("America"), "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"), "Asia": _("Asia"), "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"), "Europe": _("Europe"), "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


def _zone_tab() -> str:
    try:
        return resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        system = Path("/usr/share/zoneinfo/zone.tab")
        return system.read_text("utf-8") if system.exists() else ""


@cache
def canonical_time_zones() -> tuple[str, ...]:
    """Current zone names (no aliases), sorted; those this Python cannot load are left out."""
    known = available_timezones()
    names = {line.split("\t")[2] for line in _zone_tab().splitlines()
             if line and not line.startswith("#") and len(line.split("\t")) > 2}
    names = {name for name in names if name in known}
    if not names:  # no zone.tab anywhere: at least drop the obvious legacy names
        names = {n for n in known if n.split("/")[0] in REGIONS}
    return tuple(sorted(names | {"UTC"}))


def _label(name: str) -> str:
    return name.partition("/")[2].replace("_", " ") or name


def time_zone_choices(extra: str = "") -> list[tuple[str, Any]]:
    """UTC first, then one option group per region; `extra` (a stored value) is kept."""
    names = list(canonical_time_zones())
    if extra and extra not in names and extra in available_timezones():
        names.append(extra)
    groups: dict[str, list[tuple[str, str]]] = {}
    single: list[tuple[str, str]] = []
    for name in sorted(names):
        region = name.partition("/")[0]
        if region in REGIONS and "/" in name:
            groups.setdefault(region, []).append((name, _label(name)))
        else:
            single.append((name, name))
    return [*single, *((REGIONS[region], groups[region]) for region in REGIONS
                       if region in groups)]


class TimeZoneField(forms.ChoiceField):
    """The one time-zone select of the app: grouped, canonical names, a stored legacy
    value kept. Pass `blank=True` for an optional field with an empty first option."""

    def __init__(self, *, blank: bool = False, **kwargs: Any) -> None:
        self.blank = blank
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=self._choices_for(""), **kwargs)

    def _choices_for(self, extra: str) -> list[tuple[str, Any]]:
        choices = time_zone_choices(extra)
        return [("", "—"), *choices] if self.blank else choices

    def keep(self, value: str | None) -> None:
        """Offer `value` too (the name stored so far), even if it is a legacy alias."""
        if value:
            self.choices = self._choices_for(value)
