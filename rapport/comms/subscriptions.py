"""ICS subscriptions: fetch a calendar by URL and import it like a file."""

from __future__ import annotations

import urllib.error
import urllib.request

from django.utils import timezone

from rapport.comms import jobs
from rapport.comms.calendar import import_ics
from rapport.comms.mailimport import ImportResult
from rapport.comms.models import CalendarSubscription, Source

MAX_BYTES = 20 * 1024 * 1024


@jobs.tracked_sync
def refresh(subscription: CalendarSubscription, timeout: float = 30) -> ImportResult:
    url = subscription.url
    if url.startswith("webcal://"):
        url = "https://" + url[len("webcal://"):]
    if not url.startswith(("http://", "https://")):
        _done(subscription, "", "only http and https addresses")
        return ImportResult(errors=[{"position": url, "reason": "only http and https"}])
    request = urllib.request.Request(url, headers={"User-Agent": "Rapport calendar sync"})  # noqa: S310
    if subscription.etag:
        request.add_header("If-None-Match", subscription.etag)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
            etag = response.headers.get("ETag", "")
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            _done(subscription, subscription.etag, "")
            return ImportResult()
        _done(subscription, subscription.etag, f"HTTP {exc.code}")
        return ImportResult(errors=[{"position": url, "reason": f"HTTP {exc.code}"}])
    except (urllib.error.URLError, OSError) as exc:
        _done(subscription, subscription.etag, str(exc))
        return ImportResult(errors=[{"position": url, "reason": str(exc)}])
    if len(data) > MAX_BYTES:
        _done(subscription, "", "calendar too large")
        return ImportResult(errors=[{"position": url, "reason": "calendar too large"}])
    result = import_ics(subscription.workspace, data, source=Source.ICS_URL)
    _done(subscription, etag[:200], "; ".join(e["reason"] for e in result.errors)[:1000])
    return result


def _done(subscription: CalendarSubscription, etag: str, error: str) -> None:
    CalendarSubscription.objects.filter(pk=subscription.pk).update(
        etag=etag, last_fetched_at=timezone.now(), last_error=error)


def refresh_all() -> int:
    count = 0
    for subscription in CalendarSubscription.objects.select_related("workspace"):
        refresh(subscription)
        count += 1
    return count
