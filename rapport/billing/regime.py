"""Drafts follow the workspace's tax regime (§ 19 UStG small business or standard VAT).

An invoice that shows VAT the seller may not charge is owed anyway (§ 14c UStG), so a
draft written before the regime changed is refused at issuing until it is brought in line;
the billing settings offer to update all such drafts at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rapport.billing.models import Invoice, TaxRegime, TaxTreatment
from rapport.core.models import Workspace


def _small_business(workspace: Workspace) -> bool:
    from rapport.billing.services import billing_settings

    return billing_settings(workspace).tax_regime == TaxRegime.SMALL_BUSINESS


def regime_conflict(invoice: Invoice) -> str:
    """Why this draft's tax treatment contradicts the billing settings ('' if it does not)."""
    if not invoice.is_draft or invoice.kind == Invoice.Kind.CANCELLATION:
        return ""
    small = _small_business(invoice.workspace)
    if small and invoice.tax_treatment != TaxTreatment.SMALL_BUSINESS:
        return _("You are a small business (§ 19 UStG) according to your billing settings, "
                 "but this draft is set to “%(treatment)s”. VAT shown on an invoice is owed "
                 "even if you may not charge it (§ 14c UStG): switch the draft to § 19 UStG "
                 "before issuing it.") % {"treatment": invoice.get_tax_treatment_display()}
    if not small and invoice.tax_treatment == TaxTreatment.SMALL_BUSINESS:
        return _("Your billing settings say you charge VAT, but this draft is set to "
                 "§ 19 UStG (small business): switch the draft to your current tax regime "
                 "before issuing it.")
    return ""


def drafts_in_conflict(workspace: Workspace) -> QuerySet[Invoice]:
    """Drafts written under the other regime, oldest first."""
    drafts = (Invoice.objects.filter(workspace=workspace, state=Invoice.State.DRAFT)
              .exclude(kind=Invoice.Kind.CANCELLATION).order_by("created_at", "pk"))
    if _small_business(workspace):
        return drafts.exclude(tax_treatment=TaxTreatment.SMALL_BUSINESS)
    return drafts.filter(tax_treatment=TaxTreatment.SMALL_BUSINESS)


def apply_regime(invoice: Invoice) -> Invoice:
    """Give a draft the tax treatment a new draft for this client would get today."""
    from rapport.billing.services import default_tax_treatment

    if not invoice.is_draft:
        return invoice
    invoice.tax_treatment = default_tax_treatment(invoice.workspace, invoice.client)
    invoice.save(update_fields=["tax_treatment"])
    return invoice


@transaction.atomic
def apply_regime_to_drafts(workspace: Workspace, pks: list[int] | None = None) -> int:
    """Update the conflicting drafts (only those listed, if given); returns how many."""
    drafts = drafts_in_conflict(workspace).select_for_update().select_related("client")
    if pks is not None:
        drafts = drafts.filter(pk__in=pks)
    count = 0
    for invoice in drafts:
        apply_regime(invoice)
        count += 1
    return count
