"""Forms of the comms app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.forms import DateInput
from rapport.clients.models import Client
from rapport.comms.models import CalendarSubscription, MailAccount, Meeting, MeetingLog
from rapport.core import netguard
from rapport.core.dates import short_date
from rapport.core.models import Workspace
from rapport.core.uploads import FileImportMixin

UPLOAD_SUFFIXES = frozenset({".mbox", ".mbx", ".eml", ".ics", ".ical", ".txt", ""})


class UploadForm(FileImportMixin, forms.Form):
    upload_suffixes = UPLOAD_SUFFIXES
    wrong_suffix_message = _("Upload an .mbox, .eml or .ics file.")

    file = forms.FileField(label=_("Mail or calendar file"),
                           help_text=_("An .mbox or .eml export, or an .ics calendar."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An .mbox or .eml export, or an .ics calendar; at most %(mb)d MB."
        ) % {"mb": settings.RAPPORT_MAX_UPLOAD_MB}

    def upload_too_large_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            _("The file is larger than %(mb)d MB, the most one upload may bring. Export "
              "a shorter period, or split the mbox into several files."),
            code="too_large", params={"mb": settings.RAPPORT_MAX_UPLOAD_MB})


class ClientChoiceForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())

    def __init__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(workspace=workspace)


class AssignSenderForm(ClientChoiceForm):
    address = forms.EmailField(widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class MeetingLogForm(forms.ModelForm):
    fee = forms.DecimalField(label=_("Fee to bill"), required=False, min_value=Decimal("0.01"),
                             max_digits=12, decimal_places=2,
                             help_text=_("Added to the client's next invoice."))

    class Meta:
        model = MeetingLog
        fields = ["meeting", "held_on", "planned_minutes", "actual_minutes", "agenda_minutes",
                  "off_topic_minutes", "no_show", "late_cancellation", "billable", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, client: Client | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meetings = Meeting.objects.none()
        if client is not None:
            meetings = Meeting.objects.filter(workspace_id=client.workspace_id,
                                              client=client).order_by("-start")[:30]
        self.fields["meeting"].queryset = Meeting.objects.filter(
            pk__in=[m.pk for m in meetings]).order_by("-start")
        self.fields["meeting"].required = False
        tz = client.workspace.tz if client is not None else None
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{short_date(timezone.localtime(m.start, tz).date())} "
            f"{timezone.localtime(m.start, tz):%H:%M} {m.summary}")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("billable"):
            if not (data.get("no_show") or data.get("late_cancellation")):
                self.add_error("billable", _("Only a no-show or a late cancellation is "
                                             "billed."))
            if not data.get("fee"):
                self.add_error("fee", _("How much should the client pay?"))
        if (data.get("agenda_minutes") or 0) + (data.get("off_topic_minutes") or 0) > (
            data.get("actual_minutes") or 0
        ) and not data.get("no_show"):
            self.add_error("off_topic_minutes",
                           _("Agenda and off-topic minutes add up to more than the call."))
        return data


class MailAccountForm(forms.ModelForm):
    password = forms.CharField(
        label=_("App password"), widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; it is never shown again."),
    )

    class Meta:
        model = MailAccount
        fields = ["name", "host", "port", "security", "username", "folders"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["port"].validators.append(MaxValueValidator(65535))
        if self.instance.pk:
            self.fields["password"].required = False
            self.fields["password"].help_text = _("Leave empty to keep the stored password.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        host, port = (data.get("host") or "").strip(), data.get("port")
        if host and port and 0 < port < 65536:
            try:
                _check_address(host, port)
            except forms.ValidationError as exc:
                self.add_error("host", exc)
        return data


class CalendarURLField(forms.URLField):
    """An http(s) address; `webcal://` (what calendar apps hand out) is read as https."""

    def to_python(self, value: Any) -> str:
        text = (value or "").strip()
        if text.lower().startswith("webcal://"):
            text = "https://" + text[len("webcal://"):]
        return super().to_python(text)


def _check_address(host: str, port: int) -> None:
    """Refuse what is visibly internal; no lookup or connection happens in the request."""
    try:
        netguard.check_saved_host(host)
    except netguard.NotAllowed as exc:
        raise forms.ValidationError(
            _("This address points into a private network and is not allowed here."),
            code="private_address") from exc


class SubscriptionForm(forms.ModelForm):
    url = CalendarURLField(label=_("ICS address"), max_length=1000, assume_scheme="https",
                           help_text=_("An https, http or webcal address."))

    class Meta:
        model = CalendarSubscription
        fields = ["name", "url"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.startswith(("http://", "https://")):
            raise forms.ValidationError(_("Use an http or https address."))
        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise forms.ValidationError(_("Enter a valid URL.")) from exc
        _check_address(parts.hostname or "", port)
        return url
