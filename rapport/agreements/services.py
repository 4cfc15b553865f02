"""Proposals from template to contract: versions, portal acceptance and its consequences."""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.agreements import deadlines
from rapport.agreements.models import (
    Acceptance,
    AgreementLink,
    ChangeOrder,
    Comment,
    Contract,
    InputReceipt,
    Proposal,
    ProposalTemplate,
    ProposalVersion,
    sha256_of,
)
from rapport.audit.record import record
from rapport.billing.models import Invoice, InvoiceLine
from rapport.billing.services import add_line, create_deposit_invoice, new_draft
from rapport.clients.models import Client, Project
from rapport.core import clock
from rapport.core.choices import Channel, Weekday
from rapport.core.dates import document_date, short_date
from rapport.core.models import Workspace
from rapport.dunning.models import LateFeesSource
from rapport.dunning.services import terms_for

logger = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
LINK_DAYS_AFTER_VALIDITY = 60
VALID_DAYS = 14  # how long a new (or renewed) offer stands unless the freelancer says otherwise


class AcceptanceRefused(Exception):
    """The client may not accept this document (any more); the message says why."""


# -- content -------------------------------------------------------------------------------

def shipped_template(language: str) -> dict:
    language = language if language in ("de", "en") else "en"
    return json.loads((DATA / f"template.{language}.json").read_text(encoding="utf-8"))


def office_hours_text(workspace: Workspace, language: str) -> str:
    """"Montag: 09:00–12:30, …" in the proposal's `language`: it is the client's text."""
    parts = []
    with translation.override(language):
        for day, ranges in workspace.hours_by_weekday.items():
            if ranges:
                parts.append(f"{Weekday(day).label}: " + ", ".join(str(r) for r in ranges))
    return "; ".join(parts)


def prefill(content: dict, workspace: Workspace, today: dt.date, language: str) -> dict:
    """Office hours (in `language`), time zone, channels and call limit from the workspace;
    dates from today."""
    content = copy.deepcopy(content)
    when = content.setdefault("when", {})
    when["office_hours"] = when.get("office_hours") or office_hours_text(workspace, language)
    when["time_zone"] = when.get("time_zone") or workspace.time_zone
    when["channels"] = when.get("channels") or list(workspace.preferred_channels or [])
    if when.get("max_calls_per_week") is None:
        when["max_calls_per_week"] = workspace.max_calls_per_week
    start = deadlines.add_working_days(today + dt.timedelta(days=14), 0,
                                       deadlines.holidays_for(workspace, [today.year,
                                                                          today.year + 1]))
    for item in when.get("milestones", []):
        if not item.get("after") and not item.get("date"):
            item["date"] = start.isoformat()
    term = content.setdefault("term", {})
    if not term.get("start"):
        term["start"] = start.isoformat()
    if not term.get("rate_review_on") and term.get("months"):
        term["rate_review_on"] = add_months(start, int(term["months"])).isoformat()
    return content


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def milestones_of(content: dict) -> list[deadlines.Milestone]:
    return [deadlines.Milestone.from_dict(m) for m in content.get("when", {}).get("milestones", [])]


def planned_schedule(workspace: Workspace, content: dict, *, received: dict | None = None,
                     today: dt.date | None = None) -> list[deadlines.Scheduled]:
    milestones = milestones_of(content)
    years = {m.date.year for m in milestones if m.date} or {clock.today().year}
    years |= {y + 1 for y in years}
    if today:
        years |= {today.year, today.year + 1}
    return deadlines.schedule(milestones, received=received, today=today,
                              holidays=deadlines.holidays_for(workspace, years))


def decimal_or_none(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def new_proposal(workspace: Workspace, client: Client, *, title: str,
                 template: ProposalTemplate | None = None, language: str | None = None,
                 project: Project | None = None, valid_days: int = VALID_DAYS) -> Proposal:
    language = language or (template.language if template else client.language)
    content = template.content if template else shipped_template(language)
    today = clock.today()
    return Proposal.objects.create(
        workspace=workspace, client=client, project=project, title=title, language=language,
        valid_until=today + dt.timedelta(days=valid_days),
        content=prefill(content, workspace, today, language),
    )


def save_as_template(proposal: Proposal, name: str) -> ProposalTemplate:
    return ProposalTemplate.objects.create(workspace=proposal.workspace, name=name,
                                           language=proposal.language,
                                           content=copy.deepcopy(proposal.content))


# -- rendering and versions ----------------------------------------------------------------

def document_context(workspace: Workspace, client: Client, title: str, content: dict,
                     language: str, valid_until: dt.date | None) -> dict:
    cost = content.get("cost", {})
    return {
        "workspace": workspace, "client": client, "title": title, "c": content,
        "language": language, "valid_until": valid_until,
        "schedule": planned_schedule(workspace, content),
        "channels": [Channel(v).label for v in content.get("when", {}).get("channels", [])
                     if v in Channel.values],
        "currency": cost.get("currency") or "EUR",
        "term_start": _date(content.get("term", {}).get("start")),
        "rate_review": _date(content.get("term", {}).get("rate_review_on")),
        "rate_label": dict(RATE_LABELS).get(cost.get("rate_type"), ""),
    }


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


RATE_LABELS = [("fixed", gettext_lazy("Fixed price")), ("daily", gettext_lazy("Daily rate")),
               ("weekly", gettext_lazy("Weekly rate")), ("monthly", gettext_lazy("Monthly rate")),
               ("hourly", gettext_lazy("Hourly rate"))]


def render_html(proposal: Proposal, content: dict | None = None) -> str:
    content = proposal.content if content is None else content
    with translation.override(proposal.language):
        return render_to_string("agreements/_document.html", document_context(
            proposal.workspace, proposal.client, proposal.title, content, proposal.language,
            proposal.valid_until))


@transaction.atomic
def snapshot(proposal: Proposal) -> ProposalVersion:
    """The current content as a new immutable version, unless the last one is identical."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    latest = proposal.current_version
    html = render_html(proposal)
    if latest and latest.html == html:
        return latest
    return ProposalVersion.objects.create(
        workspace=proposal.workspace, proposal=proposal,
        number=(latest.number + 1) if latest else 1,
        content=copy.deepcopy(proposal.content), html=html)


def update_content(proposal: Proposal, content: dict, **fields: object) -> ProposalVersion | None:
    """Save edits; once the client has seen the proposal, the edit becomes a new version."""
    if proposal.status == Proposal.Status.ACCEPTED:
        raise AcceptanceRefused(_("An accepted proposal cannot be edited; use a change order."))
    _refuse_withdrawn(proposal)
    proposal.content = content
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.save()
    if proposal.status == Proposal.Status.DRAFT:
        return None
    version = snapshot(proposal)
    if proposal.status in (Proposal.Status.CHANGES_REQUESTED, Proposal.Status.EXPIRED) \
            and not proposal.is_expired():
        proposal.status = Proposal.Status.SENT
        proposal.save(update_fields=["status"])
    return version


@transaction.atomic
def send(proposal: Proposal) -> AgreementLink:
    _refuse_withdrawn(proposal)
    refusal = sending_refused(proposal)
    if refusal:
        raise AcceptanceRefused(refusal)
    snapshot(proposal)
    if proposal.status == Proposal.Status.DRAFT:
        proposal.status = Proposal.Status.SENT
        proposal.save(update_fields=["status"])
    link = proposal.links.filter(revoked_at__isnull=True,
                                 expires_at__gt=clock.now()).first()
    return link or AgreementLink.objects.create(
        workspace=proposal.workspace, proposal=proposal,
        expires_at=clock.now() + dt.timedelta(
            days=max(1, (proposal.valid_until - clock.today()).days) + LINK_DAYS_AFTER_VALIDITY))


def revoke(link: AgreementLink) -> None:
    AgreementLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now())


def request_changes(proposal: Proposal, version: ProposalVersion, name: str, text: str) -> Comment:
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise AcceptanceRefused(_("This proposal was withdrawn."))
    if not text.strip():
        raise AcceptanceRefused(_("Please describe the change you would like."))
    comment = Comment.objects.create(workspace=proposal.workspace, proposal=proposal,
                                     version=version, name=name.strip()[:200], text=text.strip())
    if proposal.status == Proposal.Status.SENT:
        proposal.status = Proposal.Status.CHANGES_REQUESTED
        proposal.save(update_fields=["status"])
    return comment


def expire_offers(workspace: Workspace | None = None, today: dt.date | None = None) -> int:
    """Mark open offers past their validity date as expired (all workspaces without one).

    Idempotent: only open offers change, so the periodic task and page reads can both call it.
    """
    today = today or clock.today()
    offers = Proposal.objects.filter(
        valid_until__lt=today,
        status__in=[Proposal.Status.SENT, Proposal.Status.CHANGES_REQUESTED])
    if workspace is not None:
        with transaction.atomic():
            return _expire(offers.filter(workspace=workspace))
    expired = 0
    for workspace_id in set(offers.values_list("workspace_id", flat=True)):
        try:
            with transaction.atomic():
                expired += _expire(offers.filter(workspace_id=workspace_id))
        except Exception:  # one workspace's failure must not keep others' offers open
            logger.exception("Expiring the offers of workspace %s failed", workspace_id)
    return expired


def _expire(offers: QuerySet[Proposal]) -> int:
    """Mark these offers expired (inside a transaction) and record each in the audit log."""
    rows = list(offers.select_for_update().values_list("pk", "workspace_id", "title", "status"))
    changed = Proposal.objects.filter(pk__in=[row[0] for row in rows]).update(
        status=Proposal.Status.EXPIRED)
    for pk, workspace_id, title, status in rows:
        record(workspace_id, Proposal(pk=pk), "proposal.expired", before={"status": status},
               after={"status": Proposal.Status.EXPIRED}, label=title)
    return changed


def _refuse_withdrawn(proposal: Proposal) -> None:
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise AcceptanceRefused(_("A withdrawn proposal cannot be changed or sent again; "
                                  "write a new one."))


def sending_refused(proposal: Proposal) -> str:
    """Why this proposal cannot be sent now, or "" if it can: an expired offer would reach
    the client only to say that it cannot be accepted."""
    if proposal.status == Proposal.Status.EXPIRED or (
            proposal.status in Proposal.SENDABLE and proposal.is_expired()):
        return _("This offer expired on %(date)s. Give it a new validity date before "
                 "sending it again.") % {"date": short_date(proposal.valid_until)}
    return ""


def withdrawal_refused(proposal: Proposal) -> str:
    """Why this proposal cannot be withdrawn, or "" if it can."""
    if proposal.status == Proposal.Status.ACCEPTED:
        return _("The client has already accepted this proposal, so it is a binding contract "
                 "and cannot be withdrawn.")
    if proposal.status == Proposal.Status.WITHDRAWN:
        return _("This proposal was withdrawn.")
    if proposal.status == Proposal.Status.EXPIRED:
        return _("This offer has already expired, so the client can no longer accept it.")
    if proposal.status not in Proposal.WITHDRAWABLE:
        return _("Only a proposal that was sent to the client can be withdrawn.")
    return ""


@transaction.atomic
def withdraw(proposal: Proposal, reason: str = "") -> Proposal:
    """Take back a sent offer: the portal link stays, but only to say it was withdrawn.

    The reason is the freelancer's own record; the client is not shown it.
    """
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != Proposal.Status.WITHDRAWN:
        refusal = withdrawal_refused(locked)
        if refusal:
            raise AcceptanceRefused(refusal)
        locked.status = Proposal.Status.WITHDRAWN
        locked.withdrawn_at = clock.now()
        locked.withdrawal_reason = reason.strip()
        locked.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
    proposal.refresh_from_db(fields=["status", "withdrawn_at", "withdrawal_reason"])
    return proposal


# -- acceptance ----------------------------------------------------------------------------

@dataclass
class Evidence:
    name: str
    agreed: bool
    ip_address: str | None
    user_agent: str


def _check_evidence(evidence: Evidence) -> None:
    if not evidence.name.strip():
        raise AcceptanceRefused(_("Please type your full name."))
    if not evidence.agreed:
        raise AcceptanceRefused(_("Please tick the box to confirm that you accept."))


@transaction.atomic
def accept(proposal: Proposal, version_number: int, sha256: str, evidence: Evidence) -> Contract:
    """Accept exactly the version shown; refuse old versions, expired offers and repeats."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == Proposal.Status.ACCEPTED:
        raise AcceptanceRefused(_("This proposal has already been accepted."))
    if proposal.status in (Proposal.Status.DECLINED, Proposal.Status.WITHDRAWN):
        raise AcceptanceRefused(_("This proposal was withdrawn."))
    if proposal.is_expired(clock.today()):
        raise AcceptanceRefused(_("This offer expired on %(date)s.")
                                % {"date": short_date(proposal.valid_until)})
    latest = proposal.current_version
    version = proposal.versions.filter(number=version_number).first()
    if version is None or latest is None:
        raise AcceptanceRefused(_("This version does not exist."))
    if version.pk != latest.pk:
        raise AcceptanceRefused(_("A newer version of this proposal exists. Please read and "
                                  "accept the current version."))
    if sha256 != version.sha256 or sha256_of(version.html) != version.sha256:
        raise AcceptanceRefused(_("The document changed while you were reading it. Please "
                                  "reload the page."))
    _check_evidence(evidence)
    Acceptance.objects.create(
        workspace=proposal.workspace, version=version, name=evidence.name.strip()[:200],
        accepted_at=clock.now(), ip_address=evidence.ip_address,
        user_agent=evidence.user_agent[:1000], sha256=version.sha256)
    proposal.status = Proposal.Status.ACCEPTED
    proposal.save(update_fields=["status"])
    return apply_acceptance(proposal, version)


_RATE_TYPES = {"fixed": Project.RateType.FIXED, "daily": Project.RateType.DAILY,
               "weekly": Project.RateType.DAILY, "monthly": Project.RateType.RETAINER,
               "retainer": Project.RateType.RETAINER, "hourly": Project.RateType.HOURLY}


def apply_acceptance(proposal: Proposal, version: ProposalVersion) -> Contract:
    """The project with its dates, the deposit draft, late-fee date, communication terms."""
    content, client, workspace = version.content, proposal.client, proposal.workspace
    accepted_on = timezone.localdate(version.acceptance.accepted_at)
    cost, when, term = content.get("cost", {}), content.get("when", {}), content.get("term", {})
    sched = planned_schedule(workspace, content)
    start = (dt.date.fromisoformat(term["start"]) if term.get("start")
             else min((s.planned for s in sched), default=accepted_on))
    end = max((s.planned for s in sched), default=None)
    if term.get("months"):
        end = max(end or start, add_months(start, int(term["months"])))
    rate_review = dt.date.fromisoformat(term["rate_review_on"]) if term.get("rate_review_on") \
        else end
    project = proposal.project or Project(workspace=workspace, client=client)
    project.name = project.name or proposal.title
    project.start_date, project.end_date = start, end
    project.rate_type = _RATE_TYPES.get(cost.get("rate_type"), Project.RateType.FIXED)
    project.amount = decimal_or_none(cost.get("amount")) or Decimal("0.00")
    project.currency = cost.get("currency") or project.currency or "EUR"
    if project.status == Project.Status.PLANNED or not project.pk:
        project.status = Project.Status.ACTIVE
    if not project.description:
        project.description = "\n".join(
            f"{s.milestone.label}: {document_date(s.planned, proposal.language)}"
            for s in sched)
    project.save()
    if proposal.project_id != project.pk:
        proposal.project = project
        proposal.save(update_fields=["project"])
    contract = Contract.objects.create(
        workspace=workspace, proposal=proposal, version=version, client=client,
        project=project, start_date=start, end_date=end, rate_review_on=rate_review,
        time_zone=when.get("time_zone", ""), office_hours=when.get("office_hours", ""),
        channels=list(when.get("channels") or []),
        max_calls_per_week=when.get("max_calls_per_week"),
        response_time=when.get("response_time", ""))
    deposit = decimal_or_none(cost.get("deposit_percent"))
    has_deposit = project.invoices.filter(kind=Invoice.Kind.DEPOSIT).exclude(
        state=Invoice.State.CANCELLED).exists()
    if deposit and deposit > 0 and project.amount > 0 and not has_deposit:
        create_deposit_invoice(project, deposit)
    if cost.get("late_fees"):
        terms = terms_for(client)
        if not terms.late_fees_since or terms.late_fees_source != LateFeesSource.AGREED:
            terms.late_fees_since, terms.late_fees_source = accepted_on, LateFeesSource.AGREED
            terms.save(update_fields=["late_fees_since", "late_fees_source"])
    channels = [c for c in contract.channels if c in Channel.values]
    if channels and client.preferred_channel != channels[0]:
        client.preferred_channel = channels[0]
        client.save(update_fields=["preferred_channel"])
    if client.status == Client.Status.PROSPECT:
        client.change_status(Client.Status.ACTIVE, on=accepted_on,
                             reason=_("Accepted the proposal “%(title)s”.")
                             % {"title": proposal.title})
    return contract


def countersign(contract: Contract, name: str) -> Contract:
    if not contract.countersigned_at:
        contract.countersigned_at, contract.countersigned_by = clock.now(), name.strip()
        contract.save(update_fields=["countersigned_at", "countersigned_by"])
    return contract


def contract_schedule(contract: Contract,
                      today: dt.date | None = None) -> list[deadlines.Scheduled]:
    received = {r.label: r.received_on for r in contract.inputs.all()}
    return planned_schedule(contract.workspace, contract.version.content, received=received,
                            today=today or clock.today())


def record_input(contract: Contract, label: str, received_on: dt.date) -> None:
    labels = {m.label for m in milestones_of(contract.version.content)
              if m.party == deadlines.CLIENT}
    if label not in labels:
        raise AcceptanceRefused(_("Unknown client input."))
    InputReceipt.objects.update_or_create(
        contract=contract, label=label,
        defaults={"workspace": contract.workspace, "received_on": received_on})


# -- change orders -------------------------------------------------------------------------

def new_change_order(contract: Contract, description: str, price: Decimal | str,
                     new_end_date: dt.date | None) -> ChangeOrder:
    if not description.strip():
        raise AcceptanceRefused(_("Describe what changes."))
    return ChangeOrder.objects.create(workspace=contract.workspace, contract=contract,
                                      description=description.strip(), price=Decimal(price),
                                      new_end_date=new_end_date)


@transaction.atomic
def send_change_order(change: ChangeOrder) -> AgreementLink:
    change = ChangeOrder.objects.select_for_update().get(pk=change.pk)
    if change.status == ChangeOrder.Status.DRAFT:
        proposal = change.contract.proposal
        with translation.override(proposal.language):
            change.html = render_to_string("agreements/_change_order.html", {
                "change": change, "contract": change.contract, "proposal": proposal,
                "workspace": change.workspace,
                "currency": change.contract.version.content.get("cost", {}).get("currency")
                or "EUR"})
        change.sha256 = sha256_of(change.html)
        change.status = ChangeOrder.Status.SENT
        change.save(update_fields=["html", "sha256", "status"])
    link = change.links.filter(revoked_at__isnull=True, expires_at__gt=clock.now()).first()
    return link or AgreementLink.objects.create(
        workspace=change.workspace, change_order=change,
        expires_at=clock.now() + dt.timedelta(days=30))


@transaction.atomic
def accept_change_order(change: ChangeOrder, sha256: str, evidence: Evidence) -> ChangeOrder:
    change = ChangeOrder.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeOrder.Status.SENT:
        raise AcceptanceRefused(_("This change order cannot be accepted (any more)."))
    if sha256 != change.sha256 or sha256_of(change.html) != change.sha256:
        raise AcceptanceRefused(_("The document changed while you were reading it. Please "
                                  "reload the page."))
    _check_evidence(evidence)
    Acceptance.objects.create(
        workspace=change.workspace, change_order=change, name=evidence.name.strip()[:200],
        accepted_at=clock.now(), ip_address=evidence.ip_address,
        user_agent=evidence.user_agent[:1000], sha256=change.sha256)
    contract = change.contract
    if change.price > 0:
        invoice = Invoice.objects.filter(
            workspace=change.workspace, client=contract.client, project=contract.project,
            kind=Invoice.Kind.STANDARD, state=Invoice.State.DRAFT).first()
        invoice = invoice or new_draft(change.workspace, contract.client,
                                       project=contract.project)
        with translation.override(invoice.language):
            label = _("Change order: %(what)s") % {"what": change.description[:150]}
        add_line(invoice, label, 1, change.price, unit=InvoiceLine.Unit.FLAT)
        change.invoice = invoice
    if change.new_end_date:
        contract.end_date = change.new_end_date
        contract.save(update_fields=["end_date"])
        if contract.project and (not contract.project.start_date
                                 or contract.project.start_date <= change.new_end_date):
            contract.project.end_date = change.new_end_date
            contract.project.save(update_fields=["end_date"])
    change.status = ChangeOrder.Status.ACCEPTED
    change.save(update_fields=["status", "invoice"])
    return change


# -- reminders -----------------------------------------------------------------------------

@dataclass
class Reminder:
    kind: str
    text: str
    url: str
    moved: list[str]


def reminders(workspace: Workspace, today: dt.date | None = None) -> list[Reminder]:
    today = today or clock.today()
    found: list[Reminder] = []
    for proposal in Proposal.objects.filter(
            workspace=workspace, status__in=[Proposal.Status.SENT,
                                             Proposal.Status.CHANGES_REQUESTED],
            valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=3)
    ).select_related("client"):
        found.append(Reminder("expiring", _("The offer “%(title)s” to %(client)s expires on "
                                            "%(date)s.") % {
            "title": proposal.title, "client": proposal.client,
            "date": short_date(proposal.valid_until)}, proposal.get_absolute_url(), []))
    for contract in Contract.objects.filter(workspace=workspace).select_related(
            "proposal", "client", "version"):
        sched = contract_schedule(contract, today)
        for item in sched:
            if item.overdue_input:
                moved = [f"{s.milestone.label}: {short_date(s.planned)} → {short_date(s.expected)}"
                         for s in sched if s.milestone.party == deadlines.FREELANCER
                         and s.moved_by > 0]
                found.append(Reminder("input", _("%(client)s has not provided “%(input)s”, "
                                                 "due %(date)s.") % {
                    "client": contract.client, "input": item.milestone.label,
                    "date": short_date(item.planned)}, contract.get_absolute_url(), moved))
        horizon = today + dt.timedelta(days=30)
        if contract.end_date and today <= contract.end_date <= horizon:
            found.append(Reminder("ending", _("The contract “%(title)s” ends on %(date)s: time "
                                              "to renegotiate.") % {
                "title": contract.proposal.title, "date": short_date(contract.end_date)},
                contract.get_absolute_url(), []))
        if contract.rate_review_on and today <= contract.rate_review_on <= horizon \
                and contract.rate_review_on != contract.end_date:
            found.append(Reminder("rate_review", _("Rate review for “%(title)s” on %(date)s: "
                                                   "time to renegotiate.") % {
                "title": contract.proposal.title, "date": short_date(contract.rate_review_on)},
                contract.get_absolute_url(), []))
    return found
