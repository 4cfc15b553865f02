"""The reasons behind a match, in the reader's language (they are stored as codes)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from rapport.core.money import format_money


def _money(params: dict, key: str) -> str:
    value = params.get(key)
    if value in (None, ""):
        return ""
    return format_money(abs(Decimal(value)), params.get("currency", "EUR"),
                        (get_language() or "en")[:2])


def describe(reason: dict) -> str:
    """One reason as a sentence; an unknown code (from a newer version) shows as it is."""
    code, params = reason.get("code", ""), reason.get("params") or {}
    texts = {
        "girocode_reference": lambda: _("The purpose is the GiroCode reference %(number)s.")
        % {"number": params.get("number", "")},
        "invoice_number": lambda: _("Invoice number %(number)s in the purpose.")
        % {"number": params.get("number", "")},
        "invoice_number_fuzzy": lambda: _("“%(written)s” in the purpose reads as invoice "
                                          "number %(number)s.")
        % {"written": params.get("written", ""), "number": params.get("number", "")},
        "exact_amount": lambda: _("Exactly the open amount (%(amount)s).")
        % {"amount": _money(params, "amount")},
        "bank_fee": lambda: _("%(fee)s less: the bank fee stated on the statement.")
        % {"fee": _money(params, "fee")},
        "fee_tolerated": lambda: _("%(fee)s less, probably fees deducted by the bank.")
        % {"fee": _money(params, "fee")},
        "partial_payment": lambda: _("Partial payment: %(remaining)s remain open.")
        % {"remaining": _money(params, "remaining")},
        "overpayment": lambda: _("%(excess)s more than was open.")
        % {"excess": _money(params, "excess")},
        "several_invoices": lambda: ngettext(
            "One transfer for %(count)d invoice (together %(total)s).",
            "One transfer for %(count)d invoices (together %(total)s).",
            int(params.get("count", 0))) % {"count": int(params.get("count", 0)),
                                            "total": _money(params, "total")},
        "payer_iban": lambda: _("The account %(iban)s paid this client's invoices before.")
        % {"iban": params.get("iban", "")},
        "payer_name": lambda: _("The payer %(name)s is known as this client.")
        % {"name": params.get("name", "")},
        "only_invoice_with_amount": lambda: _("The only open invoice with this amount."),
        "ambiguous": lambda: _("Other invoices fit just as well: please check."),
        "same_transfer_reference": lambda: _("Same transfer reference %(reference)s as the "
                                             "payment.")
        % {"reference": params.get("reference", "")},
        "chargeback": lambda: _("Chargeback of %(amount)s paid on %(number)s.")
        % {"amount": _money(params, "amount"), "number": params.get("number", "")},
        "refund": lambda: _("Refund of %(amount)s on %(number)s.")
        % {"amount": _money(params, "amount"), "number": params.get("number", "")},
        "assigned_by_hand": lambda: _("Assigned by hand."),
    }
    text = texts.get(code)
    return text() if text else code


def describe_all(reasons: list[dict]) -> list[str]:
    return [describe(reason) for reason in reasons or []]
