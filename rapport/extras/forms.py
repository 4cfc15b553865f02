"""The one small form for logging an extra request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.clients.forms import DateInput
from rapport.clients.models import Client
from rapport.extras.models import ExtraRequest


class ExtraRequestForm(forms.ModelForm):
    class Meta:
        model = ExtraRequest
        fields = ["kind", "label", "description", "minutes", "amount", "currency",
                  "requested_on", "project"]
        widgets = {"kind": forms.RadioSelect, "requested_on": DateInput,
                   "description": forms.TextInput}
        help_texts = {"amount": _("Only for a paid extra: what you charge for it."),
                      "minutes": _("Your estimate of the time it takes.")}

    def __init__(self, *args: Any, client: Client, labels: list[str] = (), **kwargs: Any
                 ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = client.projects.all()
        self.fields["project"].required = False
        self.fields["label"].widget.attrs.update({"list": "extra-labels",
                                                  "autocomplete": "off", "autofocus": True})
        self.labels = list(labels)
