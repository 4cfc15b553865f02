from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "comms/inbox.html")
