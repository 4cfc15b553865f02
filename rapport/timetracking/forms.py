"""Forms of time tracking: the timer, manual entries, filters, invoicing, settings, imports."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from rapport.clients.forms import DateInput
from rapport.clients.models import Client, Project
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.core.uploads import FileImportMixin
from rapport.timetracking.durations import parse_minutes
from rapport.timetracking.invoicing import GROUP_BY_DAY, GROUP_BY_PROJECT
from rapport.timetracking.models import TimeEntry, TimeSettings

CLOSED = (Client.Status.FORMER, Client.Status.DECLINED)


def client_choices(workspace: Workspace) -> Any:
    return Client.objects.filter(workspace=workspace).exclude(status__in=CLOSED)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class TimerStartForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none(),
                                    empty_label=_("Client…"))

    def __init__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_choices(workspace)


class EntryForm(forms.ModelForm):
    """A manual entry (or an edit): a day, a start, and an end or a duration."""

    day = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput)
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput, required=False)
    duration = forms.CharField(
        label=_("Duration"), required=False, max_length=20,
        help_text=_("Instead of the end: 1:30, 1.5 or 90 min."),
    )

    class Meta:
        model = TimeEntry
        fields = ["client", "project", "category", "billable", "description"]

    def __init__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.zone = ZoneInfo(workspace.time_zone)
        clients = Client.objects.filter(workspace=workspace)
        if not self.instance.pk:
            clients = clients.exclude(status__in=CLOSED)
        self.fields["client"].queryset = clients
        self.fields["project"].queryset = Project.objects.filter(
            workspace=workspace).select_related("client").order_by("client__name", "name")
        self.fields["project"].label_from_instance = lambda p: f"{p.client.name} · {p.name}"
        if self.instance.pk:
            start = self.instance.started_at.astimezone(self.zone)
            self.initial.setdefault("day", start.date())
            self.initial.setdefault("start_time", start.time().replace(second=0))
            if self.instance.ended_at:
                end = self.instance.ended_at.astimezone(self.zone)
                self.initial.setdefault("end_time", end.time().replace(second=0))
            else:
                # A running timer keeps running: it has no end to edit yet.
                del self.fields["end_time"]
                del self.fields["duration"]
        else:
            self.initial.setdefault("day", clock.today())

    @property
    def running(self) -> bool:
        return bool(self.instance.pk) and self.instance.ended_at is None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        client, project = data.get("client"), data.get("project")
        if client and project and project.client_id != client.pk:
            self.add_error("project", _("This project belongs to another client."))
        day, start_time = data.get("day"), data.get("start_time")
        if day is None or start_time is None:
            return data
        started = dt.datetime.combine(day, start_time, tzinfo=self.zone)
        self.instance.started_at = started
        if self.running:
            if started > clock.now():
                self.add_error("start_time", _("A running timer cannot start in the future."))
            return data
        end_time, duration = data.get("end_time"), data.get("duration", "")
        if end_time is not None:
            ended = dt.datetime.combine(day, end_time, tzinfo=self.zone)
            if ended <= started:
                self.add_error("end_time", _("The end is before the start. For work past "
                                             "midnight, enter the duration instead."))
                return data
            self.instance.ended_at = ended
            self.instance.minutes = int((ended - started).total_seconds() // 60)
        elif duration:
            minutes = parse_minutes(duration)
            if minutes is None or minutes <= 0:
                self.add_error("duration", _("Enter a duration such as 1:30, 1.5 or 90 min."))
                return data
            self.instance.minutes = minutes
            self.instance.ended_at = started + dt.timedelta(minutes=minutes)
        else:
            self.add_error("end_time", _("Enter the end or the duration."))
        if self.instance.minutes > 60 * 24 * 7:
            self.add_error("duration", _("One entry can be at most a week long."))
        return data


class FilterForm(forms.Form):
    BILLING = [("", _("All")), ("billable", _("Billable")), ("unbilled", _("Billable, not billed")),
               ("billed", _("Billed")), ("non_billable", _("Not billable"))]

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none(),
                                    required=False, empty_label=_("All"))
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(),
                                     required=False, empty_label=_("All"))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All")), *TimeEntry.Category.choices])
    billing = forms.ChoiceField(label=_("Billing"), required=False, choices=BILLING)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput)

    def __init__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(workspace=workspace)
        projects = Project.objects.filter(workspace=workspace).select_related("client")
        self.fields["project"].queryset = projects.order_by("client__name", "name")
        self.fields["project"].label_from_instance = lambda p: f"{p.client.name} · {p.name}"


class InvoiceTimeForm(forms.Form):
    group_by = forms.ChoiceField(
        label=_("One invoice line per"), initial=GROUP_BY_PROJECT,
        choices=[(GROUP_BY_PROJECT, _("Project")), (GROUP_BY_DAY, _("Day"))],
        widget=forms.RadioSelect,
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate (net)"), required=False, max_digits=10, decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("For time without an hourly-rate project. Projects with an hourly rate "
                    "bill at their own rate."),
    )


class TimeSettingsForm(forms.ModelForm):
    class Meta:
        model = TimeSettings
        fields = ["minutes_per_email"]


IMPORT_SUFFIXES = frozenset({".csv", ".txt"})


class ImportUploadForm(FileImportMixin, forms.Form):
    upload_suffixes = IMPORT_SUFFIXES
    wrong_suffix_message = _("Upload a .csv file.")

    FORMATS = [(TimeEntry.Source.TOGGL, _("Toggl Track (detailed report, CSV)")),
               (TimeEntry.Source.CLOCKIFY, _("Clockify (detailed report, CSV)")),
               (TimeEntry.Source.CSV, _("Other CSV (you map the columns)"))]

    format = forms.ChoiceField(label=_("Exported from"), choices=FORMATS,
                               widget=forms.RadioSelect, initial=TimeEntry.Source.TOGGL)
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A .csv export; at most %(mb)d MB.") % {
            "mb": settings.RAPPORT_MAX_UPLOAD_MB}
