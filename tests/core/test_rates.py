"""ECB reference rates: the shipped history, `rapport update-rates`, conversion."""

import datetime as dt
import http.server
import io
import threading
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from rapport.core.models import ExchangeRate
from rapport.core.rates import Converter, RateFileError, parse_ecb_csv, rate_on

pytestmark = pytest.mark.django_db

DAILY = ("Date, USD, JPY, CZK, DKK, GBP, HUF, PLN, RON, SEK, CHF, ISK, NOK, TRY, AUD, \n"
         "04 December 2026, 1.0500, 160.00, 24.000, 7.4600, 0.85000, 380.00, 4.3000, "
         "4.9700, 11.0000, 0.9400, 140.00, 11.5000, 35.0000, 1.6000, \n")
HISTORY = ("Date,USD,JPY,BGN,CYP,GBP,\n"
           "2026-12-04,1.05,160,N/A,N/A,0.85,\n"
           "2026-12-03,1.04,159.5,N/A,N/A,0.851,\n")


def test_the_shipped_history_answers_for_a_past_day():
    rate = rate_on("USD", dt.date(2026, 10, 30))
    assert rate.per_euro == Decimal("1.1172") and rate.date == dt.date(2026, 10, 30)


def test_a_weekend_uses_the_friday_rate():
    assert rate_on("GBP", dt.date(2026, 11, 1)).date == dt.date(2026, 10, 30)


def test_the_euro_needs_no_rate():
    assert rate_on("EUR", dt.date(2026, 1, 1)).per_euro == 1


def test_no_rate_before_the_euro_existed_so_nothing_is_converted():
    converter = Converter("EUR", dt.date(1998, 6, 1))
    assert converter.convert(Decimal("100"), "USD") is None
    assert converter.missing == {"USD"}


def test_conversion_rounds_to_the_target_currency_and_remembers_the_rate():
    converter = Converter("JPY", dt.date(2026, 10, 30))
    assert converter.convert(Decimal("100.00"), "EUR") == Decimal("17568")
    assert converter.convert(Decimal("100.00"), "USD") == Decimal("15725")  # via the euro
    assert [r.currency for r in converter.rates] == ["JPY", "USD"]


def test_update_rates_imports_the_daily_file_and_newer_rates_win(tmp_path, capsys):
    path = tmp_path / "eurofxref.csv"
    path.write_text(DAILY)
    call_command("update-rates", str(path))
    assert "newest reference date 2026-12-04" in capsys.readouterr().out
    rate = rate_on("USD", dt.date(2026, 12, 5))
    assert rate.per_euro == Decimal("1.05") and rate.date == dt.date(2026, 12, 4)
    assert not ExchangeRate.objects.filter(currency__in=["HUF", "RON", "ISK"]).exists()


def test_re_importing_the_same_file_changes_nothing(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(HISTORY)
    call_command("update-rates", str(path))
    count = ExchangeRate.objects.count()
    call_command("update-rates", str(path))
    assert ExchangeRate.objects.count() == count == 6  # USD, JPY, GBP on two days; no N/A


def test_update_rates_reads_the_zip_the_ecb_publishes(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", HISTORY)
    path = tmp_path / "eurofxref-hist.zip"
    path.write_bytes(buffer.getvalue())
    call_command("update-rates", str(path))
    assert rate_on("GBP", dt.date(2026, 12, 3)).per_euro == Decimal("0.851")


def test_a_malformed_file_is_reported_with_its_line_and_nothing_is_imported(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(HISTORY + "2026-12-02,1.03,abc,N/A,N/A,0.86,\n")
    with pytest.raises(CommandError, match="line 4, JPY: “abc” is not a number"):
        call_command("update-rates", str(path))
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"), ("Datum,USD\n", "ECB header"), ("Date,USD\n31.12.2026,1.1\n", "not a date"),
    ("Date,USD\n2026-12-01,-1\n", "positive")])
def test_files_that_are_not_ecb_rates_are_refused(text, reason):
    with pytest.raises(RateFileError, match=reason):
        parse_ecb_csv(text)


def test_update_rates_downloads_from_a_url():
    body = HISTORY.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        call_command("update-rates", f"http://127.0.0.1:{server.server_port}/hist.csv")
    finally:
        thread.join(5)
        server.server_close()
    assert rate_on("USD", dt.date(2026, 12, 4)).per_euro == Decimal("1.05")


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="no such file"):
        call_command("update-rates", "/nonexistent/eurofxref.csv")
