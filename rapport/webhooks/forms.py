from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core import netguard
from rapport.webhooks.models import SUBSCRIBABLE, Endpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https",
                         help_text=_("Where the events are posted; a public https address."))
    events = forms.MultipleChoiceField(
        label=_("Events to send"), widget=forms.CheckboxSelectMultiple,
        choices=[(e.value, e.label) for e in SUBSCRIBABLE])

    class Meta:
        model = Endpoint
        fields = ["url", "events"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"}:
            raise forms.ValidationError(_("Use an http or https address."))
        try:
            netguard.check_saved_host(parts.hostname or "")
        except netguard.NotAllowed as exc:
            raise forms.ValidationError(
                _("This address is not public. Webhooks go only to addresses on the "
                  "internet.")) from exc
        return url
