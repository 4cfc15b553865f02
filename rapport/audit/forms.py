from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.audit.texts import OBJECT_TYPES
from rapport.clients.forms import DateInput


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    object_type = forms.ChoiceField(label=_("Object type"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All")), *OBJECT_TYPES.items()]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end lies before the start."))
        return cleaned
