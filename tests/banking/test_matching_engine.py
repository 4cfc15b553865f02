"""Which invoice a bank transaction pays, decided from the statement line alone."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from rapport.banking.engine import BookedPayment, Decision, Matcher, OpenInvoice
from rapport.banking.references import name_key, number_key

BRANDT, KRAUSE, OTHER = 1, 2, 3
BRANDT_IBAN = "DE02 1203 0000 0000 2020 51"


@dataclass
class Line:
    amount: Decimal
    purpose: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    currency: str = "EUR"
    end_to_end_id: str = ""
    bank_fee: Decimal | None = None
    pk: int | None = None


def line(amount: str, purpose: str = "", **kwargs) -> Line:
    return Line(Decimal(amount), purpose, **kwargs)


def invoices() -> list[OpenInvoice]:
    return [
        OpenInvoice(10, "RE-2026-0042", BRANDT, "EUR", Decimal("1190.00")),
        OpenInvoice(11, "RE-2026-0043", BRANDT, "EUR", Decimal("595.00")),
        OpenInvoice(12, "RE-2026-0044", KRAUSE, "EUR", Decimal("238.00")),
        OpenInvoice(13, "RE-2026-0045", KRAUSE, "USD", Decimal("500.00")),
        OpenInvoice(14, "RE-2026-0046", OTHER, "EUR", Decimal("777.77")),
    ]


@pytest.fixture
def matcher():
    return Matcher(invoices(), payers=[(BRANDT, BRANDT_IBAN, "Möbelmanufaktur Brandt KG")],
                   clients=[(KRAUSE, "Krause & Partner GmbH")])


def best(matcher, entry):
    decision = matcher.decide(entry)
    return decision.action, decision.candidate


@pytest.mark.parametrize("written", [
    "Rechnung RE-2026-0042", "RE 2026 0042 vielen Dank", "re2026-0042", "RE-2026 - 00 42",
])
def test_the_invoice_number_is_found_however_it_is_split(matcher, written):
    action, found = best(matcher, line("1190.00", written))
    assert action == Decision.BOOK and found.allocations == ((10, Decimal("1190.00")),)
    assert [r["code"] for r in found.reasons] == ["invoice_number", "exact_amount"]


@pytest.mark.parametrize("written", ["RE-2O26-OO42", "RE-2026-OO42", "RE-2O26-OO4 2",
                                     "RE-2026-0O42", "Rechnung 2026-0042",
                                     "Rechnung Nr. 2026 / 0042", "RE-2O26-0042"])
def test_look_alike_characters_and_a_missing_prefix_still_find_the_invoice(matcher, written):
    found = matcher.candidates(line("1190.00", written))
    assert found[0].invoice_pks == (10,)
    assert found[0].reasons[0]["code"] == "invoice_number_fuzzy"
    assert found[0].reasons[0]["params"]["number"] == "RE-2026-0042"
    assert found[0].confidence == pytest.approx(0.85)  # suggested, not booked on its own


def test_a_different_number_is_not_mistaken_for_the_invoice(matcher):
    assert matcher.candidates(line("12.00", "RE-2026-0024")) == []
    assert matcher.candidates(line("12.00", "RE-2026-00427")) == []


def test_the_girocode_reference_is_the_strongest_evidence(matcher):
    found = matcher.candidates(line("1190.00", "RE-2026-0042"))[0]
    assert found.reasons[0] == {"code": "girocode_reference",
                                "params": {"number": "RE-2026-0042"}}
    assert found.confidence == 0.99


def test_a_known_iban_with_the_exact_amount_is_suggested_without_a_number(matcher):
    action, found = best(matcher, line("595.00", "Danke", counterparty_iban=BRANDT_IBAN))
    assert action == Decision.SUGGEST and found.invoice_pks == (11,)
    assert [r["code"] for r in found.reasons] == ["payer_iban", "exact_amount"]


def test_the_clients_own_name_identifies_the_payer(matcher):
    action, found = best(matcher, line("238.00", "Zahlung", counterparty_name="KRAUSE + PARTNER"))
    assert action == Decision.SUGGEST and found.invoice_pks == (12,)
    assert found.reasons[0]["code"] == "payer_name"


def test_a_partial_payment_books_what_arrived_and_says_what_remains(matcher):
    found = matcher.candidates(line("500.00", "RE-2026-0042 Teilzahlung"))[0]
    assert found.allocations == ((10, Decimal("500.00")),)
    assert found.reasons[1] == {"code": "partial_payment",
                                "params": {"remaining": "690.00", "currency": "EUR"}}
    assert matcher.decide(line("500.00", "RE-2026-0042")).action == Decision.SUGGEST
    # from the client's known account the same transfer is booked
    known = line("500.00", "RE-2026-0042", counterparty_iban=BRANDT_IBAN)
    assert matcher.decide(known).action == Decision.BOOK


def test_an_overpayment_is_suggested_with_the_excess(matcher):
    action, found = best(matcher, line("1200.00", "RE-2026-0042"))
    assert action == Decision.SUGGEST and found.allocations == ((10, Decimal("1200.00")),)
    assert found.reasons[1]["code"] == "overpayment"
    assert found.reasons[1]["params"]["excess"] == "10.00"


def test_one_transfer_pays_several_invoices(matcher):
    action, found = best(matcher, line("1785.00", "RE-2026-0042 und RE-2026-0043"))
    assert action == Decision.BOOK
    assert found.allocations == ((10, Decimal("1190.00")), (11, Decimal("595.00")))
    assert "several_invoices" in [r["code"] for r in found.reasons]


def test_several_invoices_of_a_known_payer_add_up_without_numbers(matcher):
    found = matcher.candidates(line("1785.00", "Sammelzahlung", counterparty_iban=BRANDT_IBAN))
    assert found[0].allocations == ((10, Decimal("1190.00")), (11, Decimal("595.00")))


def test_a_fee_deducted_by_the_bank_still_settles_the_invoice(matcher):
    stated = matcher.candidates(line("1182.50", "RE-2026-0042", bank_fee=Decimal("7.50")))[0]
    assert stated.allocations == ((10, Decimal("1190.00")),)
    assert stated.reasons[1] == {"code": "bank_fee", "params": {"fee": "7.50", "currency": "EUR"}}
    assert matcher.decide(line("1182.50", "RE-2026-0042", bank_fee=Decimal("7.50"))).action \
        == Decision.BOOK
    tolerated = matcher.candidates(line("1180.00", "RE-2026-0042"))[0]
    assert tolerated.allocations == ((10, Decimal("1190.00")),)
    assert tolerated.reasons[1]["code"] == "fee_tolerated"
    # 40 EUR short of 1,190 is an underpayment, not a fee
    short = matcher.candidates(line("1150.00", "RE-2026-0042"))[0]
    assert short.allocations == ((10, Decimal("1150.00")),)
    assert short.reasons[1]["code"] == "partial_payment"


def test_currencies_are_never_mixed(matcher):
    assert matcher.candidates(line("500.00", "RE-2026-0045")) == []
    found = matcher.candidates(line("500.00", "RE-2026-0045", currency="USD"))
    assert found[0].invoice_pks == (13,)
    assert matcher.candidates(line("1190.00", "RE-2026-0042", currency="CHF")) == []


def test_the_exact_amount_alone_is_only_a_suggestion_and_only_when_unique(matcher):
    action, found = best(matcher, line("777.77", "Überweisung"))
    assert action == Decision.SUGGEST and found.invoice_pks == (14,)
    assert [r["code"] for r in found.reasons] == ["exact_amount", "only_invoice_with_amount"]
    twins = Matcher(invoices() + [OpenInvoice(15, "RE-2026-0047", KRAUSE, "EUR",
                                              Decimal("777.77"))])
    assert twins.decide(line("777.77", "Überweisung")).action == Decision.NONE


def test_unrelated_money_stays_unmatched(matcher):
    assert matcher.decide(line("42.00", "Erstattung Fahrkarte")).action == Decision.NONE
    assert matcher.decide(line("-89.90", "Miete Büro Dezember")).action == Decision.NONE


def test_a_booked_payment_lowers_what_the_next_transaction_sees(matcher):
    first = matcher.decide(line("1190.00", "RE-2026-0042")).candidate
    matcher.consume(first)
    again = matcher.decide(line("1190.00", "RE-2026-0042"))
    assert again.action == Decision.NONE


def test_a_chargeback_reverses_the_earlier_payment():
    booked = [BookedPayment(10, "RE-2026-0042", BRANDT, "EUR", Decimal("1190.00"),
                            payer_iban=BRANDT_IBAN, end_to_end_id="E2E-77")]
    matcher = Matcher([], booked=booked)
    action, found = best(matcher, line("-1190.00", "RUECKLASTSCHRIFT RE-2026-0042",
                                       counterparty_iban=BRANDT_IBAN, end_to_end_id="E2E-77"))
    assert action == Decision.BOOK and found.allocations == ((10, Decimal("-1190.00")),)
    assert found.reasons[-1]["code"] == "chargeback"
    refund = matcher.candidates(line("-10.00", "Erstattung Überzahlung RE-2026-0042"))[0]
    assert refund.allocations == ((10, Decimal("-10.00")),)
    assert refund.reasons[-1]["code"] == "refund"
    assert matcher.decide(line("-10.00", "Erstattung RE-2026-0042")).action == Decision.SUGGEST


def test_two_equally_good_readings_are_never_booked_automatically():
    matcher = Matcher([OpenInvoice(1, "RE-1001", BRANDT, "EUR", Decimal("100.00")),
                       OpenInvoice(2, "RE-1002", BRANDT, "EUR", Decimal("100.00"))],
                      payers=[(BRANDT, BRANDT_IBAN, "")])
    decision = matcher.decide(line("100.00", "Danke", counterparty_iban=BRANDT_IBAN))
    assert decision.action != Decision.BOOK
    assert "ambiguous" in [r["code"] for r in decision.candidate.reasons]


def test_keys_fold_what_clients_and_scanners_change():
    assert number_key("re-2O26/ool42") == number_key("RE 2026 00142")
    assert name_key("Möbelmanufaktur Brandt KG") == name_key("MOEBELMANUFAKTUR BRANDT")


def test_the_end_to_end_reference_names_the_invoice_too(matcher):
    found = matcher.candidates(line("595.00", "Zahlung", end_to_end_id="RE-2026-0043"))[0]
    assert found.invoice_pks == (11,) and found.reasons[0]["code"] == "invoice_number"
    assert matcher.candidates(line("12.00", "Gebühr", end_to_end_id="NOTPROVIDED")) == []


def test_three_invoices_of_a_known_payer_add_up_without_numbers():
    matcher = Matcher([OpenInvoice(1, "RE-1001", BRANDT, "EUR", Decimal("100.00")),
                       OpenInvoice(2, "RE-1002", BRANDT, "EUR", Decimal("250.00")),
                       OpenInvoice(3, "RE-1003", BRANDT, "EUR", Decimal("40.00")),
                       OpenInvoice(4, "RE-1004", KRAUSE, "EUR", Decimal("10.00"))],
                      payers=[(BRANDT, BRANDT_IBAN, "")])
    [found] = matcher.candidates(line("390.00", "Sammelzahlung", counterparty_iban=BRANDT_IBAN))
    assert sorted(found.invoice_pks) == [1, 2, 3]
    assert found.reasons[1]["params"]["count"] == 3
    # another client's invoice never completes the sum
    assert matcher.candidates(line("400.00", "Sammelzahlung",
                                   counterparty_iban=BRANDT_IBAN)) == []
