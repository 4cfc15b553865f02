"""A switch to § 19 UStG reaches the drafts: none is issued with VAT the seller may not charge."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.billing import services
from rapport.billing.models import Invoice, TaxRegime, TaxTreatment
from rapport.billing.regime import drafts_in_conflict
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db

SETTINGS = {"number_format": "RE-{YYYY}-{seq:04}", "payment_term_days": "14",
            "account_holder": "", "iban": "DE89370400440532013000", "bic": "",
            "bank_name": "", "deposit_percent": "50", "retainer_day": "25", "footer_text": ""}


@pytest.fixture
def draft_with_vat(workspace):
    make_billable(workspace)
    draft = services.new_draft(workspace, billable_client(workspace))
    services.add_line(draft, "Lektorat", 10, "80.00", vat_rate="19.00")
    assert draft.tax_treatment == TaxTreatment.DOMESTIC
    return draft


def _become_small_business(workspace) -> None:
    settings = services.billing_settings(workspace)
    settings.tax_regime = TaxRegime.SMALL_BUSINESS
    settings.save()


def test_a_draft_with_vat_is_not_issued_after_the_switch_to_small_business(draft_with_vat):
    _become_small_business(draft_with_vat.workspace)
    with pytest.raises(ValidationError, match="§ 19 UStG") as refused:
        services.issue(draft_with_vat, dt.date(2026, 12, 1))
    assert "§ 14c UStG" in " ".join(refused.value.messages)
    draft_with_vat.refresh_from_db()
    assert draft_with_vat.is_draft and not draft_with_vat.number


def test_the_draft_page_explains_the_refusal_and_its_button_fixes_the_draft(
        owner_http, draft_with_vat):
    _become_small_business(draft_with_vat.workspace)
    url = f"/invoices/{draft_with_vat.pk}/"
    page = owner_http.post(f"{url}issue/", follow=True).content.decode()
    assert "§ 14c UStG" in page and 'data-testid="apply-regime"' in page
    owner_http.post(f"{url}apply-tax-regime/")
    invoice = services.issue(Invoice.objects.get(pk=draft_with_vat.pk), dt.date(2026, 12, 1))
    assert invoice.tax_treatment == TaxTreatment.SMALL_BUSINESS
    assert invoice.tax_total == Decimal("0.00") and invoice.gross_total == Decimal("800.00")


def test_changing_the_regime_offers_to_update_drafts_and_does_so_only_when_confirmed(
        owner_http, draft_with_vat):
    workspace = draft_with_vat.workspace
    second = services.new_draft(workspace, draft_with_vat.client)
    saved = owner_http.post("/invoices/settings/", {**SETTINGS, "tax_regime": "small_business"},
                            follow=True).content.decode()
    assert "previous tax regime" in saved and 'data-testid="drafts-regime"' in saved
    assert "current tax regime, “Small business (§ 19 UStG, no VAT)”, and" in saved  # not ((…))
    assert set(drafts_in_conflict(workspace)) == {draft_with_vat, second}  # nothing changed yet
    owner_http.post("/invoices/settings/apply-tax-regime/", {"draft": [draft_with_vat.pk]})
    draft_with_vat.refresh_from_db()
    second.refresh_from_db()
    assert draft_with_vat.tax_treatment == TaxTreatment.SMALL_BUSINESS
    assert second.tax_treatment == TaxTreatment.DOMESTIC  # not ticked, not touched
    assert list(drafts_in_conflict(workspace)) == [second]


def test_switching_back_to_standard_vat_refuses_small_business_drafts(draft_with_vat):
    workspace = draft_with_vat.workspace
    _become_small_business(workspace)
    fresh = services.new_draft(workspace, draft_with_vat.client)
    services.add_line(fresh, "Korrektorat", 1, "200.00")
    assert fresh.tax_treatment == TaxTreatment.SMALL_BUSINESS
    settings = services.billing_settings(workspace)
    settings.tax_regime = TaxRegime.STANDARD
    settings.save()
    with pytest.raises(ValidationError, match="charge VAT"):
        services.issue(fresh, dt.date(2026, 12, 1))


def test_a_draft_that_follows_the_regime_issues_as_before(draft_with_vat):
    invoice = services.issue(draft_with_vat, dt.date(2026, 12, 1))
    assert invoice.tax_total == Decimal("152.00")


def test_the_refusal_is_explained_in_german_too(draft_with_vat):
    from django.utils import translation

    _become_small_business(draft_with_vat.workspace)
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        services.issue(draft_with_vat, dt.date(2026, 12, 1))
    assert "Kleinunternehmer" in " ".join(refused.value.messages)
