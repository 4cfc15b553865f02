"""Bank → To review: what was booked on its own (with undo), what waits for one click, and
what no invoice was found for (assign by hand or put aside). Workspace-scoped throughout."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.banking import booking
from rapport.banking.match_models import MatchSettings, TransactionMatch
from rapport.banking.matching import open_invoices
from rapport.banking.models import BankTransaction
from rapport.banking.reasons import describe_all
from rapport.billing.models import Invoice

Status = BankTransaction.Status
State = TransactionMatch.State
SHOWN = 100


def parse_amount(text: str) -> Decimal:
    """An amount as a German or an English reader types it: 1.234,56 or 1,234.56 or 100,5.
    The separator that comes last is the decimal one."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    decimal = max(text.rfind(","), text.rfind("."))
    if decimal >= 0 and len(text) - decimal - 1 in (1, 2):
        whole, fraction = text[:decimal], text[decimal + 1:]
    else:
        whole, fraction = text, "0"
    return Decimal(whole.replace(",", "").replace(".", "") + "." + fraction)


def _get_transaction(request: HttpRequest, pk: int) -> BankTransaction:
    return get_object_or_404(BankTransaction, workspace=request.workspace, pk=pk)


def _with(state: str) -> Prefetch:
    return Prefetch("matches", to_attr="shown",
                    queryset=TransactionMatch.objects.filter(state=state)
                    .select_related("invoice", "invoice__client").order_by("pk"))


def _annotate(rows: list[BankTransaction]) -> list[BankTransaction]:
    for row in rows:
        row.reason_texts = describe_all(row.shown[0].reasons if row.shown else [])
        row.confidence = row.shown[0].confidence if row.shown else None
        row.automatic = bool(row.shown) and all(m.automatic for m in row.shown)
        row.by_hand = any(r.get("code") == "assigned_by_hand" for m in row.shown
                          for r in m.reasons)
    return rows


def review(request: HttpRequest) -> HttpResponse:
    mine = BankTransaction.objects.filter(workspace=request.workspace)
    booked = _annotate(list(
        mine.filter(status=Status.MATCHED, matches__state=State.BOOKED).distinct()
        .prefetch_related(_with(State.BOOKED)).order_by("-booking_date", "-pk")[:SHOWN]))
    suggested = _annotate(list(mine.filter(status=Status.SUGGESTED)
                               .prefetch_related(_with(State.SUGGESTED))
                               .order_by("booking_date", "pk")[:SHOWN]))
    # Money going out is no client's payment: it is listed apart, as an expense to put aside
    # or, rarely, a refund to a client, never offered for matching against open invoices.
    unmatched = list(mine.filter(status=Status.UNMATCHED, amount__gte=0)
                     .order_by("booking_date", "pk")[:SHOWN])
    outgoing = list(mine.filter(status=Status.UNMATCHED, amount__lt=0)
                    .order_by("booking_date", "pk")[:SHOWN])
    ignored = list(mine.filter(status=Status.IGNORED).order_by("-booking_date", "-pk")[:SHOWN])
    settings = MatchSettings.objects.filter(workspace=request.workspace).first()
    return render(request, "banking/review.html", {
        "booked": booked, "suggested": suggested, "unmatched": unmatched, "ignored": ignored,
        "outgoing": outgoing,
        "counts": {Status.SUGGESTED: mine.filter(status=Status.SUGGESTED).count(),
                   Status.UNMATCHED: mine.filter(status=Status.UNMATCHED, amount__gte=0).count(),
                   "outgoing": mine.filter(status=Status.UNMATCHED, amount__lt=0).count(),
                   Status.IGNORED: mine.filter(status=Status.IGNORED).count()},
        "threshold": settings.auto_book_threshold if settings else None,
        "settings_form_value": settings.auto_book_threshold if settings else Decimal("0.90"),
    })


def _act(request: HttpRequest, pk: int, action: Callable[[BankTransaction], object],
         done: str) -> HttpResponse:
    row = _get_transaction(request, pk)
    try:
        action(row)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("bank_review:review")


@require_POST
def confirm(request: HttpRequest, transaction_pk: int) -> HttpResponse:
    return _act(request, transaction_pk, lambda row: booking.confirm(row, request.user),
                _("Booked as a payment."))


@require_POST
def reject(request: HttpRequest, transaction_pk: int) -> HttpResponse:
    return _act(request, transaction_pk, lambda row: booking.reject(row, request.user),
                _("Suggestion rejected; the transaction is now among the unmatched."))


@require_POST
def undo(request: HttpRequest, transaction_pk: int) -> HttpResponse:
    return _act(request, transaction_pk, lambda row: booking.undo(row, request.user),
                _("Booking undone; the payment was removed from the invoice."))


@require_POST
def ignore(request: HttpRequest, transaction_pk: int) -> HttpResponse:
    return _act(request, transaction_pk, lambda row: booking.ignore(row, request.user),
                _("Marked as not client-related."))


@require_POST
def unignore(request: HttpRequest, transaction_pk: int) -> HttpResponse:
    return _act(request, transaction_pk, booking.unignore,
                _("Put back among the unmatched transactions."))


@require_POST
def threshold(request: HttpRequest) -> HttpResponse:
    settings, _created = MatchSettings.objects.get_or_create(workspace=request.workspace)
    try:
        value = parse_amount(request.POST.get("auto_book_threshold", ""))
        settings.auto_book_threshold = value
        settings.full_clean(exclude=["workspace"])
    except (InvalidOperation, ValidationError):
        messages.error(request, _("Enter a confidence between 0.50 and 1.00."))
    else:
        settings.save()
        messages.success(request, _("Settings saved."))
    return redirect("bank_review:review")


def _search(request: HttpRequest, row: BankTransaction, query: str) -> list[Invoice]:
    """Invoices in the transaction's currency, by number or client name: the open ones for
    money received, the paid ones for money going back (a refund or a chargeback)."""
    invoices = (Invoice.objects.filter(workspace=request.workspace, currency=row.currency,
                                       state=Invoice.State.ISSUED)
                .exclude(kind=Invoice.Kind.CANCELLATION)
                .select_related("client").order_by("due_date", "pk"))
    if row.amount > 0:
        open_pks = {inv.pk: inv.open_amount for inv in open_invoices(request.workspace.pk)
                    if inv.currency == row.currency}
        invoices = invoices.filter(pk__in=open_pks)
    else:
        invoices = invoices.filter(payments__isnull=False).distinct()
    if query:
        invoices = invoices.filter(Q(number__icontains=query) | Q(client__name__icontains=query))
    found = list(invoices.prefetch_related("payments")[:25])
    for invoice in found:
        invoice.open_amount = invoice.balance()
    return found


def assign(request: HttpRequest, transaction_pk: int) -> HttpResponse:
    """Assign by hand: search open invoices, give each chosen one its share."""
    row = _get_transaction(request, transaction_pk)
    query = request.GET.get("q", "").strip()[:100]
    if request.method == "POST":
        shares, problem = [], None
        for key, value in request.POST.items():
            if not key.startswith("share_") or not value.strip():
                continue
            invoice = get_object_or_404(Invoice, workspace=request.workspace,
                                        pk=key.removeprefix("share_"))
            try:
                shares.append((invoice, parse_amount(value).quantize(Decimal("0.01"))))
            except InvalidOperation:
                problem = _("“%(value)s” is not an amount.") % {"value": value[:30]}
        try:
            if problem:
                raise ValidationError(problem)
            booking.assign(row, shares, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Booked as a payment."))
            return redirect("bank_review:review")
    return render(request, "banking/review_assign.html", {
        "row": row, "query": query, "invoices": _search(request, row, query)})
