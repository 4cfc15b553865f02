"""Forms of the bank pages: upload, transaction filters, CSV mappings, DATEV settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rapport.banking.datev import DEFAULT_ACCOUNTS, fiscal_year_start
from rapport.banking.models import BankTransaction, CsvMapping, DatevSettings
from rapport.banking.parsers.presets import PRESETS
from rapport.core.uploads import FileImportMixin

UPLOAD_SUFFIXES = frozenset({".xml", ".sta", ".mt940", ".940", ".942", ".txt", ".csv"})


class UploadForm(FileImportMixin, forms.Form):
    upload_suffixes = UPLOAD_SUFFIXES
    wrong_suffix_message = _("Upload a CAMT (.xml), MT940 (.sta) or CSV file.")

    file = forms.FileField(label=_("Statement file"))
    layout = forms.ChoiceField(label=_("Bank or column mapping"), required=False,
                               help_text=_("Only needed for CSV files the bank presets do "
                                           "not recognise."))

    def __init__(self, workspace: object, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CAMT.053/052/054 (.xml), MT940/MT942 (.sta) or a bank's CSV export; at most "
            "%(mb)d MB.") % {"mb": settings.RAPPORT_MAX_UPLOAD_MB}
        mappings = CsvMapping.objects.filter(workspace=workspace)
        self.fields["layout"].choices = [
            ("", _("Recognise automatically")),
            (_("Bank presets"), [(f"preset:{name}", name) for name in PRESETS]),
            *([(_("Saved mappings"), [(f"mapping:{m.pk}", m.name) for m in mappings])]
              if mappings else []),
        ]
        self.mappings = {str(m.pk): m for m in mappings}

    def choice(self) -> tuple[CsvMapping | None, str]:
        """The saved mapping or the preset name the user chose (or neither)."""
        value = self.cleaned_data.get("layout") or ""
        kind, _sep, key = value.partition(":")
        if kind == "mapping":
            return self.mappings.get(key), ""
        return None, key if kind == "preset" else ""


class TransactionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *BankTransaction.Status.choices])
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("Counterparty, IBAN, purpose or reference"))


class CsvMappingForm(forms.ModelForm):
    class Meta:
        model = CsvMapping
        fields = ["name", "delimiter", "encoding", "decimal_comma", "date_format",
                  "account_iban", "col_booking_date", "col_value_date", "col_amount",
                  "col_debit", "col_credit", "col_debit_credit_mark", "col_currency",
                  "col_counterparty_name", "col_counterparty_iban", "col_purpose",
                  "col_end_to_end_id", "col_bank_reference", "col_account_iban"]

    def __init__(self, *args: Any, workspace: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        taken = CsvMapping.objects.filter(workspace=self.workspace, name=name).exclude(
            pk=self.instance.pk)
        if taken.exists() or name in PRESETS:
            raise forms.ValidationError(_("This name is already used by a mapping or preset."))
        return name

    def clean_date_format(self) -> str:
        value = self.cleaned_data["date_format"]
        try:
            dt.datetime.strptime(dt.date(2026, 12, 31).strftime(value), value)
        except ValueError as error:
            raise forms.ValidationError(_("This is not a date format like %d.%m.%Y.")) from error
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("col_amount") and not (data.get("col_debit") or data.get("col_credit")):
            raise forms.ValidationError(_("Name the amount column, or the debit and credit "
                                          "columns."))
        return data


class DatevSettingsForm(forms.ModelForm):
    class Meta:
        model = DatevSettings
        fields = ["chart", "consultant_number", "client_number", "fiscal_year_start_month",
                  "revenue_account_19", "tax_key_19", "revenue_account_7", "tax_key_7",
                  "revenue_account_0", "revenue_account_small_business",
                  "revenue_account_reverse_charge", "revenue_account_export", "bank_account",
                  "debtor_account"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, number in DEFAULT_ACCOUNTS[self.instance.chart].items():
            self.fields[name].widget.attrs["placeholder"] = number  # what empty means


class DatevExportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, start_month: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_month = start_month

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        if start and end and (fiscal_year_start(start, self.start_month)
                              != fiscal_year_start(end, self.start_month)):
            raise forms.ValidationError(_("A DATEV batch covers one fiscal year at most; "
                                          "export each year on its own."))
        return data
