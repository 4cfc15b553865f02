"""Journal pages. Every object is fetched through the request's workspace (404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.core import clock
from rapport.journal import changes, charts, offers, recover, review
from rapport.journal.forms import ChangeForm, EntryForm, LessonForm, SettingsForm
from rapport.journal.models import JournalEntry, Lesson, LessonChange, Occasion
from rapport.journal.prompts import prompt_rows


def _get_entry(request: HttpRequest, pk: int) -> JournalEntry:
    return get_object_or_404(JournalEntry.objects.select_related("client"),
                             workspace=request.workspace, pk=pk)


def _get_lesson(request: HttpRequest, pk: int) -> Lesson:
    return get_object_or_404(Lesson.objects.select_related("entry", "workspace"),
                             workspace=request.workspace, pk=pk)


def index(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    entries = (JournalEntry.objects.filter(workspace=workspace).select_related("client")
               .prefetch_related("lessons__changes"))
    return render(request, "journal/index.html", {
        "entries": entries[:50],
        "offers": offers.offers(workspace),
        "period": recover.current_period(workspace),
    })


def entry_form(request: HttpRequest, entry_pk: int | None = None) -> HttpResponse:
    workspace = request.workspace
    entry = _get_entry(request, entry_pk) if entry_pk else JournalEntry(workspace=workspace)
    initial = {}
    if not entry_pk:
        client = Client.objects.filter(workspace=workspace,
                                       pk=request.GET.get("client") or 0).first() \
            if (request.GET.get("client") or "").isdigit() else None
        occasion = request.GET.get("occasion")
        initial = {"client": client,
                   "occasion": occasion if occasion in Occasion.values else Occasion.ANY_TIME,
                   "written_on": clock.today()}
    form = EntryForm(request.POST or None, instance=entry, initial=initial,
                     workspace=workspace)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            entry = form.save(commit=False)
            entry.answers = form.answers()
            if not entry.pk:
                entry.created_by = request.user
            entry.save()
            if "lessons" in form.fields:
                for line in form.lesson_lines():
                    Lesson.objects.create(workspace=workspace, entry=entry, text=line)
        messages.success(request, _("Journal entry saved."))
        return redirect(entry)
    return render(request, "journal/entry_form.html", {"form": form, "entry": entry},
                  status=422 if form.errors else 200)


def entry_detail(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _get_entry(request, entry_pk)
    lessons = entry.lessons.prefetch_related("changes")
    return render(request, "journal/entry.html", {
        "entry": entry, "rows": prompt_rows(entry.answers),
        "lessons": [(lesson, [(change, changes.where_label(change))
                              for change in lesson.changes.all()]) for lesson in lessons],
        "lesson_form": LessonForm(), "kinds": LessonChange.Kind.choices,
    })


def entry_delete(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _get_entry(request, entry_pk)
    if request.method == "POST":
        entry.delete()
        messages.success(request, _("Journal entry deleted. The changes its lessons made "
                                    "stay where they are."))
        return redirect("journal:index")
    return render(request, "journal/entry_delete.html", {"entry": entry})


@require_POST
def offer_dismiss(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = get_object_or_404(Client, workspace=request.workspace, pk=client_pk)
    if offers.dismiss(client):
        messages.info(request, _("Put away. The journal is there whenever you want it."))
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = client.get_absolute_url()
    return redirect(target)


@require_POST
def lesson_add(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _get_entry(request, entry_pk)
    form = LessonForm(request.POST)
    if form.is_valid():
        lesson = Lesson.objects.create(workspace=request.workspace, entry=entry,
                                       text=" ".join(form.cleaned_data["text"].split()))
        messages.success(request, _("Lesson added."))
        return redirect(f"{entry.get_absolute_url()}#lesson-{lesson.pk}")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{entry.get_absolute_url()}#lessons")


def lesson_change(request: HttpRequest, lesson_pk: int, kind: str) -> HttpResponse:
    """Turn a lesson into a change: write it, see before and after, then confirm."""
    if kind not in LessonChange.Kind.values:
        raise Http404
    lesson = _get_lesson(request, lesson_pk)
    form = ChangeForm(request.POST or None, workspace=request.workspace, kind=kind,
                      initial={"text": lesson.text})
    preview = None
    if request.method == "POST" and form.is_valid():
        text, target = form.cleaned_data["text"], form.cleaned_data.get("target", "")
        try:
            if request.POST.get("confirm"):
                change = changes.apply(lesson, kind, text, target)
                messages.success(request, _("Changed: %(where)s.") % {
                    "where": changes.where_label(change)})
                return redirect(f"{lesson.entry.get_absolute_url()}#lesson-{lesson.pk}")
            preview = changes.preview(lesson, kind, text, target)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "journal/change.html", {
        "lesson": lesson, "entry": lesson.entry, "form": form, "preview": preview,
        "kind_label": LessonChange.Kind(kind).label,
    }, status=422 if form.errors else 200)


def year_review(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    years = review.years_with_data(workspace)
    raw = request.GET.get("year") or ""
    year = int(raw) if raw.isdigit() and int(raw) in years else years[0]
    data = review.review(workspace, year)
    return render(request, "journal/review.html", {
        "data": data, "years": years, "chart": charts.year_svg(data),
        "labels": charts.verdict_labels(),
        "happy": data.of(review.HAPPY), "cost": data.of(review.COST),
    })


def settings_view(request: HttpRequest) -> HttpResponse:
    instance = recover.settings_for(request.workspace)
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("journal:settings")
    return render(request, "journal/settings.html", {
        "form": form, "period": recover.current_period(request.workspace),
        "currency": request.workspace.default_currency,
    }, status=422 if form.errors else 200)


@require_POST
def recover_end(request: HttpRequest) -> HttpResponse:
    recover.end_early(request.workspace)
    messages.success(request, _("The recover period has ended."))
    return redirect("core:dashboard")
