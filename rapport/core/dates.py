"""Dates written for people: in the reader's locale on screen, in the document's language
in what a client reads. ISO (2026-11-17) is for inputs, files and machines only."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, translation


def short_date(day: dt.date, language: str | None = None) -> str:
    """17.11.2026 (de), 17/11/2026 (en-GB), 11/17/2026 (en-US): the reader's own format.

    Without a language, the active one (the signed-in reader's) is used.
    """
    if language is None:
        return formats.date_format(day, "SHORT_DATE_FORMAT")
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def document_date(day: dt.date, language: str) -> str:
    """A date in client-facing text: 17.11.2026 in German, 17 Nov 2026 in English.

    English documents go to readers on both sides of the Atlantic; a spelled-out month
    reads the same for all of them.
    """
    if language.startswith("de"):
        return day.strftime("%d.%m.%Y")
    with translation.override("en"):
        return formats.date_format(day, "j M Y")
