"""Client health, portfolio, fire-readiness and scripts. Everything via request.workspace."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.health import scripts as script_lib
from rapport.health.assessment import assess_client, health_settings
from rapport.health.charts import client_chart_data, client_svg, portfolio_svg
from rapport.health.fire import fire_readiness, reserve_for
from rapport.health.forms import (
    EnjoymentForm,
    HealthSettingsForm,
    OverviewFilterForm,
    ReserveForm,
    ScriptForm,
    SendScriptForm,
)
from rapport.health.models import Enjoyment, Script
from rapport.health.overview import overview, portfolio_rows
from rapport.health.snapshots import last_assessed
from rapport.health.snapshots import portfolio as health_portfolio
from rapport.signals.models import Signal

logger = logging.getLogger(__name__)


def _get_client(request: HttpRequest, client_pk: int) -> Client:
    return get_object_or_404(Client.objects.select_related("workspace"),
                             workspace=request.workspace, pk=client_pk)


def evidence_url(client_pk: int, kinds: list[str]) -> str:
    """The client's signals, filtered to the kinds behind a sign."""
    base = reverse("signals:client", kwargs={"client_pk": client_pk})
    return f"{base}?{urlencode([('kind', k) for k in kinds])}" if kinds else base


def _language(request: HttpRequest) -> str:
    language = request.GET.get("language") or request.LANGUAGE_CODE or "de"
    return language[:2] if language[:2] in script_lib.LANGUAGES else "de"


# "What changed this week" lists status changes first, then the most new signals.
CHANGED_SHOWN = 15


def index(request: HttpRequest) -> HttpResponse:
    form = OverviewFilterForm(request.GET or None)
    form.is_valid()  # a bad value is dropped (and marked); the valid ones still filter
    wanted = form.cleaned_data if form.is_bound else {}
    found = overview(request.workspace, status=wanted.get("status") or "",
                     query=wanted.get("q") or "", page=request.GET.get("page"),
                     changed_shown=CHANGED_SHOWN)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "health/index.html", {
        "overview": found, "form": form, "page": found.page, "query": query.urlencode(),
        "filtered": bool(wanted.get("status") or wanted.get("q")),
        "portfolio": found.portfolio, "changed": found.changed,
        "changed_more": found.changed_more, "counts": found.counts,
        "chart": portfolio_svg(found.portfolio, request.workspace.default_currency),
        "rows": portfolio_rows(found.rows),
        "rates": found.rates,
    })


def client_health(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    snapshot = last_assessed(client)  # reassesses if out of date; records a failure
    try:
        health = assess_client(client)
    except Exception:  # show the stored assessment instead of an error page
        logger.exception("Assessing the health of client %s failed", client.pk)
        [health] = health_portfolio(request.workspace, only=[client.pk])
        health.update_failed = True
    enjoyment = Enjoyment.objects.filter(workspace=request.workspace, client=client).first()
    ids = {pk for sign in health.signs for pk in sign.signal_ids}
    signals = {s.pk: s for s in Signal.objects.filter(workspace=request.workspace,
                                                      client=client, pk__in=ids)}
    rows = [(sign, evidence_url(client.pk, sign.kinds),
             [signals[pk] for pk in sign.signal_ids if pk in signals])
            for sign in health.signs]
    return render(request, "health/client.html", {
        "client": client, "health": health, "rows": rows, "assessed": snapshot,
        "update_failed": health.update_failed or snapshot.update_failed_at is not None,
        "assessed_messages": ngettext("%(count)s message", "%(count)s messages",
                                      snapshot.messages) % {"count": snapshot.messages},
        "assessed_invoices": ngettext("%(count)s invoice", "%(count)s invoices",
                                      snapshot.invoices) % {"count": snapshot.invoices},
        "enjoyment_form": EnjoymentForm(instance=enjoyment),
        "chart": client_svg(client_chart_data(client, timezone.localdate())),
    })


@require_POST
def enjoyment(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    instance = (Enjoyment.objects.filter(workspace=request.workspace, client=client).first()
                or Enjoyment(workspace=request.workspace, client=client))
    form = EnjoymentForm(request.POST, instance=instance)
    if form.is_valid():
        form.save()
        messages.success(request, _("Enjoyment rating saved."))
    else:
        messages.error(request, _("The rating must be between 1 and 5."))
    return redirect("health:client", client_pk=client.pk)


def settings_view(request: HttpRequest) -> HttpResponse:
    settings = health_settings(request.workspace)
    form = HealthSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Health settings saved."))
        return redirect("health:settings")
    return render(request, "health/settings.html", {"form": form})


def fire(request: HttpRequest) -> HttpResponse:
    reserve = reserve_for(request.workspace)
    form = ReserveForm(request.POST or None, instance=reserve)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Reserve saved."))
        return redirect("health:fire")
    return render(request, "health/fire.html", {
        "form": form, "fire": fire_readiness(request.workspace),
        "currency": request.workspace.default_currency})


def script_list(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    return render(request, "health/scripts.html", {
        "scripts": script_lib.library(request.workspace, language), "language": language,
        "own": Script.objects.filter(workspace=request.workspace)})


def script_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    key, language = request.GET.get("key", ""), _language(request)
    shipped = script_lib.get_script(request.workspace, key, language) if key else None
    if shipped:
        initial = {"key": key, "language": shipped.language, "title": shipped.title,
                   "subject": shipped.subject, "body": shipped.body}
    return _script_form(request, Script(workspace=request.workspace), initial)


def script_edit(request: HttpRequest, script_pk: int) -> HttpResponse:
    script = get_object_or_404(Script, workspace=request.workspace, pk=script_pk)
    return _script_form(request, script, {})


def _script_form(request: HttpRequest, script: Script, initial: dict) -> HttpResponse:
    form = ScriptForm(request.POST or None, instance=script, initial=initial)
    if request.method == "POST" and form.is_valid():
        duplicate = Script.objects.filter(
            workspace=request.workspace, key=form.cleaned_data["key"],
            language=form.cleaned_data["language"]).exclude(pk=script.pk).exists()
        if duplicate:
            form.add_error("key", _("You already have your own version of this script."))
        else:
            form.save()
            messages.success(request, _("Script saved."))
            return redirect(f"{reverse('health:scripts')}?language={script.language}")
    return render(request, "health/script_form.html", {"form": form, "script": script})


@require_POST
def script_delete(request: HttpRequest, script_pk: int) -> HttpResponse:
    script = get_object_or_404(Script, workspace=request.workspace, pk=script_pk)
    script.delete()
    messages.success(request, _("Your version is deleted; the shipped text applies again."))
    return redirect("health:scripts")


def script_for_client(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Preview a script filled in for the client; edit, then send by email or copy."""
    client = _get_client(request, client_pk)
    language = request.GET.get("language") or client.language
    key = request.GET.get("key", "check_in")
    script = script_lib.get_script(request.workspace, key, language)
    if script is None:
        raise Http404
    if request.method == "POST":
        form = SendScriptForm(request.POST)
        if form.is_valid():
            try:
                script_lib.send_script(client, title=script.title, user=request.user,
                                       **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except OSError as error:
                messages.error(request, _("Could not send the message: %(error)s")
                               % {"error": error})
            else:
                messages.success(request, _("Sent and recorded on the client's timeline."))
                return redirect("health:client", client_pk=client.pk)
    else:
        context = script_lib.context_for(client, request.user.get_full_name(),
                                         language=script.language)
        form = SendScriptForm(initial={
            "to": ", ".join(script_lib.recipients(client)),
            "subject": script_lib.fill(script.subject, context),
            "body": script_lib.fill(script.body, context)})
    # Names are for the reader (the UI language); the text is in the client's language.
    reader = (request.LANGUAGE_CODE or "de")[:2]
    library = script_lib.library(request.workspace,
                                 reader if reader in script_lib.LANGUAGES else "de")
    names = {s.key: s.title for s in library}
    return render(request, "health/script_send.html", {
        "client": client, "script": script, "form": form, "library": library,
        "name": script.title if script.custom else names.get(script.key, script.title)})
