"""A freelancer becomes a small business: an old draft with VAT cannot slip out."""

import pytest
from playwright.sync_api import expect

from rapport.billing import services
from rapport.billing.models import Invoice, TaxTreatment
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switching_to_small_business_stops_a_draft_with_vat_until_it_is_fixed(
        page, django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH")
    first = services.new_draft(workspace, client)
    services.add_line(first, "Lektorat Herbstprogramm", 10, "80.00")
    second = services.new_draft(workspace, client)
    services.add_line(second, "Korrektorat", 4, "60.00")
    log_in(page, "lena@example.com")

    # The regime changes in the billing settings; the drafts are offered, not changed.
    page.goto(f"{page.base_url}/invoices/settings/")
    page.get_by_label("Tax regime").select_option("small_business")
    page.get_by_role("button", name="Save settings").click()
    offer = page.get_by_test_id("drafts-regime")
    expect(offer).to_contain_text("Kranich Verlag GmbH")
    expect(offer.get_by_role("checkbox")).to_have_count(2)
    screenshot(page, "billing-settings-drafts-regime")
    assert Invoice.objects.get(pk=first.pk).tax_treatment == TaxTreatment.DOMESTIC

    # Issuing the old draft as it is gets refused, with the way out next to the reason.
    page.goto(f"{page.base_url}{first.get_absolute_url()}")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_test_id("regime-conflict")).to_contain_text("§ 14c UStG")
    screenshot(page, "invoice-regime-conflict")
    assert Invoice.objects.get(pk=first.pk).is_draft

    page.get_by_test_id("apply-regime").click()
    expect(page.get_by_test_id("regime-conflict")).to_have_count(0)
    expect(page.locator("table.lines")).to_contain_text("€800.00")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_text("issued.")).to_be_visible()
    issued = Invoice.objects.get(pk=first.pk)
    assert issued.tax_total == 0 and issued.gross_total == issued.net_total

    # The other draft is updated from the settings page after confirming.
    page.goto(f"{page.base_url}/invoices/settings/")
    expect(page.get_by_test_id("drafts-regime").get_by_role("checkbox")).to_have_count(1)
    page.get_by_test_id("apply-regime-to-drafts").click()
    expect(page.get_by_text("1 draft now follows your tax regime.")).to_be_visible()
    expect(page.get_by_test_id("drafts-regime")).to_have_count(0)
    assert Invoice.objects.get(pk=second.pk).tax_treatment == TaxTreatment.SMALL_BUSINESS
