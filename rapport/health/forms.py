from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Note
from rapport.health import defaults
from rapport.health.models import Enjoyment, HealthSettings, Reserve, Script
from rapport.signals.models import SignalKind


class EnjoymentForm(forms.ModelForm):
    class Meta:
        model = Enjoyment
        fields = ["rating", "note"]
        widgets = {"rating": forms.NumberInput(attrs={"min": 1, "max": 5})}


class OverviewFilterForm(forms.Form):
    """The health overview's filters: the status (as the table's colours say it) and a
    part of the client's name. Unknown values are ignored, not an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("present", _("Red: a warning sign present")),
        ("watch", _("Amber: to watch")), ("none", _("Green: without signs"))])
    q = forms.CharField(label=_("Client"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))


class ReserveForm(forms.ModelForm):
    class Meta:
        model = Reserve
        fields = ["business_fund", "personal_fund", "monthly_expenses", "savings_percent",
                  "target_months"]


class ScriptForm(forms.ModelForm):
    class Meta:
        model = Script
        fields = ["key", "language", "title", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {"key": _("Use the key of a shipped script to replace it; any new key "
                               "adds your own script.")}


class SendScriptForm(forms.Form):
    to = forms.CharField(label=_("To"), help_text=_("Separate several addresses with commas."))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}))
    confirm = forms.BooleanField(
        label=_("Send to new addresses too"), required=False,
        help_text=_("Only needed for an address that is not one of the client's contacts; "
                    "it is remembered for this client."))

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if "\r" in subject or "\n" in subject:
            raise forms.ValidationError(_("The subject must be a single line."))
        return subject

    def clean_to(self) -> list[str]:
        addresses = [a.strip() for a in self.cleaned_data["to"].split(",") if a.strip()]
        if not addresses:
            raise forms.ValidationError(_("Name at least one address."))
        for address in addresses:
            forms.EmailField().clean(address)
        return addresses


class HealthSettingsForm(forms.ModelForm):
    """Thresholds, window and one number field per weight, named `w__sign__part__key`."""

    class Meta:
        model = HealthSettings
        fields = ["window_days", "watch_threshold", "present_threshold", "after_hours_share"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.weight_fields: list[tuple[str, list[str]]] = []
        weights = self.instance.effective_weights()
        kind_labels = dict(SignalKind.choices)
        incident_labels = dict(Note.IncidentCategory.choices)
        for sign, spec in defaults.SIGNS.items():
            names = []
            for part in ("kinds", "incidents"):
                for key, value in weights[sign][part].items():
                    name = f"w__{sign}__{part}__{key}"
                    label = (kind_labels.get(key, key) if part == "kinds" else
                             _("Incident: %(c)s") % {"c": incident_labels.get(key, key)})
                    self.fields[name] = forms.FloatField(label=label, initial=value,
                                                         min_value=-5, max_value=10)
                    names.append(name)
            self.weight_fields.append((str(spec["label"]), names))

    def clean(self) -> dict:
        data = super().clean()
        watch, present = data.get("watch_threshold"), data.get("present_threshold")
        if watch is not None and present is not None and present < watch:
            self.add_error("present_threshold", _("Must not be below the watch threshold."))
        return data

    def save(self, commit: bool = True) -> HealthSettings:
        base = defaults.default_weights()
        overrides: dict = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("w__"):
                continue
            _w, sign, part, key = name.split("__", 3)
            if value != base[sign][part].get(key):
                overrides.setdefault(sign, {}).setdefault(part, {})[key] = value
        self.instance.weights = overrides
        return super().save(commit)

    def weight_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[name] for name in names]) for label, names in self.weight_fields]
