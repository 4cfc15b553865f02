"""IBAN and BIC checks (schwifty), with messages a user understands."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException


def clean_iban(value: str) -> str:
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValidationError(_("This IBAN is not valid: %(reason)s") % {"reason": exc}) from exc


def clean_bic(value: str) -> str:
    try:
        return BIC(value).compact
    except SchwiftyException as exc:
        raise ValidationError(_("This BIC is not valid: %(reason)s") % {"reason": exc}) from exc


def format_iban(value: str) -> str:
    return IBAN(value).formatted if value else ""
