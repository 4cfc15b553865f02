"""ICS subscriptions: fetch a calendar by URL and import it like a file.

The fetch goes through `rapport.core.netguard`: public addresses only (checked again on
every redirect and at connect time), a size and a time limit, and errors the user sees
say what went wrong in general terms, never what the remote side answered.
"""

from __future__ import annotations

import logging

from django.utils import translation
from django.utils.translation import gettext as _

from rapport.comms import jobs
from rapport.comms.calendar import import_ics
from rapport.comms.mailimport import ImportResult
from rapport.comms.models import CalendarSubscription, Source
from rapport.core import clock, netguard

MAX_BYTES = 5 * 1024 * 1024
log = logging.getLogger(__name__)


def fetch_url(url: str) -> str:
    """The address to fetch: `webcal://` is https."""
    if url.lower().startswith("webcal://"):
        return "https://" + url[len("webcal://"):]
    return url


def _failure(exc: Exception) -> str:
    """The failure code shown on the subscription; never the remote answer."""
    failure = CalendarSubscription.SyncFailure
    if isinstance(exc, netguard.NotAllowed):
        return failure.NOT_ALLOWED
    if isinstance(exc, netguard.FetchError) and str(exc) == "too large":
        return failure.FETCH
    if isinstance(exc, netguard.FetchError):
        return failure.HTTP_ERROR
    return failure.NO_ANSWER


def _reason(exc: Exception) -> str:
    if isinstance(exc, netguard.NotAllowed):
        return _("Could not reach the calendar: the address is not allowed.")
    if isinstance(exc, netguard.FetchError) and str(exc) == "too large":
        return _("Could not import the calendar: it is larger than %(mb)d MB.") % {
            "mb": MAX_BYTES // (1024 * 1024)}
    if isinstance(exc, netguard.FetchError):
        return _("Could not reach the calendar: the server answered with an error.")
    return _("Could not reach the calendar: the server did not answer.")


@jobs.tracked_sync
def refresh(subscription: CalendarSubscription, timeout: float = 20) -> ImportResult:
    url = fetch_url(subscription.url)
    headers = {"User-Agent": "Rapport calendar sync", "Accept": "text/calendar"}
    if subscription.etag:
        headers["If-None-Match"] = subscription.etag
    try:
        response = netguard.fetch(url, headers=headers, max_bytes=MAX_BYTES, timeout=timeout)
    except (netguard.NotAllowed, netguard.Unreachable, netguard.FetchError) as exc:
        log.info("calendar subscription %s: %s (%r)", subscription.pk, exc, exc.__cause__)
        with translation.override(subscription.workspace.language):
            reason = _reason(exc)
        _done(subscription, subscription.etag, reason)
        return ImportResult(errors=[{"position": subscription.name, "reason": reason}],
                            failure=_failure(exc))
    if response.status == 304:
        _done(subscription, subscription.etag, "")
        return ImportResult()
    result = import_ics(subscription.workspace, response.body, source=Source.ICS_URL)
    etag = response.headers.get("ETag", "") or ""
    notes = "; ".join(f"{e['position']}: {e['reason']}" for e in result.errors)
    _done(subscription, etag[:200], notes[:1000])
    return result


def _done(subscription: CalendarSubscription, etag: str, error: str) -> None:
    CalendarSubscription.objects.filter(pk=subscription.pk).update(
        etag=etag, last_fetched_at=clock.now(), last_error=error)


def refresh_all() -> int:
    """Refresh every subscription of every workspace; one that fails, for whatever reason,
    is recorded on itself and the others go on; one whose refreshes keep stopping the
    worker comes last."""
    count = 0
    for subscription in CalendarSubscription.objects.select_related("workspace").order_by(
            "sync_attempts", "pk"):
        try:
            refresh(subscription)
        except Exception:  # noqa: BLE001 - one calendar must not stop the others
            log.exception("calendar subscription %s failed", subscription.pk)
            with translation.override(subscription.workspace.language):
                reason = _("The calendar could not be imported because of an internal "
                           "error; it is tried again at the next refresh.")
            _done(subscription, "", reason)
        count += 1
    return count
