"""The reader's language, with the date and number formats of their browser's region.

Used by the signed-in pages (`rapport.accounts.middleware`) and by the pages a client
opens from a link (portals, closed links), which show the document's language.
"""

from importlib.util import find_spec

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def regional(language: str, accept_language: str) -> str:
    """The browser's regional variant of `language` (en → en-gb), or `language` itself.

    Only a variant with Django date/number formats counts; the texts stay the language's.
    """
    for code, _quality in parse_accept_lang_header(accept_language):
        primary, _sep, region = code.lower().partition("-")
        if primary != language:
            continue
        if region and find_spec(f"django.conf.locale.{translation.to_locale(code)}"):
            return f"{primary}-{region}"
        return language
    return language


def for_reader(language: str, request: HttpRequest) -> str:
    """A document's language, with the formats of the region the visitor's browser asks
    for: a client portal in English shows 17/11/2026 to a British visitor."""
    return regional(language[:2], request.headers.get("Accept-Language", ""))
