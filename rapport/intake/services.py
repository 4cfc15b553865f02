"""Prospect vetting as verbs: create, send, answer, lock, accept, decline, recognise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rapport.clients.models import Client, Contact, StatusChange
from rapport.clients.services import set_contact_emails
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.core.tokens import new_token
from rapport.intake import content
from rapport.intake.fit import FitReport, Profile, Recommendation, fit_report, recommend
from rapport.intake.models import (
    PORTAL_DAYS,
    IdealClientProfile,
    Interview,
    Question,
    WaitingListEntry,
)


def profile_of(workspace: Workspace) -> IdealClientProfile:
    found, _created = IdealClientProfile.objects.get_or_create(
        workspace=workspace,
        defaults={"working_styles": ["hands_off", "regular_updates"]},
    )
    return found


def fit_profile(workspace: Workspace) -> Profile:
    """The plain data the fit rules compare answers with."""
    ideal = profile_of(workspace)
    return Profile(
        time_zone=workspace.time_zone,
        hours_by_weekday=workspace.hours_by_weekday,
        preferred_channels=list(workspace.preferred_channels or []),
        max_calls_per_week=workspace.max_calls_per_week,
        non_negotiables=list(workspace.non_negotiables or []),
        avoid_list=list(ideal.avoid_list), wont_do=list(ideal.wont_do),
        cant_yet=list(ideal.cant_yet), working_styles=list(ideal.working_styles),
        response_time=ideal.response_time, minimum_budget=ideal.minimum_budget,
        currency=workspace.default_currency, min_lead_days=ideal.min_lead_days,
        min_overlap_hours=ideal.min_overlap_hours,
    )


def questions_for(workspace: Workspace, language: str) -> models.QuerySet[Question]:
    content.ensure_questions(workspace, language)
    return Question.objects.filter(workspace=workspace, language=language, is_active=True)


@dataclass(frozen=True)
class Assessment:
    report: FitReport
    recommendation: Recommendation


def assess(interview: Interview, today: dt.date | None = None) -> Assessment:
    workspace = interview.workspace
    keys = [q.key for q in questions_for(workspace, interview.language) if q.key]
    report = fit_report(interview.answers, fit_profile(workspace),
                        today or clock.today(), keys)
    return Assessment(report, recommend(report, interview.gut_rating, interview.need_money))


@transaction.atomic
def create_prospect(
    workspace: Workspace, *, name: str, contact_name: str = "", email: str = "",
    language: str = "de", kind: str = Client.Kind.COMPANY, by: object = None,
) -> Interview:
    """A new prospect client with an empty interview in the prospect's language."""
    client = Client.objects.create(workspace=workspace, name=name, kind=kind,
                                   language=language, time_zone=workspace.time_zone)
    if contact_name or email:
        contact = Contact.objects.create(workspace=workspace, client=client,
                                         name=contact_name or name)
        if email:
            set_contact_emails(contact, [email])
    return start_interview(client, by=by)


def client_with_email(workspace: Workspace, email: str) -> Client | None:
    if not email:
        return None
    return Client.objects.filter(workspace=workspace,
                                 contacts__emails__address__iexact=email.strip()).first()


@transaction.atomic
def reopen_prospect(client: Client, by: object = None) -> Interview:
    """A declined prospect or a former client asks again: same record, new interview."""
    client.change_status(Client.Status.PROSPECT, reason=_("Asked again."), by=by)
    return start_interview(client, by=by)


def start_interview(client: Client, by: object = None) -> Interview:
    if client.status != Client.Status.PROSPECT:
        raise ValidationError(_("Only a prospect can be interviewed."))
    content.ensure_questions(client.workspace, client.language)
    return Interview.objects.create(workspace=client.workspace, client=client,
                                    language=client.language, created_by=by)


def send(interview: Interview, now: dt.datetime | None = None) -> Interview:
    """Create (or renew) the questionnaire link; any older link stops working.

    Creating the link sends nothing, so the interview is not "sent" yet: only
    `mark_sent` (after the email left, see `mailing.send_invitation`) says so.
    """
    if interview.is_locked:
        raise ValidationError(_("The answers are locked."))
    now = now or clock.now()
    interview.token = new_token()
    interview.expires_at = now + dt.timedelta(days=PORTAL_DAYS)
    interview.revoked_at = None
    interview.save(update_fields=["token", "expires_at", "revoked_at"])
    return interview


def mark_sent(interview: Interview) -> Interview:
    """The invitation left by email: an unanswered interview is now "sent"."""
    if interview.state == Interview.State.DRAFT:
        interview.state = Interview.State.SENT
        interview.save(update_fields=["state"])
    return interview


def revoke(interview: Interview) -> None:
    if interview.revoked_at is None:
        interview.revoked_at = clock.now()
        interview.save(update_fields=["revoked_at"])


def save_answers(interview: Interview, answers: dict, *, by_prospect: bool) -> Interview:
    """Store answers; refused once the user has locked them."""
    with transaction.atomic():
        locked = Interview.objects.select_for_update().get(pk=interview.pk)
        if locked.is_locked:
            raise ValidationError(_("The answers are locked."))
        interview.answers = answers
        interview.state = Interview.State.ANSWERED
        interview.answered_by_prospect = by_prospect
        if interview.submitted_at is None:
            interview.submitted_at = clock.now()
        interview.save(update_fields=["answers", "state", "answered_by_prospect",
                                      "submitted_at"])
    return interview


def lock(interview: Interview) -> None:
    interview.state = Interview.State.LOCKED
    interview.locked_at = clock.now()
    interview.save(update_fields=["state", "locked_at"])


def unlock(interview: Interview) -> None:
    # Without answers it is "not answered yet": whether it was mailed is on the timeline.
    interview.state = (Interview.State.ANSWERED if interview.answers
                       else Interview.State.DRAFT)
    interview.locked_at = None
    interview.save(update_fields=["state", "locked_at"])


@transaction.atomic
def accept(interview: Interview, by: object = None) -> Client:
    """The prospect becomes an active client carrying their channel and time zone."""
    client = interview.client
    answers = interview.answers
    wanted = [c for c in answers.get("channels") or []]
    preferred = interview.workspace.preferred_channels or []
    channel = next((c for c in wanted if c in preferred), wanted[0] if wanted else "")
    if channel:
        client.preferred_channel = channel
    if answers.get("time_zone"):
        client.time_zone = answers["time_zone"]
    client.save(update_fields=["preferred_channel", "time_zone"])
    reason = _("Accepted after the intake interview.")
    if answers.get("day_start"):
        reason += " " + _("Their working day starts at %(start)s (%(zone)s).") % {
            "start": answers["day_start"], "zone": client.time_zone}
    client.change_status(Client.Status.ACTIVE, reason=reason, by=by)
    if not interview.is_locked:
        lock(interview)
    revoke(interview)
    return client


@transaction.atomic
def decline(interview: Interview, reason: str, *, by: object = None,
            wait_list: bool = False) -> Client:
    """Status "declined" with the reason; the record stays so a return is recognised."""
    client = interview.client
    client.change_status(Client.Status.DECLINED, reason=reason, by=by)
    if not interview.is_locked:
        lock(interview)
    revoke(interview)
    if wait_list:
        WaitingListEntry.objects.create(
            workspace=client.workspace, client=client, name=client.name,
            email=next(iter(_emails(client)), ""),
            source=WaitingListEntry.Source.NOT_TAKEN, note=reason,
            last_contact=clock.today(),
        )
    return client


def _emails(client: Client) -> list[str]:
    return [address for contact in client.contacts.all() for address in contact.addresses()]


def declined_before(client: Client, before: dt.datetime | None = None) -> list[StatusChange]:
    """Earlier declines of this prospect (before `before`): of this client, or of another
    client record with the same name or one of the same email addresses."""
    emails = _emails(client)
    same = models.Q(client=client) | models.Q(client__name__iexact=client.name)
    if emails:
        same |= models.Q(client__contacts__emails__address__in=emails)
    return list(
        StatusChange.objects.filter(workspace=client.workspace,
                                    to_status=Client.Status.DECLINED)
        .filter(same, created_at__lt=before or clock.now())
        .select_related("client").distinct().order_by("-changed_on", "-pk")
    )


def find_declined(workspace: Workspace, *, name: str, email: str = "") -> list[StatusChange]:
    same = models.Q(client__name__iexact=name.strip())
    if email:
        same |= models.Q(client__contacts__emails__address__iexact=email.strip())
    return list(StatusChange.objects.filter(workspace=workspace,
                                            to_status=Client.Status.DECLINED)
                .filter(same).select_related("client").distinct())


def due_entries(workspace: Workspace, today: dt.date | None = None,
                ) -> models.QuerySet[WaitingListEntry]:
    today = today or clock.today()
    return WaitingListEntry.objects.filter(workspace=workspace, contact_again_on__lte=today)


def waiting_list_count(workspace: Workspace) -> int:
    """For the fire-readiness view: how many people would hire the freelancer."""
    return WaitingListEntry.objects.filter(workspace=workspace).count()


def mark_contacted(entry: WaitingListEntry, *, again_on: dt.date | None = None,
                   today: dt.date | None = None) -> None:
    entry.last_contact = today or clock.today()
    entry.contact_again_on = again_on
    entry.save(update_fields=["last_contact", "contact_again_on"])


def latest_answers(client: Client) -> dict:
    """The answers of the client's latest interview, for later rules (channel, hours)."""
    interview = (Interview.objects.filter(workspace=client.workspace, client=client)
                 .exclude(answers={}).order_by("-created_at", "-pk").first())
    return dict(interview.answers) if interview else {}


def add_to_avoid_list(workspace: Workspace, item: str) -> bool:
    """Add a lesson to the avoid list (the reflection journal will call this); False when
    it is there already."""
    item = item.strip()
    ideal = profile_of(workspace)
    if not item or item.lower() in {i.lower() for i in ideal.avoid_list}:
        return False
    ideal.avoid_list = [*ideal.avoid_list, item]
    ideal.save(update_fields=["avoid_list"])
    return True
