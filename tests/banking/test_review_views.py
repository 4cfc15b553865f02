"""Bank → To review: booked with undo, suggestions to confirm, unmatched to assign by hand."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from rapport.banking.matching import match_new
from rapport.banking.models import MatchSettings
from rapport.billing.models import Invoice
from tests.banking.factories import BRANDT_IBAN, bank_line, issued
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db
REVIEW = reverse("bank_review:review")


@pytest.fixture
def statement(workspace):
    """One booked, one suggested, one unmatched transaction."""
    make_billable(workspace)
    brandt = billable_client(workspace, "Möbelmanufaktur Brandt KG")
    paid, suggested, open_ = (issued(brandt, "1000.00"), issued(brandt, "500.00"),
                              issued(brandt, "200.00"))
    rows = [bank_line(workspace, "1190.00", f"Rechnung {paid.number}", iban=BRANDT_IBAN),
            bank_line(workspace, "595.00", "RE 2O26 OOO2"),
            bank_line(workspace, "100.00", "Abschlag", name="M. Brandt")]
    match_new(workspace.pk, [r.pk for r in rows])
    return rows, (paid, suggested, open_)


def _page(owner_http, language="en"):
    owner_http.cookies["django_language"] = language
    with translation.override(language):
        return owner_http.get(REVIEW, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_page_shows_each_group_with_its_reasons(owner_http, statement):
    html = _page(owner_http)
    assert "Invoice number RE-2026-0001 in the purpose." in html
    assert "“RE2O26OOO2” in the purpose reads as invoice number RE-2026-0002." in html
    assert "Assign to invoices" in html and "Not client-related" in html
    assert "automatically" in html and "Undo" in html


def test_the_reasons_read_in_german_for_a_german_reader(owner_http, owner, statement):
    owner.language = "de"
    owner.save()
    html = owner_http.get(REVIEW, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Rechnungsnummer RE-2026-0001 im Verwendungszweck." in html
    assert "Genau der offene Betrag (1.190,00\xa0€)." in html
    assert "Zu prüfen" in html


def test_confirm_reject_undo_and_put_aside_from_the_page(owner_http, statement):
    (booked, suggested, unmatched), (paid, proposed, _open) = statement
    owner_http.post(reverse("bank_review:confirm", args=[suggested.pk]))
    assert Invoice.objects.get(pk=proposed.pk).payment_status() == "paid"
    owner_http.post(reverse("bank_review:undo", args=[booked.pk]))
    assert Invoice.objects.get(pk=paid.pk).payments.count() == 0
    booked.refresh_from_db()
    assert booked.status == "suggested"
    owner_http.post(reverse("bank_review:reject", args=[booked.pk]))
    owner_http.post(reverse("bank_review:ignore", args=[unmatched.pk]))
    unmatched.refresh_from_db()
    booked.refresh_from_db()
    assert (booked.status, unmatched.status) == ("unmatched", "ignored")
    assert "Put back" in _page(owner_http)
    owner_http.post(reverse("bank_review:unignore", args=[unmatched.pk]))
    unmatched.refresh_from_db()
    assert unmatched.status == "unmatched"


def test_assigning_by_hand_searches_open_invoices_and_books_the_shares(owner_http, statement):
    (_booked, _suggested, unmatched), (_paid, _proposed, open_) = statement
    url = reverse("bank_review:assign", args=[unmatched.pk])
    html = owner_http.get(url, {"q": "Brandt"}).content.decode()
    assert open_.number in html
    response = owner_http.post(url, {f"share_{open_.pk}": "50"})
    assert response.status_code == 200 and "add up to 50.00" in response.content.decode()
    assert Invoice.objects.get(pk=open_.pk).payments.count() == 0
    response = owner_http.post(url, {f"share_{open_.pk}": "100,00"})
    assert response.status_code == 302
    assert Invoice.objects.get(pk=open_.pk).balance() == Decimal("138.00")


def test_the_threshold_is_saved_and_checked(owner_http, workspace):
    owner_http.post(reverse("bank_review:threshold"), {"auto_book_threshold": "0,95"})
    assert MatchSettings.objects.get(workspace=workspace).auto_book_threshold == Decimal("0.95")
    response = owner_http.post(reverse("bank_review:threshold"),
                               {"auto_book_threshold": "0.2"}, follow=True)
    assert "between 0.50 and 1.00" in response.content.decode()
    assert MatchSettings.objects.get(workspace=workspace).auto_book_threshold == Decimal("0.95")


def test_money_going_back_is_assigned_to_an_invoice_that_was_paid(owner_http, statement):
    (_booked, _suggested, _unmatched), (paid, _proposed, open_) = statement
    refund = bank_line(paid.workspace, "-90.00", "Gutschrift", name="Möbelmanufaktur Brandt")
    url = reverse("bank_review:assign", args=[refund.pk])
    html = owner_http.get(url).content.decode()
    assert paid.number in html and open_.number not in html  # only paid invoices
    owner_http.post(url, {f"share_{paid.pk}": "-90,00"})
    assert Invoice.objects.get(pk=paid.pk).balance() == Decimal("90.00")


def test_money_going_out_is_listed_apart_and_not_offered_against_open_invoices(
        owner_http, owner, statement):
    (_booked, _suggested, unmatched), _invoices = statement
    expense = bank_line(unmatched.workspace, "-49.90", "Telefon und Internet",
                        name="Telekom Deutschland GmbH")
    match_new(unmatched.workspace_id, [expense.pk])
    html = _page(owner_http)
    unmatched_part = html.split('data-testid="unmatched"')[1].split("</section>")[0]
    outgoing_part = html.split('data-testid="outgoing"')[1].split("</section>")[0]
    assert f'data-testid="unmatched-{unmatched.pk}"' in unmatched_part
    assert "Telekom" not in unmatched_part and "Telekom" in outgoing_part
    assert "1 unmatched" in html and "1 going out" in html
    assert "Assign to invoices" not in outgoing_part and "Refund to a client" in outgoing_part
    owner.language = "de"
    owner.save()
    html = _page(owner_http, "de")
    assert "Ausgänge" in html and "1 Ausgang" in html


def test_the_demo_transfer_pays_an_open_invoice_and_is_booked(db):
    from rapport.banking.models import BankTransaction
    from rapport.front.demo import build_demo

    build_demo()
    transfer = BankTransaction.objects.get(bank_reference="DEMO-0001")
    invoice = transfer.matches.get().invoice
    assert transfer.status == BankTransaction.Status.MATCHED
    assert invoice.number in transfer.purpose and invoice.balance() == 0
    # The invoice had no payment in the billing story before this transfer.
    assert [p.amount for p in invoice.payments.all()] == [transfer.amount]
