"""A time in the change history reads in the reader's time zone, like the rest of the page."""

from django.utils import timezone, translation

from rapport.audit.texts import value_text
from rapport.billing.models import Invoice


def test_a_stored_utc_time_reads_as_local_time():
    with timezone.override("Europe/Berlin"), translation.override("de"):
        assert value_text(Invoice, "sent_at", "2026-12-02T09:55:00+00:00") == "02.12.2026 10:55"
    with timezone.override("America/New_York"), translation.override("de"):
        assert value_text(Invoice, "sent_at", "2026-12-02T09:55:00+00:00") == "02.12.2026 04:55"


def test_an_unreadable_time_is_shown_as_stored():
    assert value_text(Invoice, "sent_at", "not a time") == "not a time"
