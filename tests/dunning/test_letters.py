"""The printable letter shows open items, charges with their calculation and § 367."""

import datetime as dt
import subprocess

import pytest

from rapport.billing import services as billing
from rapport.core import clock
from rapport.dunning import services
from rapport.dunning.letters import render_letter

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 3, 16)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def test_the_final_notice_letter_explains_everything(overdue, known_rates, tmp_path):
    terms = services.terms_for(overdue.client)
    terms.late_fees_since, terms.late_fees_source = dt.date(2026, 1, 1), "agreed"
    terms.save()
    for day in (3, 14):
        with clock.travel(DUE + dt.timedelta(days=day)):
            services.run_now(overdue.workspace)
    billing.record_payment(overdue, "100.00", DUE + dt.timedelta(days=20))
    with clock.travel(DUE + dt.timedelta(days=28)):
        services.run_now(overdue.workspace)
    final = overdue.reminders.get(title="Letzte Mahnung")
    text = _text(render_letter(final), tmp_path)
    assert "Letzte Mahnung" in text and overdue.number in text
    assert "1.190,00 €" in text and "Zahlung" in text and "100,00 €" in text
    assert "40,00 €" in text  # the flat fee charged with the first notice
    assert "10,27 %" in text  # base rate 1.27 + 9 points
    assert "§ 367" in text  # how the partial payment was applied
    # 100.00 paid on day 20: 40.00 costs, 6.70 interest (1,190 × 10.27 % × 20/365), 53.30
    assert "1.136,70 €" in text  # the invoice amount still open after § 367
    deadline = final.new_deadline.strftime("%-d. ")
    assert deadline in text
