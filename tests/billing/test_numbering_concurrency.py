"""Gap-free numbers under load: many issuers at once must neither repeat nor skip a number.

Only PostgreSQL runs the issuers truly in parallel (SQLite serialises every writer), so
only there does this prove that the counter row lock in `next_number()` holds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from rapport.billing import services
from rapport.billing.models import Invoice, NumberCounter
from tests.billing.factories import billable_client, make_billable

THREADS = 8
PER_THREAD = 50
TODAY = dt.date(2026, 5, 4)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite never issues two invoices at once"),
    pytest.mark.django_db(transaction=True),
]


def _sequence(number: str) -> int:
    """`RE-2026-0042` → 42, from the default format `RE-{YYYY}-{seq:04}`."""
    prefix, year, sequence = number.split("-")
    assert (prefix, year) == ("RE", "2026"), number
    return int(sequence)


def test_parallel_issuers_get_every_number_exactly_once(workspace):
    ws = make_billable(workspace)
    client = billable_client(ws)
    drafts = []
    for index in range(THREADS * PER_THREAD):
        draft = services.new_draft(ws, client)
        services.add_line(draft, f"Item {index}", "1", "10")
        drafts.append(draft.pk)
    batches = [drafts[i::THREADS] for i in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[Exception] = []
    numbers: list[str] = []
    lock = threading.Lock()

    def issue_batch(batch: list[int]) -> None:
        try:
            start.wait(timeout=30)
            for pk in batch:
                issued = services.issue(Invoice(pk=pk), TODAY)
                with lock:
                    numbers.append(issued.number)
        except Exception as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection; do not leak it

    began = time.monotonic()
    threads = [threading.Thread(target=issue_batch, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an issuer hung"
    elapsed = time.monotonic() - began

    assert errors == []
    total = THREADS * PER_THREAD
    sequences = sorted(_sequence(n) for n in numbers)
    assert sequences == list(range(1, total + 1))  # no duplicate, no gap
    stored = Invoice.objects.filter(workspace=ws, state=Invoice.State.ISSUED)
    assert sorted(_sequence(n) for n in stored.values_list("number", flat=True)) == sequences
    counter = NumberCounter.objects.get(workspace=ws, period="2026")
    assert counter.last_value == total
    assert elapsed < 20, f"{total} issues took {elapsed:.1f} s"
