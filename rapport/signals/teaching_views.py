"""Pages for teaching the detectors: mark a sentence, list, export and delete examples.

Everything is fetched through `request.workspace`: one workspace never sees, exports or
deletes another's examples.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.comms.models import Direction, Message
from rapport.core import clock
from rapport.signals import teaching
from rapport.signals.lexicon import TEXT_KINDS
from rapport.signals.models import SignalExample, SignalKind


@require_POST
def mark(request: HttpRequest, message_pk: int) -> HttpResponse:
    """"This is a warning sign: <kind>" on one sentence of an incoming message."""
    message = get_object_or_404(Message, workspace=request.workspace, pk=message_pk,
                                direction=Direction.INBOUND)
    kind = request.POST.get("kind", "")
    try:
        start, end = int(request.POST.get("start", "")), int(request.POST.get("end", ""))
        teaching.mark(message, start, end, kind, request.user)
    except ValueError:
        messages.error(request, _("Choose a sentence of this message and a kind of "
                                  "warning sign."))
    else:
        messages.success(request, _("Noted as “%(kind)s”. Similar sentences now count as "
                                    "this warning sign in your workspace.")
                         % {"kind": SignalKind(kind).label})
    return redirect("comms:message_detail", message_pk=message.pk)


def examples(request: HttpRequest) -> HttpResponse:
    rows = SignalExample.objects.filter(workspace=request.workspace).select_related(
        "created_by", "message")
    return render(request, "signals/examples.html", {"examples": rows[:500],
                                                     "total": rows.count()})


def export(request: HttpRequest) -> HttpResponse:
    """The workspace's examples as a download (JSON or CSV)."""
    as_csv = request.GET.get("format") == "csv"
    body = (teaching.export_csv if as_csv else teaching.export_json)(request.workspace)
    stamp = clock.today().isoformat()
    response = HttpResponse(body, content_type="text/csv; charset=utf-8" if as_csv
                            else "application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="warning-sign-examples-{stamp}.{"csv" if as_csv else "json"}"')
    return response


def delete(request: HttpRequest, example_pk: int) -> HttpResponse:
    example = get_object_or_404(SignalExample, workspace=request.workspace, pk=example_pk)
    if request.method == "POST":
        teaching.delete([example], request.workspace)
        messages.success(request, _("The example is deleted."))
        return redirect("signals:examples")
    return render(request, "signals/example_delete.html", {"example": example})


def delete_all(request: HttpRequest) -> HttpResponse:
    total = SignalExample.objects.filter(workspace=request.workspace).count()
    if request.method == "POST":
        teaching.delete_all(request.workspace)
        messages.success(request, _("All examples are deleted."))
        return redirect("signals:examples")
    return render(request, "signals/examples_delete_all.html", {"total": total})


def kind_choices() -> list[tuple[str, str]]:
    labels = dict(SignalKind.choices)
    return [(kind, labels[kind]) for kind in TEXT_KINDS]
