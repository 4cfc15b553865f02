"""Show each signed-in user the UI in the language they chose, on every device.

The language is the user's choice; the *formats* follow the browser's region where Django
knows it: an English reader whose browser asks for en-GB reads 17/11/2026, one asking for
en-US reads 11/17/2026.
"""

from collections.abc import Callable
from importlib.util import find_spec

from django.http import HttpRequest, HttpResponse
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


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = translation.get_language() or "en"
        if user is not None and user.is_authenticated and user.language:
            language = user.language
            request.LANGUAGE_CODE = user.language
        translation.activate(for_reader(language, request))
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Content-Language", user.language)
        return response
