"""Forms: the profile, the questionnaire editor, the answer sheet, gut feeling, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.clients.forms import DateInput
from rapport.clients.models import Client
from rapport.core import clock
from rapport.core.choices import Language
from rapport.core.money import CURRENCY_CHOICES
from rapport.core.timezones import TimeZoneField
from rapport.intake import content
from rapport.intake.models import (
    IdealClientProfile,
    Interview,
    Question,
    WaitingListEntry,
    WorkingStyle,
)


class LinesField(forms.CharField):
    """A list typed one item per line."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


class ProfileForm(forms.ModelForm):
    avoid_list = LinesField(label=_("Avoid list"), help_text=_(
        "Kinds of clients and work you turn down, one per line (e.g. “gambling”)."))
    core_values = LinesField(label=_("Core values"), help_text=_("One per line."))
    strengths = LinesField(label=_("Strengths"), help_text=_("One per line."))
    wont_do = LinesField(label=_("Won't do"), help_text=_(
        "Things you cannot do and do not want to, one per line; requests for them are "
        "dealbreakers."))
    cant_yet = LinesField(label=_("Can't yet, want to learn"), help_text=_(
        "One per line; the fit report lists them as things to say openly."))
    working_styles = forms.MultipleChoiceField(
        label=_("Working styles that suit me"), choices=WorkingStyle.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = IdealClientProfile
        fields = ["wanted_clients", "wanted_work", "avoid_list", "core_values", "strengths",
                  "wont_do", "cant_yet", "working_styles", "response_time", "minimum_budget",
                  "min_lead_days", "min_overlap_hours"]
        widgets = {"wanted_clients": forms.Textarea(attrs={"rows": 3}),
                   "wanted_work": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "help_text", "position", "is_active"]
        widgets = {"position": forms.NumberInput(attrs={"style": "width:6rem"})}


QuestionFormSet = forms.modelformset_factory(Question, form=QuestionForm, extra=0)


class NewQuestionForm(forms.Form):
    text = forms.CharField(label=_("New question"), max_length=300, required=False,
                           help_text=_("Asked as free text; it has no fit rule."))


class ProspectForm(forms.Form):
    name = forms.CharField(label=_("Name of the prospect"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Client.Kind.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    language = forms.ChoiceField(label=_("Questionnaire language"), choices=Language.choices)


def _choice_field(language: str, key: str, label: str, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=required, widget=forms.RadioSelect,
        choices=content.choices(language, key),
    )


class AnswersForm(forms.Form):
    """The questionnaire as one form, built from the workspace's active questions.

    The same form serves the freelancer during a call and the prospect in the portal;
    in the portal the core questions are required.
    """

    PORTAL_REQUIRED = {"task", "calls_per_week", "channels", "weekends", "day_start"}

    def __init__(self, questions: list[Question], language: str, *args: Any,
                 portal: bool = False, initial_answers: dict | None = None,
                 default_tz: str = "Europe/Berlin", default_currency: str = "EUR",
                 **kwargs: Any) -> None:
        kwargs.setdefault("initial", initial_answers or {})
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.language = language
        self.portal = portal
        self.sections: list[tuple[Question, list[str]]] = []
        self.default_currency = default_currency
        for question in questions:
            required = portal and question.key in self.PORTAL_REQUIRED
            names = self._add_fields(question, required, default_tz)
            self.sections.append((question, names))
        if not portal and self.fields:
            # During a call the cursor starts in the first answer.
            next(iter(self.fields.values())).widget.attrs["autofocus"] = True

    def _add_fields(self, question: Question, required: bool, default_tz: str) -> list[str]:
        lang, key, text = self.language, question.key, question.text
        label = lambda name: content.label(lang, name)  # noqa: E731
        fields: dict[str, forms.Field] = {}
        if key in ("business", "task"):
            fields[key] = forms.CharField(label=text, required=required, max_length=3000,
                                          widget=forms.Textarea(attrs={"rows": 3}))
        elif key in ("working_style", "response_time", "weekends", "decider"):
            fields[key] = _choice_field(lang, key, text, required)
        elif key == "calls_per_week":
            fields[key] = forms.IntegerField(label=text, required=required, min_value=0,
                                             max_value=50)
        elif key == "channels":
            fields[key] = forms.MultipleChoiceField(
                label=text, required=required, widget=forms.CheckboxSelectMultiple,
                choices=content.choices(lang, "channels"))
        elif key == "budget":
            fields["budget_min"] = forms.DecimalField(
                label=label("budget_min"), required=False, min_value=0, max_digits=12,
                decimal_places=2)
            fields["budget_max"] = forms.DecimalField(
                label=label("budget_max"), required=False, min_value=0, max_digits=12,
                decimal_places=2)
            # The budget means little without its currency; the freelancer's is the default.
            fields["currency"] = forms.ChoiceField(
                label=label("currency"), required=False, initial=self.default_currency,
                choices=CURRENCY_CHOICES)
        elif key == "day_start":
            fields["day_start"] = forms.TimeField(
                label=label("day_start"), required=required,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
            fields["time_zone"] = TimeZoneField(
                blank=True, label=label("time_zone"), required=required, initial=default_tz)
            fields["time_zone"].keep(self.initial.get("time_zone") or default_tz)
        elif key == "deadline":
            fields["deadline"] = forms.DateField(label=text, required=False, widget=DateInput())
        else:
            fields[question.field_name] = forms.CharField(
                label=text, required=False, max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}))
        for field in fields.values():
            if question.help_text and len(fields) == 1:
                field.help_text = question.help_text
        self.fields.update(fields)
        return list(fields)

    def clean_deadline(self) -> dt.date | None:
        value = self.cleaned_data.get("deadline")
        if value and value < clock.today():
            raise forms.ValidationError(_("The deadline lies in the past."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("“Up to” must not be lower than “from”."))
        if data.get("day_start") and "time_zone" in self.fields and not data.get("time_zone"):
            self.add_error("time_zone", _("Which time zone does the start time refer to?"))
        return data

    def answers(self) -> dict[str, Any]:
        """The cleaned data as JSON-friendly values."""
        result: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, dt.time):
                value = f"{value:%H:%M}"
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif value is not None and name.startswith("budget_"):
                value = str(value)
            elif value is None and name == "deadline":
                value = ""
            result[name] = value
        return result

    def sections_bound(self) -> list[tuple[Question, list[forms.BoundField]]]:
        return [(q, [self[name] for name in names]) for q, names in self.sections]


class GutForm(forms.ModelForm):
    gut_rating = forms.TypedChoiceField(
        label=_("Gut feeling"), coerce=int, widget=forms.RadioSelect,
        choices=[(1, _("1 — bad")), (2, "2"), (3, "3"), (4, "4"), (5, _("5 — very good"))],
    )
    need_money = forms.ChoiceField(
        label=_("Am I saying yes because I need the money?"), widget=forms.RadioSelect,
        choices=Interview.NeedMoney.choices,
    )

    class Meta:
        model = Interview
        fields = ["gut_rating", "gut_note", "need_money"]
        labels = {"gut_note": _("My gut feeling in one sentence")}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
        help_text=_("Kept with the client and shown if the prospect comes back; it also "
                    "goes into the letter below."),
    )
    wait_list = forms.BooleanField(
        label=_("Put them on the waiting list (not now, maybe later)"), required=False)


class WaitingListForm(forms.ModelForm):
    class Meta:
        model = WaitingListEntry
        fields = ["name", "email", "source", "note", "last_contact", "contact_again_on"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}),
                   "last_contact": DateInput(), "contact_again_on": DateInput()}


class ContactedForm(forms.Form):
    contact_again_on = forms.DateField(label=_("Contact again on"), required=False,
                                       widget=DateInput())
