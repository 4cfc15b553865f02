"""One announcement when a client's signals change in bulk (bulk inserts and updates
send no model signals), so derived data such as the health snapshots can be refreshed."""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal as Announcement

signals_changed = Announcement()  # keyword argument: client_ids (a set of client pks)


def announce(client_ids: Iterable[int | None]) -> None:
    ids = {pk for pk in client_ids if pk}
    if ids:
        signals_changed.send(sender=None, client_ids=ids)
