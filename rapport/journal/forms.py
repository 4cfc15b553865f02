"""Journal forms: an entry with one field per guided prompt, a lesson, a change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.journal import changes
from rapport.journal.models import JournalEntry, JournalSettings, LessonChange
from rapport.journal.prompts import PROMPTS


class EntryForm(forms.ModelForm):
    lessons = forms.CharField(
        label=_("Lessons (one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Each lesson can later become an avoid-list item, a profile change, a "
                    "question or a proposal clause."))

    class Meta:
        model = JournalEntry
        fields = ["occasion", "client", "written_on"]
        widgets = {"written_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: object, workspace: Workspace, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(workspace=workspace)
        self.fields["client"].required = False
        if self.instance.pk:
            del self.fields["lessons"]
        answers = self.instance.answers or {}
        for key, (question, hint) in PROMPTS.items():
            self.fields[f"prompt_{key}"] = forms.CharField(
                label=question, help_text=hint, required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}), initial=answers.get(key, ""))

    def prompt_fields(self) -> list[forms.BoundField]:
        return [self[f"prompt_{key}"] for key in PROMPTS]

    def answers(self) -> dict[str, str]:
        return {key: text for key in PROMPTS
                if (text := self.cleaned_data.get(f"prompt_{key}", "").strip())}

    def lesson_lines(self) -> list[str]:
        return [" ".join(line.split())[:500]
                for line in self.cleaned_data.get("lessons", "").splitlines() if line.strip()]


class LessonForm(forms.Form):
    text = forms.CharField(label=_("Lesson"), max_length=500)


class ChangeForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=500)
    target = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(self, *args: object, workspace: Workspace, kind: str,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = changes.target_choices(workspace, kind)
        if choices:
            self.fields["target"].choices = choices
            self.fields["target"].required = True
        else:
            del self.fields["target"]
        self.fields["text"].label = {
            LessonChange.Kind.AVOID: _("Add to the avoid list"),
            LessonChange.Kind.PROFILE: _("Add to the ideal-client profile"),
            LessonChange.Kind.QUESTION: _("New question"),
            LessonChange.Kind.CLAUSE: _("New clause"),
        }[kind]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = JournalSettings
        fields = ["recover_days", "big_share_percent", "big_amount"]
