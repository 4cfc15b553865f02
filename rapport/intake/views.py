"""Prospect pages. Every object is fetched through the request's workspace (404 otherwise)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.agreements.mailing import client_addresses as mailing_addresses
from rapport.agreements.sendpage import preview_then_send
from rapport.clients.models import Client
from rapport.core import clock, listfilters
from rapport.core.choices import Language
from rapport.core.dates import short_date
from rapport.core.money import format_money
from rapport.core.paging import paginate
from rapport.intake import content, filters, mailing, services
from rapport.intake.fit import Verdict
from rapport.intake.forms import (
    AnswersForm,
    ContactedForm,
    DeclineForm,
    GutForm,
    NewQuestionForm,
    ProfileForm,
    ProspectForm,
    QuestionFormSet,
    WaitingListForm,
)
from rapport.intake.models import Interview, Question, WaitingListEntry
from rapport.journal import recover


def _get_interview(request: HttpRequest, pk: int) -> Interview:
    return get_object_or_404(
        Interview.objects.select_related("client", "workspace"),
        workspace=request.workspace, pk=pk,
    )


def _get_entry(request: HttpRequest, pk: int) -> WaitingListEntry:
    return get_object_or_404(WaitingListEntry, workspace=request.workspace, pk=pk)


def index(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    form = filters.ProspectFilterForm(request.GET or None)
    chosen = listfilters.chosen(form)
    prospects = paginate(request, filters.prospects(workspace, chosen))
    filters.label(prospects.rows)
    return render(request, "intake/index.html", {
        "form": form, "filtered": any(chosen.values()), "prospects": prospects,
        "due": services.due_entries(workspace),
        "waiting_count": services.waiting_list_count(workspace),
    })


def prospect_create(request: HttpRequest) -> HttpResponse:
    form = ProspectForm(request.POST or None,
                        initial={"language": request.workspace.language})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        known = services.client_with_email(request.workspace, data["email"])
        if known and known.status in (Client.Status.DECLINED, Client.Status.FORMER):
            interview = services.reopen_prospect(known, by=request.user)
            messages.warning(request, _(
                "“%(email)s” belongs to “%(name)s”, whom you know already; that record was "
                "reopened as a prospect.") % {"email": data["email"], "name": known.name})
            return redirect(interview)
        if known:
            form.add_error("email", _("This address belongs to “%(name)s” already.")
                           % {"name": known.name})
            return render(request, "intake/prospect_form.html", {"form": form}, status=422)
        earlier = services.find_declined(request.workspace, name=data["name"],
                                         email=data["email"])
        interview = services.create_prospect(
            request.workspace, name=data["name"], contact_name=data["contact_name"],
            email=data["email"], language=data["language"], kind=data["kind"],
            by=request.user,
        )
        messages.success(request, _("Prospect “%(name)s” added.") % {"name": data["name"]})
        if earlier:
            messages.warning(request, _("You declined “%(name)s” before, on %(date)s.") % {
                "name": earlier[0].client.name,
                "date": earlier[0].changed_on.isoformat()})
        return redirect(interview)
    return render(request, "intake/prospect_form.html", {"form": form})


@require_POST
def interview_start(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = get_object_or_404(Client, workspace=request.workspace, pk=client_pk)
    existing = client.interviews.filter(workspace=request.workspace).exclude(
        state=Interview.State.LOCKED).first()
    if existing and client.status == Client.Status.PROSPECT:
        return redirect(existing)
    try:
        interview = services.start_interview(client, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(client)
    return redirect(interview)


def interview_detail(request: HttpRequest, interview_pk: int) -> HttpResponse:
    interview = _get_interview(request, interview_pk)
    return render(request, "intake/interview.html", _report_context(
        request, interview, gut_form=GutForm(instance=interview)))


def _report_context(request: HttpRequest, interview: Interview, **extra: object) -> dict:
    assessment = services.assess(interview)
    findings = assessment.report.by_key()
    questions = list(services.questions_for(interview.workspace, interview.language))
    rows = []
    for question in questions:
        rows.append({"question": question, "finding": findings.get(question.key),
                     "answer": _answer_text(interview, question)})
    return {
        "interview": interview, "client": interview.client, "rows": rows,
        "report": assessment.report, "recommendation": assessment.recommendation,
        "counts": {v.value: assessment.report.count(v) for v in Verdict},
        "declined_before": services.declined_before(interview.client,
                                                    before=interview.created_at),
        "portal_url": (request.build_absolute_uri(f"/q/{interview.token}/")
                       if interview.link_is_usable() else ""),
        "is_prospect": interview.client.status == Client.Status.PROSPECT,
        "invitation": _invitation(request, interview),
        **extra,
    }


def _invitation(request: HttpRequest, interview: Interview) -> dict[str, str] | None:
    """A ready email with the questionnaire link, in the prospect's language."""
    if not interview.link_is_usable():
        return None
    client = interview.client
    contact = client.contacts.first()
    emails = contact.addresses() if contact else []
    with translation.override(interview.language):
        until = formats.date_format(timezone.localtime(interview.expires_at).date(),
                                    "SHORT_DATE_FORMAT")
    letter = content.invitation(
        interview.language, name=contact.name if contact else client.name,
        url=request.build_absolute_uri(f"/q/{interview.token}/"), until=until,
        sender=request.user.name or interview.workspace.name)
    return {**letter, "to": emails[0] if emails else ""}


def _answer_text(interview: Interview, question: Question) -> str:
    # Choices are named for the reader; the prospect saw them in the interview's language.
    reader = (get_language() or "de")[:2]
    answers, key = interview.answers, question.key
    lang = reader if reader in Language.values else interview.language
    if key in ("working_style", "response_time", "weekends", "decider"):
        return content.choice_label(lang, key, answers.get(key) or "") if answers.get(
            key) else ""
    if key == "channels":
        return ", ".join(content.choice_label(lang, "channels", c)
                         for c in answers.get("channels") or [])
    if key == "budget":
        currency = answers.get("currency") or interview.workspace.default_currency
        low, high = (format_money(answers.get(name) or None, currency,
                                  (get_language() or "en")[:2])
                     for name in ("budget_min", "budget_max"))
        return f"{low or '…'} – {high or '…'}" if low or high else ""
    if key == "day_start":
        if answers.get("day_start"):
            return f"{answers['day_start']} ({answers.get('time_zone') or '?'})"
        return ""
    value = answers.get(question.field_name)
    if key == "deadline" and value:
        return short_date(dt.date.fromisoformat(value))
    return "" if value is None else str(value)


def interview_answer(request: HttpRequest, interview_pk: int) -> HttpResponse:
    """Fill in the questionnaire during the call: one page, keyboard first."""
    interview = _get_interview(request, interview_pk)
    questions = list(services.questions_for(request.workspace, interview.language))
    form = AnswersForm(questions, interview.language, request.POST or None,
                       initial_answers=interview.answers,
                       default_tz=request.workspace.time_zone,
                       default_currency=request.workspace.default_currency)
    if interview.is_locked:
        messages.error(request, _("The answers are locked; unlock them to edit."))
        return redirect(interview)
    if request.method == "POST" and form.is_valid():
        services.save_answers(interview, form.answers(), by_prospect=False)
        messages.success(request, _("Answers saved."))
        return redirect(interview)
    return render(request, "intake/answer.html", {
        "interview": interview, "client": interview.client, "form": form,
    }, status=422 if form.errors else 200)


@require_POST
def interview_send(request: HttpRequest, interview_pk: int) -> HttpResponse:
    interview = _get_interview(request, interview_pk)
    try:
        services.send(interview)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Questionnaire link created; send it to the prospect."))
    return redirect(f"{interview.get_absolute_url()}#portal")


def interview_invite(request: HttpRequest, interview_pk: int) -> HttpResponse:
    """Preview the invitation with the link (prospect's language, editable), then send it."""
    interview = _get_interview(request, interview_pk)
    invitation = _invitation(request, interview)
    if invitation is None:
        messages.error(request, _("This questionnaire link no longer works; create a new one."))
        return redirect(f"{interview.get_absolute_url()}#portal")
    return preview_then_send(
        request,
        initial=lambda: {"to": ", ".join(mailing_addresses(interview.client)) or invitation["to"],
                         "subject": invitation["subject"], "body": invitation["body"]},
        send=lambda data: mailing.send_invitation(interview, user=request.user, **data),
        sent=_("Questionnaire sent by email and recorded on the client's timeline."),
        done_url=f"{interview.get_absolute_url()}#portal",
        page={"client": interview.client, "back_url": interview.get_absolute_url(),
              "back_title": interview.client.name})


@require_POST
def interview_revoke(request: HttpRequest, interview_pk: int) -> HttpResponse:
    interview = _get_interview(request, interview_pk)
    services.revoke(interview)
    messages.success(request, _("The link was revoked."))
    return redirect(f"{interview.get_absolute_url()}#portal")


@require_POST
def interview_lock(request: HttpRequest, interview_pk: int) -> HttpResponse:
    interview = _get_interview(request, interview_pk)
    if request.POST.get("unlock"):
        services.unlock(interview)
        messages.success(request, _("Unlocked: the answers can be changed again."))
    else:
        services.lock(interview)
        messages.success(request, _("Locked: the answers can no longer be changed."))
    return redirect(interview)


@require_POST
def interview_gut(request: HttpRequest, interview_pk: int) -> HttpResponse:
    interview = _get_interview(request, interview_pk)
    form = GutForm(request.POST, instance=interview)
    if form.is_valid():
        form.save()
        messages.success(request, _("Gut feeling recorded."))
        return redirect(f"{interview.get_absolute_url()}#decision")
    return render(request, "intake/interview.html",
                  _report_context(request, interview, gut_form=form), status=422)


@require_POST
def interview_accept(request: HttpRequest, interview_pk: int) -> HttpResponse:
    interview = _get_interview(request, interview_pk)
    if recover.intake_warning(interview) and not request.POST.get("recover_confirmed"):
        messages.error(request, _("You are in your recover period: tick the box to take "
                                  "this client on anyway."))
        return redirect(f"{interview.get_absolute_url()}#decision")
    try:
        client = services.accept(interview, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(interview)
    messages.success(request, _("“%(name)s” is now an active client.") % {"name": client.name})
    return redirect(client)


def interview_decline(request: HttpRequest, interview_pk: int) -> HttpResponse:
    interview = _get_interview(request, interview_pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.decline(interview, form.cleaned_data["reason"], by=request.user,
                                 wait_list=form.cleaned_data["wait_list"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(interview)
        messages.success(request, _("“%(name)s” was declined.") % {
            "name": interview.client.name})
        return redirect("intake:letter", interview_pk=interview.pk)
    return render(request, "intake/decline.html", {
        "interview": interview, "client": interview.client, "form": form,
        "letters": _letters(request, interview, None),
    })


def _letters(request: HttpRequest, interview: Interview, reason: str | None) -> list[dict]:
    """The letter in each language; without a recorded reason, a placeholder in the
    letter's own language (not the UI's)."""
    client = interview.client
    contact = client.contacts.first()
    name = contact.name if contact else client.name
    sender = request.user.name or interview.workspace.name
    first = interview.language
    order = [first] + [code for code in Language.values if code != first]
    letters = []
    for code in order:
        with translation.override(code):
            placeholder = _("[your reason]")
        letters.append({"language": code, "label": Language(code).label,
                        **content.decline_letter(code, name=name, reason=reason or placeholder,
                                                 sender=sender)})
    return letters


def interview_letter(request: HttpRequest, interview_pk: int) -> HttpResponse:
    """The polite-decline letter, with the reason recorded when declining."""
    interview = _get_interview(request, interview_pk)
    change = interview.client.status_changes.filter(
        to_status=Client.Status.DECLINED).first()
    reason = change.reason if change else None
    emails = [a for c in interview.client.contacts.all() for a in c.addresses()]
    return render(request, "intake/letter.html", {
        "interview": interview, "client": interview.client, "change": change,
        "letters": _letters(request, interview, reason), "email": emails[0] if emails else "",
    })


def profile(request: HttpRequest) -> HttpResponse:
    instance = services.profile_of(request.workspace)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ideal-client profile saved."))
        return redirect("intake:profile")
    return render(request, "intake/profile.html", {"form": form,
                                                   "workspace": request.workspace})


def questions(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("lang") or request.workspace.language
    if language not in Language.values:
        language = Language.ENGLISH
    content.ensure_questions(request.workspace, language)
    queryset = Question.objects.filter(workspace=request.workspace, language=language)
    formset = QuestionFormSet(request.POST or None, queryset=queryset)
    new = NewQuestionForm(request.POST or None)
    if request.method == "POST" and formset.is_valid() and new.is_valid():
        formset.save()
        if new.cleaned_data["text"]:
            last = max(queryset.values_list("position", flat=True), default=0)
            Question.objects.create(workspace=request.workspace, language=language,
                                    text=new.cleaned_data["text"], position=last + 10)
        messages.success(request, _("Questionnaire saved."))
        return redirect(f"{request.path}?lang={language}")
    return render(request, "intake/questions.html", {
        "formset": formset, "new": new, "language": language,
        "languages": Language.choices,
    })


def waiting_list(request: HttpRequest) -> HttpResponse:
    entries = WaitingListEntry.objects.filter(workspace=request.workspace)
    today = clock.today()
    return render(request, "intake/waiting_list.html", {
        "due": [e for e in entries if e.is_due(today)],
        "entries": [e for e in entries if not e.is_due(today)],
        "contacted_form": ContactedForm(),
    })


def waiting_form(request: HttpRequest, waiting_pk: int | None = None) -> HttpResponse:
    entry = (_get_entry(request, waiting_pk) if waiting_pk
             else WaitingListEntry(workspace=request.workspace))
    form = WaitingListForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Waiting list saved."))
        return redirect("intake:waiting_list")
    return render(request, "intake/waiting_form.html", {"form": form, "entry": entry})


def waiting_delete(request: HttpRequest, waiting_pk: int) -> HttpResponse:
    entry = _get_entry(request, waiting_pk)
    if request.method == "POST":
        entry.delete()
        messages.success(request, _("Removed from the waiting list."))
        return redirect("intake:waiting_list")
    return render(request, "intake/waiting_delete.html", {"entry": entry})


@require_POST
def waiting_contacted(request: HttpRequest, waiting_pk: int) -> HttpResponse:
    entry = _get_entry(request, waiting_pk)
    form = ContactedForm(request.POST)
    again = form.cleaned_data["contact_again_on"] if form.is_valid() else None
    services.mark_contacted(entry, again_on=again)
    messages.success(request, _("Contact with “%(name)s” noted.") % {"name": entry.name})
    return redirect("intake:waiting_list")
