from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.api.models import ApiToken
from rapport.clients.forms import DateInput
from rapport.core import clock


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What uses it, e.g. “accounting export”."))
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices,
                              initial=ApiToken.Scope.READ, widget=forms.RadioSelect)
    expires_on = forms.DateField(label=_("Valid until"), required=False, widget=DateInput(),
                                 help_text=_("Leave empty for a token that does not expire."))

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < clock.today():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def expires_at(self, tz: dt.tzinfo) -> dt.datetime | None:
        """The end of the chosen day in the workspace's time zone."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
