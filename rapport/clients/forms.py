"""Forms for clients, contacts, notes, projects and status changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients import services
from rapport.clients.models import Client, Contact, Note, Project
from rapport.core.timezones import TimeZoneField


class DateInput(forms.DateInput):
    """A browser date picker; its ISO value comes from the input formats in rapport.formats."""

    input_type = "date"


class ClientForm(forms.ModelForm):
    time_zone = TimeZoneField()
    tags_text = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate with commas."),
    )
    domains_text = forms.CharField(
        label=_("Email domains"), required=False,
        help_text=_("Company domains such as example.com; mail from them will be linked "
                    "to this client. Learnt from contact addresses automatically."),
    )

    class Meta:
        model = Client
        fields = ["kind", "name", "language", "time_zone", "preferred_channel", "street",
                  "postal_code", "city", "country", "vat_id"]

    working_together = forms.BooleanField(
        label=_("Already working together?"), required=False, initial=True,
        help_text=_("Ticked, the client starts as active and shows in client health; "
                    "unticked, as a prospect until a proposal is accepted."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].keep(self.instance.time_zone)
        if self.instance.pk:  # only a new client is asked; later the status page decides
            del self.fields["working_together"]
            self.initial["tags_text"] = ", ".join(t.name for t in self.instance.tags.all())
            self.initial["domains_text"] = ", ".join(self.instance.email_domains())

    def clean_tags_text(self) -> list[str]:
        return services.split_items(self.cleaned_data.get("tags_text", ""), r"\s*[,;]\s*")

    def clean_domains_text(self) -> list[str]:
        values = services.split_items(self.cleaned_data.get("domains_text", ""))
        return services.clean_domains(self.instance, values)

    def save(self, commit: bool = True) -> Client:
        client = super().save(commit=True)
        services.set_tags(client, self.cleaned_data["tags_text"])
        services.set_client_domains(client, self.cleaned_data["domains_text"])
        return client


class ContactForm(forms.ModelForm):
    emails_text = forms.CharField(
        label=_("Email addresses"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or more, separated by commas or new lines."),
    )

    class Meta:
        model = Contact
        fields = ["name", "role", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["emails_text"] = ", ".join(self.instance.addresses())

    def clean_emails_text(self) -> list[str]:
        values = services.split_items(self.cleaned_data.get("emails_text", ""))
        return services.clean_addresses(self.instance, values)

    def save(self, commit: bool = True) -> Contact:
        contact = super().save(commit=True)
        services.set_contact_emails(contact, self.cleaned_data["emails_text"])
        return contact


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["kind", "happened_on", "text", "check_in_outcome", "incident_category",
                  "severity"]
        widgets = {
            "happened_on": DateInput(),
            "text": forms.Textarea(attrs={"rows": 3}),
            "kind": forms.RadioSelect,
        }


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "status", "rate_type", "amount", "currency", "start_date",
                  "end_date", "description"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    changed_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, client: Client, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["to_status"].choices = client.allowed_transitions()

    def save(self, by: object) -> None:
        try:
            self.client.change_status(
                self.cleaned_data["to_status"], reason=self.cleaned_data["reason"], by=by,
                on=self.cleaned_data["changed_on"],
            )
        except ValidationError as exc:
            self.add_error("to_status", exc)
            raise
