"""A client link that no longer works says why, instead of a bare "not found".

A client who follows an old email deserves to know whether the freelancer closed the
matter, the link ran out, or a newer link replaced it, and whom to ask. The answer is
410 Gone, so search engines and link checkers drop it too.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from rapport.core import clock
from rapport.core.locales import for_reader
from rapport.core.models import Workspace


def link_closed(request: HttpRequest, *, workspace: Workspace, language: str, title: str,
                reason: str) -> HttpResponse:
    """Render the explanation in the document's language, with the freelancer's address.

    `reason` is one of "withdrawn", "declined", "expired"."""
    with translation.override(for_reader(language, request)):
        response = render(request, "core/link_closed.html", {
            "workspace": workspace, "title": title, "reason": reason,
            "language": language[:2],
        }, status=410)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def reason_for(revoked_at: dt.datetime | None, expires_at: dt.datetime | None) -> str:
    """Why a link stopped working, from its own dates."""
    if revoked_at is not None:
        return "withdrawn"
    if expires_at is not None and expires_at <= clock.now():
        return "expired"
    return "withdrawn"

