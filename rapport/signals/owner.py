"""Whose mailbox is it? The owner of an exported mailbox, guessed from the mail itself.

A user trying `rapport analyze` on an export of their own mail must not see their own
words counted against their clients. The owner is whoever sent the messages filed in a
Sent folder (an mbox file or Maildir folder named Sent/Gesendet/"Sent Items"/…, or a
Gmail Takeout `X-Gmail-Labels: Sent`, an Outlook/PST `X-Folder: Sent Items` header);
without a Sent folder, the address that takes part in most messages as sender or
recipient, if one clearly does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import PurePath

# Folder names mail programs give the sent mail (English and German clients).
SENT_FOLDERS = frozenset({
    "sent", "sent items", "sent mail", "sent messages", "sentmail", "sent-mail",
    "gesendet", "gesendete elemente", "gesendete objekte", "gesendete nachrichten",
})
_SUFFIXES = (".mbox", ".mbx", ".sbd", ".eml")
_LABEL_SPLIT = re.compile(r"[,/\\]")


def _folder_name(part: str) -> str:
    name = part.strip().lower()
    for suffix in _SUFFIXES:
        name = name.removesuffix(suffix)
    # Maildir++ folders: ".Sent", ".INBOX.Sent".
    return name.rsplit(".", 1)[-1].strip() if name.startswith(".") else name


def in_sent_folder(location: PurePath) -> bool:
    """True when any folder or file name on the path is a Sent folder."""
    return any(_folder_name(part) in SENT_FOLDERS for part in location.parts)


def _labels_say_sent(value: str) -> bool:
    return any(_folder_name(label.strip('" ')) in SENT_FOLDERS
               for label in _LABEL_SPLIT.split(value))


@dataclass(frozen=True)
class Participants:
    """Who took part in one message, and whether it was filed as sent mail."""

    sender: str
    addresses: frozenset[str]
    sent: bool


def participants(raw: bytes, location: PurePath) -> Participants:
    """Read only the headers of one raw message (fast: the body is not parsed)."""
    head = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    headers = BytesHeaderParser(policy=policy.default).parsebytes(head)

    def addresses(*names: str) -> list[str]:
        values = [str(v) for name in names for v in (headers.get_all(name) or [])]
        return [a.strip().lower() for _n, a in getaddresses(values) if "@" in a]

    senders = addresses("from")
    sender = senders[0] if senders else ""
    sent = in_sent_folder(location) or any(
        _labels_say_sent(str(headers.get(name, "")))
        for name in ("X-Folder", "X-Gmail-Labels"))
    return Participants(sender, frozenset(senders + addresses("to", "cc")), sent)


@dataclass(frozen=True)
class Owner:
    addresses: tuple[str, ...]
    reason: str  # "sent" (From of the Sent folder) or "most" (in most messages)


def guess_owner(messages: Iterable[Participants]) -> Owner | None:
    """The owner's addresses: every From of sent mail (an owner may write from two
    addresses); else the address in most messages, when it is in at least half of them,
    in two or more, and no other address is in as many. None when the mail does not
    tell."""
    sent_from: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    total = 0
    for message in messages:
        total += 1
        anywhere.update(message.addresses)
        if message.sent and message.sender:
            sent_from[message.sender] += 1
    if sent_from:
        return Owner(tuple(a for a, _n in sent_from.most_common()), "sent")
    ranked = anywhere.most_common(2)
    if not ranked:
        return None
    best, count = ranked[0]
    if count < 2 or count * 2 < total or (len(ranked) > 1 and ranked[1][1] == count):
        return None
    return Owner((best,), "most")
