"""IBAN and BIC checks (schwifty), with messages a user understands."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from schwifty import BIC, IBAN
from schwifty import exceptions as errors

# schwifty explains in English; the user reads the reason in their own language.
REASONS = {
    errors.InvalidLength: gettext_lazy("it has the wrong number of characters"),
    errors.InvalidStructure: gettext_lazy("it contains characters that do not belong there"),
    errors.InvalidCountryCode: gettext_lazy("the country code is unknown"),
    errors.InvalidBankCode: gettext_lazy("the bank code is unknown"),
    errors.InvalidBranchCode: gettext_lazy("the branch code is unknown"),
    errors.InvalidAccountCode: gettext_lazy("the account number is not valid"),
    errors.InvalidChecksumDigits: gettext_lazy("the check digits do not match; please check "
                                               "for a typo"),
    errors.InvalidBBANChecksum: gettext_lazy("the national check digit does not match; "
                                             "please check for a typo"),
}


def reason(exc: errors.SchwiftyException) -> str:
    """Why schwifty refused a value, translated (its own text is English only)."""
    for kind, text in REASONS.items():
        if isinstance(exc, kind):
            return str(text)
    return _("it is not in a known format")


def clean_iban(value: str) -> str:
    try:
        return IBAN(value).compact
    except errors.SchwiftyException as exc:
        raise ValidationError(_("This IBAN is not valid: %(reason)s")
                              % {"reason": reason(exc)}) from exc


def clean_bic(value: str) -> str:
    try:
        return BIC(value).compact
    except errors.SchwiftyException as exc:
        raise ValidationError(_("This BIC is not valid: %(reason)s")
                              % {"reason": reason(exc)}) from exc


def format_iban(value: str) -> str:
    return IBAN(value).formatted if value else ""
