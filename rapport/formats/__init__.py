"""Input formats for every UI language: ISO first, so date and time inputs always work.

Django renders a form value with the first entry of the active language's
`DATE_INPUT_FORMATS` (and `DATETIME_`/`TIME_INPUT_FORMATS`). Browsers' `<input type="date">`,
`type="datetime-local"` and `type="time"` only accept ISO values and show anything else
as empty: a German `16.12.2026` made the field blank and every save fail. Putting the ISO
formats first for each language, in one place, fixes every date, datetime and time input
of the project; the language's own formats stay accepted when typed. How dates are
*displayed* (`DATE_FORMAT`, `SHORT_DATE_FORMAT`) is untouched and still comes from Django's
format module for the language (en_GB, de, …).
"""

from __future__ import annotations

from types import ModuleType

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
ISO_TIME = "%H:%M"


def iso_first(module: ModuleType) -> dict[str, list[str]]:
    """The input formats of a Django format module, with the ISO format in front."""
    from django.conf import global_settings

    def first(iso: str, name: str) -> list[str]:
        own = getattr(module, name, getattr(global_settings, name))
        return [iso, *(fmt for fmt in own if fmt != iso)]

    return {
        "DATE_INPUT_FORMATS": first(ISO_DATE, "DATE_INPUT_FORMATS"),
        "DATETIME_INPUT_FORMATS": first(ISO_DATETIME, "DATETIME_INPUT_FORMATS"),
        "TIME_INPUT_FORMATS": first(ISO_TIME, "TIME_INPUT_FORMATS"),
    }
