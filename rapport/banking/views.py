"""The bank page: statements, transactions, uploads and CSV mappings of request.workspace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.banking.models import BankStatement, BankTransaction


def index(request: HttpRequest) -> HttpResponse:
    transactions = BankTransaction.objects.filter(workspace=request.workspace)[:50]
    statements = BankStatement.objects.filter(workspace=request.workspace)[:20]
    return render(request, "banking/index.html",
                  {"transactions": transactions, "statements": statements})
