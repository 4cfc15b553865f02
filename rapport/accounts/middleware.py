"""Show each signed-in user the UI in the language they chose, on every device.

The language is the user's choice; the *formats* follow the browser's region where Django
knows it: an English reader whose browser asks for en-GB reads 17/11/2026, one asking for
en-US reads 11/17/2026.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from rapport.core.locales import for_reader


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
