"""The webhook settings page: endpoints, their secrets, and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.webhooks import services
from rapport.webhooks.forms import EndpointForm
from rapport.webhooks.models import Attempt, Delivery, Endpoint

SHOWN = 50


def _get_endpoint(request: HttpRequest, pk: int) -> Endpoint:
    return get_object_or_404(Endpoint, workspace=request.workspace, pk=pk)


def index(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = form.save(commit=False)
        endpoint.workspace = request.workspace
        endpoint.save()
        messages.success(request, _("Endpoint added. Use its signing secret to check the "
                                    "signature of every delivery."))
        return redirect("webhooks:index")
    deliveries = (Delivery.objects.filter(workspace=request.workspace)
                  .select_related("endpoint")
                  .prefetch_related(Prefetch("attempt_log", queryset=Attempt.objects.all()))
                  [:SHOWN])
    return render(request, "webhooks/index.html", {
        "form": form, "endpoints": Endpoint.objects.filter(workspace=request.workspace),
        "deliveries": deliveries,
    })


@require_POST
def send_test(request: HttpRequest, endpoint_pk: int) -> HttpResponse:
    services.send_test(_get_endpoint(request, endpoint_pk))
    messages.success(request, _("Test event queued; the delivery log shows the answer."))
    return redirect("webhooks:index")


@require_POST
def delete(request: HttpRequest, endpoint_pk: int) -> HttpResponse:
    _get_endpoint(request, endpoint_pk).delete()
    messages.success(request, _("Endpoint removed."))
    return redirect("webhooks:index")


@require_POST
def redeliver(request: HttpRequest, delivery_pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, workspace=request.workspace, pk=delivery_pk)
    services.redeliver(delivery)
    messages.success(request, _("Delivery queued again."))
    return redirect("webhooks:index")
