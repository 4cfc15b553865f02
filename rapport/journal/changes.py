"""One lesson, one change where it prevents the next bad fit (DOMAIN.md §10: "turn the
answers into changes: to the ideal client profile, the avoid list, the contract
template"). Every change is previewed (`preview`) and applied only when confirmed
(`apply`); the lesson keeps a record of what it produced, with a link."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.agreements.models import ProposalTemplate
from rapport.agreements.services import shipped_template
from rapport.core.choices import Language
from rapport.core.models import Workspace
from rapport.intake import content
from rapport.intake.models import IdealClientProfile, Question
from rapport.intake.services import profile_of
from rapport.journal.models import Lesson, LessonChange

Kind = LessonChange.Kind

# The parts of the ideal-client profile a lesson may add to; text fields get a new line.
PROFILE_FIELDS = {
    "wanted_clients": gettext_lazy("Clients I want"),
    "wanted_work": gettext_lazy("Work I want"),
    "wont_do": gettext_lazy("Won't do"),
    "core_values": gettext_lazy("Core values"),
}
TEXT_FIELDS = {"wanted_clients", "wanted_work"}
CLAUSES = "additional"  # the list under content["terms"] the proposal document prints


@dataclass(frozen=True)
class Preview:
    kind: str
    where: str  # in the reader's language
    before: list[str]
    after: list[str]
    text: str

    @property
    def changes_nothing(self) -> bool:
        return self.before == self.after


def target_choices(workspace: Workspace, kind: str) -> list[tuple[str, str]]:
    if kind == Kind.PROFILE:
        return [(key, str(label)) for key, label in PROFILE_FIELDS.items()]
    if kind == Kind.QUESTION:
        return [(code, str(label)) for code, label in Language.choices]
    if kind == Kind.CLAUSE:
        own = [(f"template:{t.pk}", t.name)
               for t in ProposalTemplate.objects.filter(workspace=workspace)]
        shipped = [(f"shipped:{code}", _("New template from the shipped one (%(language)s)")
                    % {"language": label}) for code, label in Language.choices]
        return own + shipped
    return []


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _has(items: list[str], text: str) -> bool:
    return text.casefold() in {item.casefold() for item in items}


def _added(items: list[str], text: str) -> list[str]:
    return items if _has(items, text) else [*items, text]


def _template(workspace: Workspace, target: str) -> tuple[ProposalTemplate | None, dict, str]:
    """The template a clause goes into (None: a new one from the shipped template)."""
    source, _sep, value = target.partition(":")
    if source == "template":
        found = ProposalTemplate.objects.filter(workspace=workspace, pk=value).first()
        if found is None:
            raise ValidationError(_("That template no longer exists."))
        return found, found.content, found.name
    if source == "shipped" and value in Language.values:
        name = _("My template (%(language)s)") % {"language": Language(value).label}
        return None, shipped_template(value), name
    raise ValidationError(_("Choose where the change goes."))


def _questions(workspace: Workspace, language: str) -> list[str]:
    content.ensure_questions(workspace, language)
    return list(Question.objects.filter(workspace=workspace, language=language,
                                        is_active=True).values_list("text", flat=True))


def preview(lesson: Lesson, kind: str, text: str, target: str = "") -> Preview:
    """What the change would look like, without changing anything."""
    workspace = lesson.workspace
    text = " ".join(text.split())
    if not text:
        raise ValidationError(_("Write what should change."))
    if kind == Kind.AVOID:
        before = list(profile_of(workspace).avoid_list)
        return Preview(kind, _("Avoid list"), before, _added(before, text), text)
    if kind == Kind.PROFILE:
        if target not in PROFILE_FIELDS:
            raise ValidationError(_("Choose where the change goes."))
        value = getattr(profile_of(workspace), target)
        before = _lines(value) if target in TEXT_FIELDS else list(value)
        return Preview(kind, str(PROFILE_FIELDS[target]), before, _added(before, text), text)
    if kind == Kind.QUESTION:
        if target not in Language.values:
            raise ValidationError(_("Choose where the change goes."))
        if len(text) > 300:
            raise ValidationError(_("A question can be at most 300 characters long."))
        before = _questions(workspace, target)
        where = _("Questionnaire (%(language)s)") % {"language": Language(target).label}
        return Preview(kind, where, before, _added(before, text), text)
    if kind == Kind.CLAUSE:
        _found, data, name = _template(workspace, target)
        before = list(data.get("terms", {}).get(CLAUSES) or [])
        where = _("Further terms of the template “%(name)s”") % {"name": name}
        return Preview(kind, where, before, _added(before, text), text)
    raise ValidationError(_("Unknown kind of change."))


@transaction.atomic
def apply(lesson: Lesson, kind: str, text: str, target: str = "") -> LessonChange:
    """Make the previewed change and record it on the lesson."""
    shown = preview(lesson, kind, text, target)
    if shown.changes_nothing:
        raise ValidationError(_("“%(text)s” is there already.") % {"text": shown.text})
    workspace = lesson.workspace
    text = shown.text
    if kind == Kind.AVOID:
        ideal = IdealClientProfile.objects.select_for_update().get(pk=profile_of(workspace).pk)
        ideal.avoid_list = _added(list(ideal.avoid_list), text)
        ideal.save(update_fields=["avoid_list"])
        url, where = reverse("intake:profile"), ""
    elif kind == Kind.PROFILE:
        ideal = IdealClientProfile.objects.select_for_update().get(pk=profile_of(workspace).pk)
        value = getattr(ideal, target)
        if target in TEXT_FIELDS:
            value = "\n".join([*_lines(value), text])
        else:
            value = _added(list(value), text)
        setattr(ideal, target, value)
        ideal.save(update_fields=[target])
        url, where = reverse("intake:profile"), target
    elif kind == Kind.QUESTION:
        last = max(Question.objects.filter(workspace=workspace, language=target)
                   .values_list("position", flat=True), default=0)
        Question.objects.create(workspace=workspace, language=target, text=text[:300],
                                position=last + 10)
        url, where = f"{reverse('intake:questions')}?lang={target}", target
    else:
        found, data, name = _template(workspace, target)
        data = copy.deepcopy(data)
        terms = data.setdefault("terms", {})
        terms[CLAUSES] = _added(list(terms.get(CLAUSES) or []), text)
        if found is None:
            found = ProposalTemplate.objects.create(
                workspace=workspace, name=name, language=target.partition(":")[2],
                content=data)
        else:
            found.content = data
            found.save(update_fields=["content"])
        url, where = f"{reverse('agreements:proposal_create')}?template={found.pk}", found.name
    return LessonChange.objects.create(workspace=workspace, lesson=lesson, kind=kind,
                                       target=where, text=text, url=url)


def where_label(change: LessonChange) -> str:
    """Where a recorded change went, in the reader's language."""
    if change.kind == Kind.PROFILE and change.target in PROFILE_FIELDS:
        return str(PROFILE_FIELDS[change.target])
    if change.kind == Kind.QUESTION and change.target in Language.values:
        return _("Questionnaire (%(language)s)") % {"language": Language(change.target).label}
    if change.kind == Kind.CLAUSE:
        return _("Template “%(name)s”") % {"name": change.target}
    return _("Avoid list")
