"""Forms for billing settings, invoice drafts, lines, payments and sending."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from rapport.billing.models import BillingSettings, Deliverable, Invoice, InvoiceLine
from rapport.billing.services import image_data_uri
from rapport.clients.forms import DateInput
from rapport.clients.models import Client, Project
from rapport.core.money import precise
from rapport.core.uploads import UploadLimitMixin

LOGO_MAX_BYTES = 200 * 1024
LOGO_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class LogoInput(forms.ClearableFileInput):
    """Shows the current logo itself (uploaded files are not served by URL)."""

    template_name = "billing/widgets/logo_input.html"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        if self.is_initial(value):
            context["widget"]["preview"] = image_data_uri(value)
        return context


class BillingSettingsForm(UploadLimitMixin, forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = ["number_format", "payment_term_days", "tax_regime", "account_holder", "iban",
                  "bic", "bank_name", "deposit_percent", "retainer_day", "footer_text", "logo"]
        widgets = {"footer_text": forms.Textarea(attrs={"rows": 3}), "logo": LogoInput}
        help_texts = {"logo": _("PNG or JPEG, at most 200 KB; printed on every invoice.")}

    def clean_logo(self):  # noqa: ANN201
        """Only real PNG or JPEG images: the file is embedded into every PDF."""
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "read") or logo == self.instance.logo:
            return logo
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 200 KB."))
        head = logo.read(8)
        logo.seek(0)
        if not head.startswith(LOGO_SIGNATURES):
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo


class NewInvoiceForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(),
                                     required=False)

    def __init__(self, workspace: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(workspace=workspace)
        self.fields["project"].queryset = Project.objects.filter(workspace=workspace)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        client, project = cleaned.get("client"), cleaned.get("project")
        if client and project and project.client_id != client.pk:
            self.add_error("project", _("This project belongs to another client."))
        return cleaned


class InvoiceForm(forms.ModelForm):
    class Meta:
        model = Invoice
        fields = ["service_start", "service_end", "currency", "language", "tax_treatment",
                  "payment_term_days", "intro_text", "closing_text"]
        widgets = {
            "service_start": DateInput(), "service_end": DateInput(),
            "intro_text": forms.Textarea(attrs={"rows": 2}),
            "closing_text": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("service_start"), cleaned.get("service_end")
        if start and end and end < start:
            self.add_error("service_end", _("The service period ends before it starts."))
        return cleaned


class LineForm(forms.ModelForm):
    class Meta:
        model = InvoiceLine
        fields = ["description", "quantity", "unit", "unit_price", "vat_rate"]
        widgets = {"description": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # show 95.00 and 1.5, not 95.0000 and 1.500
            self.initial["unit_price"] = precise(self.instance.unit_price,
                                                 self.instance.invoice.currency)
            self.initial["quantity"] = format(self.instance.quantity.normalize(), "f")


LineFormSet = inlineformset_factory(
    Invoice, InvoiceLine, form=LineForm, extra=1, can_delete=True, min_num=0,
)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2,
                                min_value=Decimal("0.01"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class SendForm(forms.Form):
    to = forms.CharField(label=_("To"), help_text=_("One or more addresses, comma-separated."))
    message = forms.CharField(label=_("Personal message"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(
        label=_("Send to new addresses too"), required=False,
        help_text=_("Only needed for an address that is not one of the client's contacts; "
                    "it is remembered for this client."))

    def clean_to(self) -> list[str]:
        addresses = [a.strip() for a in self.cleaned_data["to"].replace(";", ",").split(",")
                     if a.strip()]
        if not addresses:
            raise forms.ValidationError(_("Enter at least one address."))
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("“%(value)s” is not an email address.") % {"value": address}
                ) from exc
        return addresses


class InvoiceMailForm(SendForm):
    """The preview: the email as it will leave, subject and text editable."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}),
                           max_length=20000)
    field_order = ["to", "subject", "body", "confirm"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["message"]  # it is part of the text now

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if "\r" in subject or "\n" in subject:
            raise forms.ValidationError(_("The subject must be a single line."))
        return subject.strip()


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["name", "status", "release_after_full_payment"]


class ExportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("Until"), widget=DateInput())
    csv_style = forms.ChoiceField(
        label=_("Summary table for"), required=False, choices=[
            ("german", _("German Excel (semicolon, decimal comma)")),
            ("standard", _("Other programs (decimal point, ISO dates)")),
        ])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and (
            cleaned["date_to"] < cleaned["date_from"]
        ):
            self.add_error("date_to", _("The end lies before the start."))
        return cleaned
