"""The preview-then-send page shared by proposals, change orders and questionnaire
invitations: the email starts as a draft in the client's language, the freelancer edits it,
and it counts as sent only once it left (a refusal shows on the form, nothing is lost)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rapport.health.forms import SendScriptForm


def preview_then_send(request: HttpRequest, *, initial: Callable[[], dict[str, str]],
                      send: Callable[[dict[str, Any]], object], sent: str, done_url: str,
                      page: dict[str, Any]) -> HttpResponse:
    """GET shows the form filled by `initial()`; a valid POST calls `send(cleaned_data)`,
    says `sent` and goes to `done_url`. `page` carries the template's client and back link."""
    if request.method == "POST":
        form = SendScriptForm(request.POST)
        if form.is_valid():
            try:
                send(form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, sent)
                return redirect(done_url)
    else:
        form = SendScriptForm(initial=initial())
    return render(request, "agreements/send_mail.html", {"form": form, **page})
