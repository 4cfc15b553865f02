"""Time pages: the running timer, the entry list, manual entries, imports, invoicing."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "timetracking/index.html", {})
