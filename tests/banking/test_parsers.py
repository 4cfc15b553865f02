"""Every supported statement format, read from realistic files of several banks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from rapport.banking.parsers import ParseError, auto, camt, presets, swift, table

FILES = Path(__file__).parent / "files"


def read(name: str, **kwargs: object):
    return auto.read((FILES / name).read_bytes(), name, **kwargs)


def summary(parsed) -> list[tuple]:
    return [(r.booking_date.isoformat(), str(r.amount), r.counterparty_name)
            for r in parsed.records]


MUSTER = ("2026-12-01", "1190.00", "Muster GmbH")
TELEKOM = ("2026-12-02", "-49.90", "Telekom Deutschland GmbH")


@pytest.mark.parametrize(("name", "bank", "expected"), [
    ("sparkasse.csv", "Sparkasse", [MUSTER, TELEKOM,
                                   ("2026-12-03", "595.00", "Bäckerei Müller & Söhne")]),
    ("volksbank.csv", "Volksbank", [MUSTER, TELEKOM,
                                   ("2026-12-03", "595.00", "Bäckerei Müller & Söhne")]),
    ("gls.csv", "Volksbank", [("2026-12-05", "2380.00", "Grünwerk e.V."),
                              ("2026-12-06", "-7.50", "GLS Bank")]),
    ("dkb.csv", "DKB", [TELEKOM, MUSTER]),
    ("ing.csv", "ING", [("2026-12-03", "595.00", "Bäckerei Müller & Söhne"), TELEKOM, MUSTER]),
    ("commerzbank.csv", "Commerzbank", [MUSTER[:2] + ("",), TELEKOM[:2] + ("",)]),
    ("postbank.csv", "Postbank", [TELEKOM, MUSTER]),
    ("deutsche-bank.csv", "Deutsche Bank", [MUSTER, TELEKOM]),
    ("n26.csv", "N26", [MUSTER, TELEKOM, ("2026-12-03", "-13.52", "Figma Inc.")]),
    ("kontist.csv", "Kontist", [MUSTER, TELEKOM]),
    ("qonto.csv", "Qonto", [MUSTER, TELEKOM]),
])
def test_each_bank_export_is_recognised_and_read_with_signed_amounts(name, bank, expected):
    data = (FILES / name).read_bytes()
    sample = table.decode(data, "utf-8-sig")
    assert presets.detect([row for _n, row in table.rows(sample, presets.PRESETS[bank].delimiter)]
                          ).name == bank
    assert summary(read(name)) == expected


def test_pending_rows_are_left_out_until_the_bank_books_them():
    """DKB, Qonto and Sparkasse list reserved card payments; they are not bookings yet."""
    for name in ("dkb.csv", "qonto.csv", "sparkasse.csv"):
        amounts = [r.amount for r in read(name).records]
        assert Decimal("-23.45") not in amounts and Decimal("-60.00") not in amounts


def test_latin1_umlauts_and_header_lines_of_the_ing_export():
    parsed = read("ing.csv")
    assert parsed.account_iban == "DE12500105170648489890"  # from the lines above the table
    assert parsed.records[0].counterparty_name == "Bäckerei Müller & Söhne"
    assert parsed.records[0].purpose == "Gutschrift RE-2026-0043"


def test_deutsche_bank_soll_and_haben_columns_give_the_sign_and_the_footer_is_skipped():
    records = read("deutsche-bank.csv").records
    assert [r.amount for r in records] == [Decimal("1190.00"), Decimal("-49.90")]
    assert records[0].end_to_end_id == "RE-2026-0042"


def test_dkb_takes_the_payee_for_money_going_out_and_the_payer_for_money_coming_in():
    telekom, muster = read("dkb.csv").records
    assert telekom.counterparty_name == "Telekom Deutschland GmbH"
    assert muster.counterparty_name == "Muster GmbH"
    assert muster.booking_date == dt.date(2026, 12, 1)  # "01.12.26"


def test_a_debit_credit_mark_column_signs_an_unsigned_amount():
    layout = table.Layout(name="Alt", booking_date="Buchungstag", amount="Umsatz",
                          debit_credit_mark="#4", counterparty_name="Name")
    data = ("Buchungstag;Name;Umsatz; \r\n01.12.2026;Muster GmbH;1.190,00;H\r\n"
            "02.12.2026;Telekom;49,90;S\r\n").encode("cp1252")
    assert [r.amount for r in table.parse(data, layout).records] == [Decimal("1190.00"),
                                                                      Decimal("-49.90")]


@pytest.mark.parametrize(("name", "source", "count"), [
    ("camt053-v08.xml", "camt053", 5), ("camt053-v02.xml", "camt053", 4),
    ("camt052-v04.xml", "camt052", 1), ("camt054-v08.xml", "camt054", 1),
])
def test_camt_versions_and_message_types(name, source, count):
    parsed = read(name)
    assert (parsed.source, len(parsed.records)) == (source, count)
    assert parsed.account_iban == "DE12500105170648489890"


def test_camt_entry_fields():
    muster, telekom, mueller, gruenwerk, _anna = read("camt053-v08.xml").records
    assert (muster.amount, muster.counterparty_iban, muster.end_to_end_id, muster.bank_reference,
            muster.purpose) == (Decimal("1190.00"), "DE89370400440532013000", "RE-2026-0042",
                                "2026120100001", "Rechnung RE-2026-0042 vielen Dank")
    assert telekom.amount == Decimal("-49.90")
    assert telekom.counterparty_name == "Telekom Deutschland GmbH"  # the creditor of a debit
    assert telekom.end_to_end_id == ""  # NOTPROVIDED is no reference
    assert mueller.counterparty_name == "Bäckerei Müller & Söhne"
    assert gruenwerk.bank_fee == Decimal("3.50")


def test_a_camt_batch_booking_is_split_into_its_transfers():
    records = read("camt053-v02.xml").records
    batch = [r for r in records if r.booking_date == dt.date(2026, 12, 2)]
    assert [(r.amount, r.end_to_end_id, r.bank_reference) for r in batch] == [
        (Decimal("476.00"), "RE-2026-0045", "B-77-1"),
        (Decimal("238.00"), "RE-2026-0046", "B-77-2")]
    assert records[-1].bank_fee == Decimal("12.00")  # v02 charges


def test_mt940_with_structured_details_and_latin1():
    parsed = read("mt940-sparkasse.sta")
    assert parsed.source == "mt940" and parsed.account_iban == "DE12500105170648489890"
    muster, telekom, mueller, anna = parsed.records
    assert (muster.amount, muster.counterparty_name, muster.counterparty_iban,
            muster.end_to_end_id, muster.bank_reference) == (
        Decimal("1190.00"), "Muster GmbH", "DE89370400440532013000", "RE-2026-0042",
        "2026120100001")
    assert "Rechnung RE-2026-0042" in muster.purpose
    assert telekom.amount == Decimal("-49.90")
    assert mueller.counterparty_name == "Bäckerei Müller und Söhne"
    assert mueller.bank_reference == ""
    assert anna.booking_date == dt.date(2026, 12, 4)  # from the second statement block


def test_mt942_is_recognised_as_an_intraday_report():
    parsed = read("mt942-intraday.sta")
    assert parsed.source == "mt942"
    assert summary(parsed) == [("2026-12-06", "119.00", "Muster GmbH")]


# Broken files ----------------------------------------------------------------------------

def test_a_broken_mt940_booking_line_is_refused_with_its_line_number():
    data = (FILES / "mt940-sparkasse.sta").read_bytes().replace(b"DR49,90N005", b"DR49,9x0N005")
    with pytest.raises(ParseError) as refused:
        swift.parse(data)
    assert refused.value.location == "line 8"
    assert "49,9x0N005" in refused.value.reason


def test_an_mt940_file_with_a_foreign_line_is_refused():
    data = b":20:X\r\n:25:DE12500105170648489890\r\nHello\r\n:61:2612011201CR1,00N166NONREF\r\n"
    with pytest.raises(ParseError, match="line 3"):
        swift.parse(data)


def test_a_broken_camt_amount_is_refused_with_the_element_path():
    data = (FILES / "camt053-v08.xml").read_bytes().replace(b">595.00<", b">59,5<")
    with pytest.raises(ParseError) as refused:
        camt.parse(data)
    assert refused.value.location == \
        "/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt"
    assert "“59,5” is not an amount" in refused.value.reason


def test_truncated_camt_is_refused_with_the_line():
    data = (FILES / "camt053-v08.xml").read_bytes()[:3000]
    with pytest.raises(ParseError, match=r"line \d+: The XML is not well-formed"):
        camt.parse(data)


def test_camt_with_entities_is_refused_before_parsing():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">&b;</Document>')
    with pytest.raises(ParseError, match="DTD or entities"):
        camt.parse(bomb)


def test_an_xml_that_is_not_camt_is_refused():
    with pytest.raises(ParseError, match="not a CAMT"):
        camt.parse(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>')


def test_a_bad_csv_date_is_refused_with_line_and_column():
    data = (FILES / "ing.csv").read_bytes().replace(b"02.12.2026;02.12.2026;Telekom",
                                                    b"32.12.2026;02.12.2026;Telekom")
    with pytest.raises(ParseError) as refused:
        table.parse(data, presets.PRESETS["ING"])
    assert refused.value.location == "line 17"
    assert "“32.12.2026” in column “Buchung” is not a date" in refused.value.reason


def test_a_bad_csv_amount_is_refused():
    data = (FILES / "volksbank.csv").read_bytes().replace(b";-49,90;", b";-49,9O;")
    with pytest.raises(ParseError, match=r"line 3: “-49,9O” in column “Betrag” is not an amount"):
        table.parse(data, presets.PRESETS["Volksbank"])


def test_an_unknown_file_says_what_to_do():
    with pytest.raises(ParseError, match="Choose the bank or save a column mapping"):
        auto.read(b"Datum;Was;Wieviel\r\n01.12.2026;x;1\r\n", "export.csv")
