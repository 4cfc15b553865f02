"""The API tokens page: create a token (its secret is shown once), see when each was last
used, revoke one after confirming."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rapport.api import tokens
from rapport.api.forms import TokenForm
from rapport.api.models import ApiToken


def _tokens(request: HttpRequest):
    return ApiToken.objects.filter(workspace=request.workspace, user=request.user)


# The new secret waits in the session only from the POST to the page that shows it (then
# it is removed), so reloading that page neither shows it again nor creates another token.
NEW_SECRET = "rapport_new_api_token"


def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = tokens.create_token(
            request.user, request.workspace, name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"], expires_at=form.expires_at(request.workspace.tz),
        )
        request.session[NEW_SECRET] = [new.token.pk, new.secret]
        return redirect("api_tokens:list")
    created = None
    if NEW_SECRET in request.session:
        pk, secret = request.session.pop(NEW_SECRET)
        token = _tokens(request).filter(pk=pk).first()
        created = tokens.NewToken(token, secret) if token else None
    return render(request, "api/tokens.html", {
        "form": form, "created": created, "tokens": _tokens(request),
        "api_base": request.build_absolute_uri("/api/v1/"),
    })


def token_revoke(request: HttpRequest, token_pk: int) -> HttpResponse:
    token = get_object_or_404(_tokens(request), pk=token_pk)
    if request.method == "POST":
        tokens.revoke(token)
        messages.success(request, _("Token “%(name)s” revoked. It no longer works.")
                         % {"name": token.name})
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.html", {"token": token})
