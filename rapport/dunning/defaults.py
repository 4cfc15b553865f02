"""The reminder policy every workspace starts with: neutral form letters, German practice.

A friendly note before the due date, a reminder that creates the default (free of charge,
as German law expects), then two notices with statutory interest and the flat fee.
Placeholders: {client} {number} {issue_date} {due_date} {amount} {open_amount} {charges}
{total} {new_deadline} {portal_link} {seller}.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from rapport.core.models import Workspace
from rapport.dunning.models import DunningLevel, DunningPolicy, FeeKind

_SIGN_DE = "\n\nMit freundlichen Grüßen\n{seller}"
_SIGN_EN = "\n\nKind regards\n{seller}"

LEVELS = [
    {
        "delay_days": -3, "fee_kind": FeeKind.NONE, "deadline_days": 0,
        "title_de": "Freundlicher Hinweis", "title_en": "Friendly note",
        "body_de": "Guten Tag,\n\ndies ist ein automatischer Hinweis: Die Rechnung {number} vom "
                   "{issue_date} über {amount} wird am {due_date} fällig.\n\nSie finden sie "
                   "hier: {portal_link}\n\nFalls Sie bereits überwiesen haben, betrachten Sie "
                   "diese Nachricht bitte als gegenstandslos." + _SIGN_DE,
        "body_en": "Hello,\n\nthis is an automatic note: invoice {number} of {issue_date} for "
                   "{amount} is due on {due_date}.\n\nYou can find it here: {portal_link}\n\n"
                   "If you have already paid, please disregard this message." + _SIGN_EN,
    },
    {
        "delay_days": 3, "fee_kind": FeeKind.NONE, "deadline_days": 7,
        "title_de": "Zahlungserinnerung", "title_en": "Payment reminder",
        "body_de": "Guten Tag,\n\nnach unserer Buchhaltung ist die Rechnung {number} vom "
                   "{issue_date} über {amount}, fällig am {due_date}, noch offen "
                   "({open_amount}).\n\nBitte überweisen Sie den Betrag bis zum "
                   "{new_deadline}. Rechnung und Zahlungsdaten: {portal_link}\n\nFalls sich "
                   "Ihre Zahlung mit dieser Nachricht gekreuzt hat, ist alles in Ordnung."
                   + _SIGN_DE,
        "body_en": "Hello,\n\naccording to our records, invoice {number} of {issue_date} for "
                   "{amount}, due on {due_date}, is still open ({open_amount}).\n\nPlease "
                   "transfer the amount by {new_deadline}. Invoice and payment details: "
                   "{portal_link}\n\nIf your payment has crossed this message, all is well."
                   + _SIGN_EN,
    },
    {
        "delay_days": 14, "fee_kind": FeeKind.STATUTORY, "deadline_days": 7,
        "title_de": "1. Mahnung", "title_en": "First notice",
        "body_de": "Guten Tag,\n\ndie Rechnung {number} vom {issue_date} ist trotz "
                   "Zahlungserinnerung noch offen ({open_amount}). Gemäß den vereinbarten "
                   "Bedingungen berechnen wir: {charges}\n\nBitte überweisen Sie insgesamt "
                   "{total} bis zum {new_deadline}. Rechnung und Zahlungsdaten: "
                   "{portal_link}" + _SIGN_DE,
        "body_en": "Hello,\n\ninvoice {number} of {issue_date} is still open ({open_amount}) "
                   "despite our reminder. Under the agreed terms we charge: {charges}\n\n"
                   "Please transfer {total} in total by {new_deadline}. Invoice and payment "
                   "details: {portal_link}" + _SIGN_EN,
    },
    {
        "delay_days": 28, "fee_kind": FeeKind.STATUTORY, "deadline_days": 7,
        "title_de": "Letzte Mahnung", "title_en": "Final notice",
        "body_de": "Guten Tag,\n\ndie Rechnung {number} vom {issue_date} ist weiterhin offen "
                   "({open_amount}). Bisher angefallen: {charges}\n\nBitte überweisen Sie "
                   "insgesamt {total} bis spätestens {new_deadline}. Danach werden wir ohne "
                   "weitere Ankündigung das gerichtliche Mahnverfahren einleiten. Rechnung "
                   "und Zahlungsdaten: {portal_link}" + _SIGN_DE,
        "body_en": "Hello,\n\ninvoice {number} of {issue_date} is still open ({open_amount}). "
                   "Charges so far: {charges}\n\nPlease transfer {total} in total by "
                   "{new_deadline} at the latest. After that date we will start court "
                   "collection proceedings without further notice. Invoice and payment "
                   "details: {portal_link}" + _SIGN_EN,
    },
]


@transaction.atomic
def default_policy(workspace: Workspace) -> DunningPolicy:
    """The workspace's policy, created with the default levels on first use."""
    policy, created = DunningPolicy.objects.get_or_create(workspace=workspace, client=None)
    if created:
        DunningLevel.objects.bulk_create(
            DunningLevel(policy=policy, position=i, fee_value=Decimal("0"), **level)
            for i, level in enumerate(LEVELS, start=1)
        )
    return policy
