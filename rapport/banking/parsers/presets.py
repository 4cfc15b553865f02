"""Column layouts of the CSV exports of common German banks (and N26, Qonto, Kontist).

Written from the banks' documented or published export formats; if a bank changes its
export, a saved `CsvMapping` reads the new one until the preset is updated.
"""

from __future__ import annotations

from rapport.banking.parsers.table import Layout, find_header

# Atruvia online banking (Volksbanken Raiffeisenbanken, GLS Bank) since 2021.
_ATRUVIA = dict(
    delimiter=";", encoding="utf-8-sig", decimal_comma=True, date_format="%d.%m.%Y",
    booking_date="Buchungstag", value_date="Valutadatum", amount="Betrag", currency="Waehrung",
    counterparty_name="Name Zahlungsbeteiligter", counterparty_iban="IBAN Zahlungsbeteiligter",
    purpose="Verwendungszweck", account_column="IBAN Auftragskonto",
)

PRESETS: dict[str, Layout] = {layout.name: layout for layout in [
    Layout(  # "CSV-CAMT V2" export of the Sparkassen, Windows-1252, every field quoted
        name="Sparkasse", encoding="cp1252", date_format="%d.%m.%y",
        booking_date="Buchungstag", value_date="Valutadatum", amount="Betrag",
        currency="Waehrung", counterparty_name="Beguenstigter/Zahlungspflichtiger",
        counterparty_iban="Kontonummer/IBAN", purpose="Verwendungszweck",
        end_to_end_id="Kundenreferenz (End-to-End)", account_column="Auftragskonto",
        status="Info", booked=("Umsatz gebucht",),
    ),
    Layout(name="Volksbank", **_ATRUVIA),
    Layout(name="GLS Bank", **_ATRUVIA),
    Layout(  # DKB online banking since 2023: account lines on top, two-digit years
        name="DKB", date_format="%d.%m.%y", booking_date="Buchungsdatum",
        value_date="Wertstellung", amount="Betrag (€)", counterparty_name="Zahlungspflichtige*r",
        counterparty_name_out="Zahlungsempfänger*in", counterparty_iban="IBAN",
        purpose="Verwendungszweck", end_to_end_id="Kundenreferenz", status="Status",
        booked=("Gebucht",),
    ),
    Layout(  # ING "Umsatzanzeige": Windows-1252, a dozen lines about the account on top
        name="ING", encoding="cp1252", booking_date="Buchung", value_date="Wertstellungsdatum",
        amount="Betrag", currency="#9", counterparty_name="Auftraggeber/Empfänger",
        purpose="Buchungstext|Verwendungszweck",
    ),
    Layout(  # Commerzbank: the counterparty is part of the booking text
        name="Commerzbank", booking_date="Buchungstag", value_date="Wertstellung",
        amount="Betrag", currency="Währung", purpose="Buchungstext",
        counterparty_iban="IBAN Auftraggeberkonto",
    ),
    Layout(  # Postbank: account lines on top, amounts with a € sign
        name="Postbank", encoding="cp1252", booking_date="Buchungstag", value_date="Wert",
        amount="Betrag (€)", counterparty_name="Auftraggeber",
        counterparty_name_out="Empfänger", purpose="Umsatzart|Buchungsdetails",
    ),
    Layout(  # Deutsche Bank: separate "Soll" (negative) and "Haben" columns
        name="Deutsche Bank", encoding="cp1252", booking_date="Buchungstag", value_date="Wert",
        debit="Soll", credit="Haben", currency="Währung",
        counterparty_name="Begünstigter / Auftraggeber", counterparty_iban="IBAN",
        purpose="Verwendungszweck", end_to_end_id="Kundenreferenz",
    ),
    Layout(  # N26: comma separated, decimal point, ISO dates
        name="N26", delimiter=",", decimal_comma=False, date_format="%Y-%m-%d",
        booking_date="Booking Date", value_date="Value Date", amount="Amount (EUR)",
        counterparty_name="Partner Name", counterparty_iban="Partner Iban",
        purpose="Payment Reference",
    ),
    Layout(  # Kontist: comma separated, decimal point, ISO dates
        name="Kontist", delimiter=",", decimal_comma=False, date_format="%Y-%m-%d",
        booking_date="bookingDate", value_date="valutaDate", amount="amount",
        counterparty_name="name", counterparty_iban="iban", purpose="description",
        end_to_end_id="endToEndId", bank_reference="transactionId",
    ),
    Layout(  # Qonto: semicolons, decimal point, dates with time, pending rows listed
        name="Qonto", decimal_comma=False, date_format="%d-%m-%Y %H:%M:%S",
        booking_date="Settlement date (UTC)", value_date="Operation date (UTC)",
        amount="Total amount (incl. VAT)", currency="Currency",
        counterparty_name="Counterparty name", purpose="Reference",
        bank_reference="Transaction ID", status="Status", booked=("settled",),
    ),
]}


def detect(rows: list[list[str]], candidates: list[Layout] | None = None) -> Layout | None:
    """The most specific layout whose columns all appear in one of the file's first lines."""
    layouts = candidates if candidates is not None else list(PRESETS.values())
    for layout in sorted(layouts, key=lambda layout: -len(layout.columns())):
        if find_header(rows, layout, every=True) is not None:
            return layout
    return None
