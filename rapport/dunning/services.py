"""Deciding which reminder is due, what it charges, and sending it exactly once.

Planning creates outbox rows (one per invoice and level, guarded by a unique constraint);
delivery claims a row with a conditional UPDATE, re-checks that the invoice still needs
it, sends, and marks it sent. Guarantee: at most once. A worker that dies after claiming
leaves the row "being sent"; it is never retried automatically but shown on the dashboard
as "delivery uncertain" with a button to send it again or mark it sent (README).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rapport.audit.record import record
from rapport.billing.documents import render_pdf
from rapport.billing.mailing import reply_to_for
from rapport.billing.models import Invoice
from rapport.billing.portal import portal_link_for
from rapport.clients import outbound
from rapport.clients.models import OutboundMail
from rapport.core import clock, placeholders
from rapport.core.dates import document_date
from rapport.core.models import Workspace
from rapport.core.money import format_money, quantize
from rapport.core.office_hours import is_working_day, next_working_day
from rapport.core.pipeline import follow_up
from rapport.dunning.defaults import default_policy
from rapport.dunning.interest import MissingBaseRate
from rapport.dunning.letters import render_letter
from rapport.dunning.models import (
    DunningLevel,
    DunningPolicy,
    FeeKind,
    PaymentPromise,
    Reminder,
)
from rapport.dunning.position import (
    base_rates,  # noqa: F401 - the screens read them through this module
    charges_interest,
    default_statement,
    earlier_fees,
    open_position,
    terms_for,
)

logger = logging.getLogger(__name__)
FLAT_FEE = Decimal("40.00")  # § 288 (5) BGB, business clients, EUR claims
MIN_DAYS_BETWEEN_LEVELS = 7
STALE_CLAIM = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 6


def policy_for(invoice: Invoice) -> DunningPolicy:
    override = DunningPolicy.objects.filter(client=invoice.client).first()
    return override or default_policy(invoice.workspace)


def needs_reminding(invoice: Invoice) -> bool:
    return (invoice.is_payable
            and invoice.due_date is not None and invoice.balance() > 0)


def pending_promise(invoice: Invoice, today: dt.date) -> PaymentPromise | None:
    return invoice.promises.filter(outcome=PaymentPromise.Outcome.PENDING,
                                   pay_by__gte=today).first()


def blocking_reason(invoice: Invoice, today: dt.date) -> str | None:
    """Why no reminder may go out for this invoice today, in the user's words; or None."""
    if invoice.state == Invoice.State.CANCELLED:
        return _("The invoice was cancelled.")
    if not needs_reminding(invoice):
        return _("Nothing is open on this invoice.")
    if not policy_for(invoice).enabled:
        return _("Automatic reminders are switched off.")
    terms = terms_for(invoice.client)
    if terms.is_paused(today):
        return _("Reminders are paused until %(date)s: %(reason)s") % {
            "date": date_format(terms.paused_until, "SHORT_DATE_FORMAT"),
            "reason": terms.pause_reason or "—"}
    promise = pending_promise(invoice, today)
    if promise:
        return _("The client promised to pay by %(date)s.") % {
            "date": date_format(promise.pay_by, "SHORT_DATE_FORMAT")}
    return None


@dataclass(frozen=True)
class NextStep:
    level: DunningLevel
    on: dt.date
    fee: Decimal
    interest: Decimal
    currency: str


def _levels(invoice: Invoice) -> list[DunningLevel]:
    return list(policy_for(invoice).levels.all())


def next_level(invoice: Invoice, today: dt.date) -> tuple[DunningLevel, dt.date] | None:
    """The first level without a reminder yet, and the earliest day it may go out.

    A note meant for before the due date is passed over once the due date has come.
    """
    done = {r.level_id: r for r in invoice.reminders.select_related("level")}
    previous = None
    for level in _levels(invoice):
        if level.pk in done:
            previous = done[level.pk]
            continue
        if level.delay_days < 0 and today >= invoice.due_date:
            continue
        on = level.send_on(invoice)
        if previous is not None:
            if previous.state not in (Reminder.State.SENT, Reminder.State.SKIPPED):
                return None  # the previous level is still on its way
            if previous.sent_at and previous.level.delay_days >= 0:
                # Notices after the due date are spaced; the friendly note is not counted.
                on = max(on, previous.sent_at.date()
                         + dt.timedelta(days=MIN_DAYS_BETWEEN_LEVELS))
        return level, working_day(invoice.workspace, on)
    return None


def working_day(workspace: Workspace, day: dt.date) -> dt.date:
    """`day`, or the next day the workspace works: no reminder on a Sunday or holiday."""
    holidays = workspace.public_holidays([day.year, day.year + 1])
    return next_working_day(day, workspace.hours_by_weekday, holidays)


def works_on(workspace: Workspace, day: dt.date) -> bool:
    return is_working_day(day, workspace.hours_by_weekday, workspace.public_holidays(day.year))


def next_step(invoice: Invoice, today: dt.date | None = None) -> NextStep | None:
    today = today or clock.today()
    found = next_level(invoice, today)
    if found is None or not needs_reminding(invoice):
        return None
    level, on = found
    on = max(on, today)
    # A promise or a pause moves the next reminder to the day after it ends.
    promise = pending_promise(invoice, today)
    if promise:
        on = max(on, promise.pay_by + dt.timedelta(days=1))
    terms = terms_for(invoice.client)
    if terms.is_paused(today):
        on = max(on, terms.paused_until + dt.timedelta(days=1))
    on = working_day(invoice.workspace, on)
    fee, interest, _lines = charges(invoice, level, on)
    return NextStep(level, on, fee, interest, invoice.currency)


def charges(invoice: Invoice, level: DunningLevel, on: dt.date
            ) -> tuple[Decimal, Decimal, list[str]]:
    """(new fee, interest to date, explanation lines) for a level sent on `on`."""
    language = invoice.language
    with translation.override(language):
        if level.fee_kind == FeeKind.NONE:
            return Decimal("0.00"), Decimal("0.00"), []
        terms = terms_for(invoice.client)
        if not terms.fees_allowed_for(invoice):
            return Decimal("0.00"), Decimal("0.00"), [
                _("No late fees: none were agreed for this invoice.")]
        open_amount = invoice.balance()
        if level.fee_kind == FeeKind.FIXED:
            fee = quantize(level.fee_value, invoice.currency)
            return fee, Decimal("0.00"), [
                _("Reminder fee: %(fee)s") % {"fee": format_money(fee, invoice.currency,
                                                                  language)}]
        if level.fee_kind == FeeKind.PERCENT:
            fee = quantize(open_amount * level.fee_value / 100, invoice.currency)
            return fee, Decimal("0.00"), [
                _("Late fee: %(percent)s %% of %(amount)s = %(fee)s") % {
                    "percent": level.fee_value.normalize(),
                    "amount": format_money(open_amount, invoice.currency, language),
                    "fee": format_money(fee, invoice.currency, language)}]
        try:
            statement = default_statement(invoice, on)
        except MissingBaseRate:
            # The client's letter says nothing about it; the freelancer sees the to-do
            # next to the invoice's reminders (see missing_base_rate).
            interest, lines = Decimal("0.00"), []
        else:
            interest, lines = statement.interest_total, statement.explain(language)
        fee = Decimal("0.00")
        flat_charged = invoice.reminders.filter(
            level__fee_kind=FeeKind.STATUTORY, fee_amount__gt=0,
        ).exclude(state=Reminder.State.SKIPPED).exists()
        if terms.is_business and invoice.currency == "EUR" and not flat_charged:
            fee = FLAT_FEE
            lines.append(_("Flat fee for business clients (§ 288 (5) BGB): %(fee)s") % {
                "fee": format_money(fee, "EUR", language)})
        return fee, interest, lines


def missing_base_rate(invoice: Invoice, on: dt.date,
                      level: DunningLevel | None = None) -> dt.date | None:
    """The half-year whose base rate is missing, if that stops interest on this invoice.

    An internal to-do for the freelancer's screen, never for the client's documents.
    """
    if not charges_interest(invoice, level) or not invoice.due_date or on <= invoice.due_date:
        return None
    try:
        default_statement(invoice, on)
    except MissingBaseRate as missing:
        return missing.valid_from
    return None


def recipients_for(invoice: Invoice) -> list[str]:
    addresses = [a for c in invoice.client.contacts.prefetch_related("emails")
                 for a in c.addresses()]
    if not addresses and invoice.buyer.get("email"):
        addresses = [invoice.buyer["email"]]
    return addresses[:3]


# What a reminder text may contain; the level form refuses anything else.
PLACEHOLDERS = ("client", "number", "issue_date", "due_date", "amount", "open_amount",
                "charges", "total", "new_deadline", "portal_link", "seller")


def text_problems(level: DunningLevel, language: str) -> list[str]:
    """What is wrong with the placeholders of a level's text (empty when it is fine)."""
    return placeholders.problems(level.body(language), PLACEHOLDERS)


def compose(invoice: Invoice, level: DunningLevel, on: dt.date, fee: Decimal,
            interest: Decimal, lines: list[str]) -> tuple[str, str, dt.date | None]:
    """The exact subject and text of the email, in the client's language."""
    language, currency = invoice.language, invoice.currency
    deadline = on + dt.timedelta(days=level.deadline_days) if level.deadline_days else None
    link = portal_link_for(invoice)
    position = open_position(invoice, on, fee, charges_interest(invoice, level))
    with translation.override(language):
        date = lambda d: document_date(d, language)  # noqa: E731
        open_amount = position.principal
        values = dict(
            client=invoice.buyer.get("name", ""), number=invoice.number,
            issue_date=date(invoice.issue_date), due_date=date(invoice.due_date),
            amount=format_money(invoice.amount_due, currency, language),
            open_amount=format_money(open_amount, currency, language),
            charges=_charges_summary(invoice, on, fee + _openearlier_fees(invoice), interest),
            total=format_money(position.total, currency, language),
            new_deadline=date(deadline) if deadline else "",
            portal_link=f"{settings.BASE_URL}{link.get_absolute_url()}",
            seller=invoice.seller.get("name", ""),
        )
        subject = _("%(title)s: invoice %(number)s") % {
            "title": " ".join(level.title(language).split()),  # one line, also if stored so
            "number": invoice.number}
    return subject, placeholders.render(level.body(language), values), deadline


def _charges_summary(invoice: Invoice, on: dt.date, fee: Decimal, interest: Decimal) -> str:
    """One short line for the email; the letter (PDF) shows the full calculation."""
    language, currency = invoice.language, invoice.currency
    parts = []
    if interest:
        parts.append(_("default interest until %(date)s: %(amount)s") % {
            "date": document_date(on, language),
            "amount": format_money(interest, currency, language)})
    if fee:
        parts.append(_("fees: %(amount)s") % {"amount": format_money(fee, currency, language)})
    if not parts:
        return _("no charges")
    return "; ".join(parts) + " " + _("(calculation in the attached letter)")


def _openearlier_fees(invoice: Invoice) -> Decimal:
    return sum((fee for _d, fee, _t in earlier_fees(invoice)), Decimal("0.00"))


def plan(today: dt.date | None = None, workspace: Workspace | None = None,
         invoice: Invoice | None = None) -> list[Reminder]:
    """Create the outbox rows for every reminder due today (of one invoice, if given);
    safe to run concurrently."""
    today = today or clock.today()
    created = []
    invoices = (Invoice.objects.filter(state=Invoice.State.ISSUED, due_date__isnull=False)
                .exclude(kind=Invoice.Kind.CANCELLATION)
                .select_related("client", "workspace").prefetch_related("payments"))
    if workspace is not None:
        invoices = invoices.filter(workspace=workspace)
    if invoice is not None:
        invoices = invoices.filter(pk=invoice.pk)
    working: dict[int, bool] = {}
    for candidate in invoices:
        if candidate.workspace_id not in working:
            working[candidate.workspace_id] = works_on(candidate.workspace, today)
        if not working[candidate.workspace_id]:
            continue
        try:
            reminder = _plan_one(candidate, today)
        except Exception:  # one broken invoice must not stop the reminders of the others
            logger.exception("Planning the reminder of invoice %s failed", candidate.pk)
            continue
        if reminder:
            created.append(reminder)
    return created


def _plan_one(invoice: Invoice, today: dt.date) -> Reminder | None:
    if blocking_reason(invoice, today):
        return None
    found = next_level(invoice, today)
    if found is None or found[1] > today:
        return None
    return _create(invoice, found[0], today)


def _held_for_text(level: DunningLevel, language: str) -> str:
    """Why a reminder is held back: its level's text has broken placeholders."""
    found = text_problems(level, language)
    if not found:
        return ""
    return _("Held back: the text of “%(title)s” has a placeholder problem (%(problem)s). "
             "Fix it in the reminder settings, then send again.") % {
        "title": level.title(language), "problem": " ".join(found)}


def _create(invoice: Invoice, level: DunningLevel, today: dt.date) -> Reminder | None:
    fee, interest, lines = charges(invoice, level, today)
    subject, body, deadline = compose(invoice, level, today, fee, interest, lines)
    held = _held_for_text(level, invoice.language)
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                workspace=invoice.workspace, invoice=invoice, level=level,
                title=level.title(invoice.language), due_on=today,
                recipients=recipients_for(invoice), subject=subject, body=body,
                fee_amount=fee, interest_amount=interest, fee_explanation=lines,
                new_deadline=deadline,
                # A broken text is never mailed to the client; the user sees why.
                state=Reminder.State.FAILED if held else Reminder.State.PENDING,
                last_error=held,
            )
    except IntegrityError:
        return None  # another worker planned it a moment ago


def due_for_delivery(now: dt.datetime | None = None, workspace: Workspace | None = None,
                     invoice: Invoice | None = None) -> list[int]:
    now = now or clock.now()
    rows = Reminder.objects.filter(
        Q(state=Reminder.State.PENDING)
        | Q(state=Reminder.State.FAILED, next_attempt_at__lte=now)
    )
    if workspace is not None:
        rows = rows.filter(workspace=workspace)
    if invoice is not None:
        rows = rows.filter(invoice=invoice)
    return list(rows.values_list("pk", flat=True))


def run_now(workspace: Workspace, invoice: Invoice | None = None) -> tuple[int, int]:
    """Plan and send this workspace's due reminders (or one invoice's) in this process."""
    resolve_promises()
    planned = plan(workspace=workspace, invoice=invoice)
    sent = sum(deliver(pk) == Reminder.State.SENT
               for pk in due_for_delivery(workspace=workspace, invoice=invoice))
    return len(planned), sent


def claim(reminder_id: int, now: dt.datetime) -> bool:
    """Take the row for this worker; exactly one concurrent caller gets True."""
    return bool(Reminder.objects.filter(
        Q(state=Reminder.State.PENDING)
        | Q(state=Reminder.State.FAILED, next_attempt_at__lte=now),
        pk=reminder_id,
    ).update(state=Reminder.State.SENDING, claimed_at=now))


def deliver(reminder_id: int, now: dt.datetime | None = None) -> str:
    """Send one reminder if it is still wanted; returns the resulting state."""
    now = now or clock.now()
    if not claim(reminder_id, now):
        return "not-claimed"
    reminder = Reminder.objects.select_related("invoice", "invoice__client").get(pk=reminder_id)
    invoice = Invoice.objects.prefetch_related("payments").get(pk=reminder.invoice_id)
    reason = blocking_reason(invoice, timezone_date(now))
    if reason or not reminder.recipients:
        reminder.state = Reminder.State.SKIPPED
        reminder.skip_reason = reason or _("The client has no email address.")
        reminder.save(update_fields=["state", "skip_reason"])
        return reminder.state
    try:
        _send(reminder, invoice)
    except Exception as exc:  # noqa: BLE001 - any SMTP failure is retried, never dropped
        reminder.attempts += 1
        reminder.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        reminder.state = Reminder.State.FAILED
        reminder.next_attempt_at = now + dt.timedelta(minutes=5 * 2 ** reminder.attempts)
        if reminder.attempts >= MAX_ATTEMPTS:
            reminder.next_attempt_at = None  # shown on the dashboard; sent again by hand
        reminder.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
        logger.warning("Reminder %s failed: %s", reminder_id, exc)
        return reminder.state
    Reminder.objects.filter(pk=reminder_id).update(state=Reminder.State.SENT, sent_at=now,
                                                   last_error="")
    _record_sent(reminder, invoice, now)
    return Reminder.State.SENT


def _record_sent(reminder: Reminder, invoice: Invoice, when: dt.datetime) -> None:
    """The audit entry of a reminder marked sent (an update, which sends no model signal)."""
    record(reminder.workspace_id, reminder, "reminder.sent",
           before={"state": Reminder.State.SENDING},
           after={"state": Reminder.State.SENT, "sent_at": when},
           label=reminder.title, parent=invoice)


def timezone_date(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def _send(reminder: Reminder, invoice: Invoice) -> None:
    # Reminders go only to the client's own addresses (see recipients_for), under the
    # workspace's name; they are counted, not held, by the hourly limit.
    message = EmailMessage(subject=reminder.subject, body=reminder.body,
                           from_email=outbound.from_address(invoice.workspace),
                           to=reminder.recipients, reply_to=reply_to_for(invoice) or None)
    message.attach(f"{invoice.number}.pdf", render_pdf(invoice), "application/pdf")
    if reminder.charged_total > 0:
        message.attach(f"{invoice.number}-{reminder.level.position}.pdf",
                       render_letter(reminder), "application/pdf")
    outbound.send(message, workspace=invoice.workspace, kind=OutboundMail.Kind.REMINDER)


def uncertain(workspace: Workspace, now: dt.datetime | None = None):  # noqa: ANN201
    """Rows a worker claimed and never finished: maybe sent, maybe not."""
    now = now or clock.now()
    return Reminder.objects.filter(workspace=workspace, state=Reminder.State.SENDING,
                                   claimed_at__lt=now - STALE_CLAIM)


def resend(reminder: Reminder) -> None:
    """The documented manual retry path for a failed or uncertain reminder.

    A reminder held back for a broken text takes the level's current (fixed) text; while
    the text is still broken it stays held.
    """
    if reminder.state == Reminder.State.FAILED and reminder.attempts == 0:
        invoice = reminder.invoice
        held = _held_for_text(reminder.level, invoice.language)
        if held:
            Reminder.objects.filter(pk=reminder.pk).update(last_error=held)
            return
        _subject, body, _deadline = compose(invoice, reminder.level, reminder.due_on,
                                            reminder.fee_amount, reminder.interest_amount,
                                            reminder.fee_explanation)
        Reminder.objects.filter(pk=reminder.pk).update(body=body, last_error="")
    Reminder.objects.filter(pk=reminder.pk, state__in=[
        Reminder.State.SENDING, Reminder.State.FAILED,
    ]).update(state=Reminder.State.PENDING, next_attempt_at=None, attempts=0)


def mark_sent(reminder: Reminder, now: dt.datetime | None = None) -> None:
    when = reminder.claimed_at or now or clock.now()
    if Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.SENDING).update(
            state=Reminder.State.SENT, sent_at=when):
        _record_sent(reminder, reminder.invoice, when)


def resolve_promises(today: dt.date | None = None) -> int:
    """Mark kept and broken promises: facts the health view reads later."""
    today = today or clock.today()
    changed = 0
    for promise in PaymentPromise.objects.filter(outcome=PaymentPromise.Outcome.PENDING
                                                 ).select_related("invoice"):
        try:
            with transaction.atomic():
                changed += _resolve(promise, today)
        except Exception:  # one broken promise must not stop the reminders of everyone
            logger.exception("Resolving payment promise %s failed", promise.pk)
    return changed


def _resolve(promise: PaymentPromise, today: dt.date) -> int:
    paid_on = promise.invoice.paid_on()
    if paid_on and paid_on <= promise.pay_by:
        promise.outcome, promise.resolved_on = PaymentPromise.Outcome.KEPT, paid_on
    elif today > promise.pay_by:
        promise.outcome, promise.resolved_on = PaymentPromise.Outcome.BROKEN, today
    else:
        return 0
    promise.save(update_fields=["outcome", "resolved_on"])
    return 1


def record_promise(invoice: Invoice, pay_by: dt.date, note: str = "",
                   today: dt.date | None = None) -> PaymentPromise:
    today = today or clock.today()
    promise = PaymentPromise.objects.create(workspace=invoice.workspace, invoice=invoice,
                                            promised_on=today, pay_by=pay_by, note=note)
    follow_up(invoice.workspace_id, [invoice.client_id])
    return promise


def reminder_summary(workspace: Workspace, now: dt.datetime | None = None,
                     limit: int | None = None) -> dict[str, object]:
    """For the dashboard: what went out this week, and what needs the user's attention
    (with `limit`, the newest `limit` failed reminders and how many more failed).

    One query counts all three; the failed and uncertain rows are read only when there
    are some, so a quiet workspace costs the dashboard a single query."""
    now = now or clock.now()
    week_ago = now - dt.timedelta(days=7)
    state = Reminder.State
    stale = uncertain(workspace, now)
    counts = Reminder.objects.filter(workspace=workspace).aggregate(
        failed=Count("pk", filter=Q(state=state.FAILED)),
        sent=Count("pk", filter=Q(state=state.SENT, sent_at__gte=week_ago)),
        uncertain=Count("pk", filter=Q(state=state.SENDING,
                                       claimed_at__lt=now - STALE_CLAIM)))
    failed = (Reminder.objects.filter(workspace=workspace, state=state.FAILED)
              .select_related("invoice", "level").order_by("-pk"))
    shown = (list(failed[:limit] if limit is not None else failed) if counts["failed"]
             else [])
    more = counts["failed"] - len(shown) if limit is not None and len(shown) == limit else 0
    return {
        "sent_this_week": counts["sent"],
        "failed": shown,
        "more_failed": more,
        "uncertain": list(stale.select_related("invoice")) if counts["uncertain"] else [],
    }
