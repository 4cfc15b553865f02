"""An invoice without German VAT shows no VAT rate on its lines, on every page that shows it.

A line keeps its stored rate (the draft may switch back to domestic VAT), but under § 19 UStG,
reverse charge or export the document charges none: printing "19 %" next to "VAT 0 %" would
contradict itself, and the PDF already leaves the column out.
"""

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.billing import services
from rapport.billing.models import PortalLink, TaxRegime, TaxTreatment
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


def _draft(workspace, treatment):
    make_billable(workspace)
    draft = services.new_draft(workspace, billable_client(workspace))
    services.add_line(draft, "Lektorat", 10, "80.00", vat_rate="19.00")
    draft.tax_treatment = treatment
    draft.save()
    return draft


def _document(response) -> str:
    """The invoice as the client will see it (the draft page also has the line form)."""
    html = response.content.decode()
    return html[html.index("<article>"):html.index("</article>")]


@pytest.mark.parametrize("treatment", [TaxTreatment.REVERSE_CHARGE, TaxTreatment.EXPORT])
def test_a_draft_without_vat_shows_no_rate_and_says_why(owner_http, workspace, treatment):
    draft = _draft(workspace, treatment)
    page = _document(owner_http.get(f"/invoices/{draft.pk}/"))
    assert 'data-testid="line-vat"' not in page and "19 %" not in page
    assert 'data-testid="tax-note"' in page
    # 10 × €80.00 and nothing added on top: the total is €800.00, not €952.00.
    assert "<strong>€800.00</strong>" in page and "952" not in page


def test_a_domestic_draft_still_shows_each_line_rate(owner_http, workspace):
    draft = _draft(workspace, TaxTreatment.DOMESTIC)
    page = _document(owner_http.get(f"/invoices/{draft.pk}/"))
    assert page.count('data-testid="line-vat"') == 1 and "19 %" in page
    assert 'data-testid="tax-note"' not in page


def test_a_small_business_invoice_in_the_portal_shows_no_vat_rate(workspace):
    make_billable(workspace)
    settings = services.billing_settings(workspace)
    settings.tax_regime = TaxRegime.SMALL_BUSINESS
    settings.save()
    draft = services.new_draft(workspace, billable_client(workspace, language="de"))
    services.add_line(draft, "Lektorat", 10, "80.00", vat_rate="0.00")
    draft.lines.update(vat_rate="19.00")  # a rate left over from before the switch
    invoice = services.issue(draft, dt.date(2026, 12, 1))
    assert invoice.tax_treatment == TaxTreatment.SMALL_BUSINESS
    link = PortalLink.objects.create(workspace=workspace, invoice=invoice,
                                     expires_at=timezone.now() + dt.timedelta(days=30))
    page = HttpClient().get(f"/p/{link.token}/").content.decode()
    assert "19 %" not in page and 'data-testid="line-vat"' not in page
    assert "§ 19 UStG" in page
    assert "800,00" in page
