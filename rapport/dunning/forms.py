from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rapport.clients.forms import DateInput
from rapport.core import placeholders
from rapport.dunning.models import (
    BaseRateEntry,
    ClientTerms,
    DunningLevel,
    DunningPolicy,
    FeeKind,
)
from rapport.dunning.services import PLACEHOLDERS


class PolicyForm(forms.ModelForm):
    class Meta:
        model = DunningPolicy
        fields = ["enabled"]


class LevelForm(forms.ModelForm):
    class Meta:
        model = DunningLevel
        fields = ["delay_days", "title_de", "title_en", "fee_kind", "fee_value",
                  "deadline_days", "body_de", "body_en"]
        widgets = {"body_de": forms.Textarea(attrs={"rows": 6}),
                   "body_en": forms.Textarea(attrs={"rows": 6})}

    def _clean_text(self, name: str) -> str:
        text = self.cleaned_data[name]
        placeholders.check(text, PLACEHOLDERS)
        return text

    def _clean_title(self, name: str) -> str:
        """The title is the email's subject: one line (a line break would break the mail)."""
        title = self.cleaned_data[name]
        if "\r" in title or "\n" in title:
            raise forms.ValidationError(_("Line breaks are not allowed here."))
        return title

    def clean_title_de(self) -> str:
        return self._clean_title("title_de")

    def clean_title_en(self) -> str:
        return self._clean_title("title_en")

    def clean_body_de(self) -> str:
        return self._clean_text("body_de")

    def clean_body_en(self) -> str:
        return self._clean_text("body_en")

    def clean(self) -> dict:
        """A level that charges must say so: the text names the charges or the total."""
        data = super().clean()
        if data.get("fee_kind", FeeKind.NONE) != FeeKind.NONE:
            for name in ("body_de", "body_en"):
                body = data.get(name) or ""
                if body and "{charges}" not in body and "{total}" not in body:
                    self.add_error(name, _("This level charges a fee: mention it in the text "
                                           "with {charges} or {total}, so the client sees "
                                           "what is added."))
        return data


class BaseLevelFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """Levels escalate: each one comes later than the one before it."""
        super().clean()
        previous = None
        title = "title_de" if (translation.get_language() or "").startswith("de") else "title_en"
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            days = form.cleaned_data.get("delay_days")
            if days is None:
                continue
            if previous is not None and days <= previous[1]:
                raise forms.ValidationError(
                    _("Each level must come later than the one before: “%(title)s” "
                      "(%(days)s days) is not after “%(previous)s” (%(before)s days).")
                    % {"title": form.cleaned_data.get(title) or "?", "days": days,
                       "previous": previous[0], "before": previous[1]})
            previous = (form.cleaned_data.get(title) or "?", days)


LevelFormSet = inlineformset_factory(DunningPolicy, DunningLevel, form=LevelForm,
                                     formset=BaseLevelFormSet, extra=0, can_delete=True)


class TermsForm(forms.ModelForm):
    class Meta:
        model = ClientTerms
        fields = ["is_business", "late_fees_since", "late_fees_source", "paused_until",
                  "pause_reason"]
        widgets = {"late_fees_since": DateInput(), "paused_until": DateInput()}

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("paused_until") and not cleaned.get("pause_reason"):
            self.add_error("pause_reason", _("Say why, so you remember later."))
        if cleaned.get("late_fees_since") and not cleaned.get("late_fees_source"):
            self.add_error("late_fees_source", _("Agreed in your terms, or announced?"))
        return cleaned


class PromiseForm(forms.Form):
    pay_by = forms.DateField(label=_("Will pay by"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class PolicyLetterForm(forms.Form):
    effective_from = forms.DateField(
        label=_("Late fees apply to invoices issued from"), widget=DateInput(),
        help_text=_("Choose a date a few weeks ahead, so the client can object or adapt."),
    )


class BaseRateForm(forms.ModelForm):
    class Meta:
        model = BaseRateEntry
        fields = ["valid_from", "rate"]
        widgets = {"valid_from": DateInput()}

    def clean_valid_from(self):  # noqa: ANN201
        value = self.cleaned_data["valid_from"]
        if (value.month, value.day) not in {(1, 1), (7, 1)}:
            raise forms.ValidationError(_("The base rate changes on 1 January and 1 July."))
        return value
