from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.inbox.models import InboxSettings


class IgnoreSenderForm(forms.Form):
    address = forms.EmailField()
    scope = forms.ChoiceField(choices=[("address", _("this sender")),
                                       ("domain", _("the whole domain"))])


class InboxSettingsForm(forms.ModelForm):
    class Meta:
        model = InboxSettings
        fields = ["ignore_private"]
        help_texts = {"ignore_private": _(
            "Personal entries (doctor, family) stay out of “Meetings without a client”.")}
