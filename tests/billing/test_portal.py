"""The client portal: a token opens exactly one invoice, and nothing else."""

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.billing import services
from rapport.billing.models import InvoiceEvent, PortalLink
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_invoices(workspace):
    make_billable(workspace)
    client = billable_client(workspace)
    invoices = []
    for text in ("Brochure copy", "Newsletter series"):
        invoice = services.new_draft(workspace, client)
        services.add_line(invoice, text, 1, 100)
        invoices.append(services.issue(invoice))
    return invoices


def _link(invoice, **fields):
    return PortalLink.objects.create(
        workspace=invoice.workspace, invoice=invoice,
        expires_at=fields.pop("expires_at", timezone.now() + dt.timedelta(days=30)), **fields)


def test_a_token_shows_its_invoice_without_login_and_records_the_first_view(two_invoices):
    first, second = two_invoices
    link = _link(first)
    anonymous = HttpClient()
    page = anonymous.get(f"/p/{link.token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Brochure copy" in body and first.number in body
    assert "Newsletter series" not in body and second.number not in body
    assert page["X-Robots-Tag"] == "noindex"
    link.refresh_from_db()
    viewed = link.first_viewed_at
    assert viewed is not None
    anonymous.get(f"/p/{link.token}/")
    link.refresh_from_db()
    assert link.first_viewed_at == viewed
    assert InvoiceEvent.objects.filter(invoice=first, kind="viewed").count() == 1


def test_the_portal_speaks_the_invoice_language(two_invoices):
    link = _link(two_invoices[0])
    body = HttpClient().get(f"/p/{link.token}/").content.decode()
    assert 'lang="de"' in body and "Rechnung" in body


@pytest.mark.parametrize("case", ["expired", "revoked", "wrong", "draft"])
def test_unusable_tokens_get_404(two_invoices, workspace, case):
    invoice = two_invoices[0]
    if case == "expired":
        token = _link(invoice, expires_at=timezone.now() - dt.timedelta(seconds=1)).token
    elif case == "revoked":
        token = _link(invoice, revoked_at=timezone.now()).token
    elif case == "wrong":
        _link(invoice)
        token = "A" * 32
    else:
        draft = services.new_draft(workspace, invoice.client)
        token = _link(draft).token
    anonymous = HttpClient()
    for suffix in ("", "pdf/", "xml/"):
        assert anonymous.get(f"/p/{token}/{suffix}").status_code == 404


def test_tokens_are_long_and_random(two_invoices):
    tokens = {_link(two_invoices[0]).token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(token) >= 32 for token in tokens)  # 24 random bytes = 192 bits


def test_a_consumer_reads_the_default_notice_in_the_portal_too(workspace):
    make_billable(workspace)
    person = billable_client(workspace, "Annette Sommer", kind="person", language="de")
    invoice = services.new_draft(workspace, person)
    services.add_line(invoice, "Blogartikel", 1, 300)
    invoice = services.issue(invoice)
    page = HttpClient().get(f"/p/{_link(invoice).token}/").content.decode()
    assert 'data-testid="consumer-note"' in page and "§ 286" in page
    assert "1 Stück" in page  # one piece, singular, as on the PDF
    company = services.new_draft(workspace, billable_client(workspace, "Firma GmbH"))
    services.add_line(company, "Text", 2, 300)
    company = services.issue(company)
    page = HttpClient().get(f"/p/{_link(company).token}/").content.decode()
    assert "§ 286" not in page
