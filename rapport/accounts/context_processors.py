"""Whether the login page offers sign-up."""

from django.conf import settings
from django.http import HttpRequest


def signup(request: HttpRequest) -> dict[str, bool]:
    return {"signup_open": settings.SIGNUP_OPEN}
