"""Small factories for the signals tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from zoneinfo import ZoneInfo

from rapport.comms.models import Direction, Message, Source

BERLIN = ZoneInfo("Europe/Berlin")
_counter = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def message(workspace, client, body: str, when: dt.datetime | None = None, *,
            outbound: bool = False, thread: str = "t1", subject: str = "Re: Entwurf"
            ) -> Message:
    number = next(_counter)
    return Message.objects.create(
        workspace=workspace, dedup_key=hashlib.sha256(f"m{number}".encode()).hexdigest(),
        message_id=f"<m{number}@test.example>", thread_key=thread,
        date=when or at(2026, 11, 4), subject=subject, body_text=body,
        from_address="me@studio.example" if outbound else "anna@client.example",
        direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
        client=client, source=Source.EML)
