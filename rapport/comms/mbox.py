"""Stream an mbox file message by message, in bounded memory.

Messages start at a line beginning with ``From `` (after a blank line or at the start of
the file). Lines quoted as ``>From `` (mboxrd/mboxo) lose one ``>``. Each message is
yielded with its number, first line number and the byte offset after it, so an import can
report positions and resume.

The file is read in large blocks and searched for separators with one regular expression
per message, not line by line in Python: splitting used to cost more than parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

_QUOTED_FROM = re.compile(rb"^>(>*From )")
_QUOTED_FROM_LATER = re.compile(rb"\n>(>*From )")  # a literal start: searched fast
# A real separator: "From " + sender (or MAILER-DAEMON) + something that looks like a date.
_SEPARATOR = re.compile(rb"^From \S*( |\s+\S{3} )")
# A blank line followed by a line starting with "From ": where a separator may start.
_CANDIDATE = re.compile(rb"\n\r?\nFrom ")
_LONGEST_CANDIDATE = 8
BLOCK_BYTES = 1024 * 1024


@dataclass
class RawMessage:
    number: int
    line: int
    end_offset: int
    data: bytes
    separator: bytes
    truncated: bool = False


def iter_mbox(stream: BinaryIO, start_offset: int = 0,
              max_bytes: int = 10 * 1024 * 1024,
              block_bytes: int = BLOCK_BYTES) -> Iterator[RawMessage]:
    """Yield the messages of an mbox stream, beginning at `start_offset`. Of a message
    larger than `max_bytes` only the beginning is kept (and `truncated` is set); memory
    stays within about `max_bytes` plus two blocks, whatever the size of the file."""
    stream.seek(start_offset)
    # A virtual blank line in front: the first line of the stream may be a separator.
    buf = b"\n\n" + stream.read(block_bytes)
    base = start_offset - 2  # file offset of buf[0]
    eof = len(buf) == 2
    number = 0
    separator = b""
    first_line = 0
    begin = 2  # where the current message's lines begin in buf
    search = 0  # where the search for the next separator goes on
    counted, newlines = 2, 0  # newlines in the stream before buf[counted]
    kept: bytes | None = None  # the beginning of a message too large to keep whole

    def message(end: int) -> RawMessage | None:
        nonlocal number
        if kept is not None:
            data, truncated = kept, True
        else:
            data = buf[begin:end]
            truncated = len(data) > max_bytes
            if truncated:
                data = _whole_lines(data, max_bytes)
        if not data and not separator:
            return None
        number += 1
        return RawMessage(number, first_line, base + end, _unquote(_drop_blank(data)),
                          separator, truncated)

    while True:
        found = _CANDIDATE.search(buf, search)
        if found is None or (eol := buf.find(b"\n", found.end())) < 0 and not eof:
            if eof:
                raw = message(len(buf))
                if raw is not None:
                    yield raw
                return
            # Nothing (complete) found yet: read on, keeping only what is still needed.
            if found is None:
                search = max(search, len(buf) - _LONGEST_CANDIDATE + 1)
                # All but the last few bytes belong to this message: too large to keep?
                if kept is None and len(buf) - _LONGEST_CANDIDATE - begin > max_bytes:
                    kept = _whole_lines(buf[begin:], max_bytes)
            if kept is not None:
                begin = search
            drop = min(begin, search)
            if drop > counted:
                newlines += buf.count(b"\n", counted, drop)
                counted = drop
            chunk = stream.read(block_bytes)
            eof = not chunk
            buf = buf[drop:] + chunk
            base += drop
            begin, search, counted = begin - drop, search - drop, counted - drop
            continue
        start = found.end() - 5
        line = buf[start:eol + 1 if eol >= 0 else len(buf)]
        if not _SEPARATOR.match(line):
            search = found.start() + 1
            continue
        raw = message(start)
        if raw is not None:
            yield raw
        newlines += buf.count(b"\n", counted, start)
        counted = start
        separator, first_line, kept = line, newlines + 1, None
        begin = start + len(line)
        search = begin - 1  # the separator's own line break may precede a blank line


def _whole_lines(data: bytes, limit: int) -> bytes:
    """The longest run of whole lines from the start of `data` within `limit` bytes."""
    return data[:data.rfind(b"\n", 0, limit) + 1]


def _drop_blank(data: bytes) -> bytes:
    """The blank line before the next "From " belongs to the mbox, not to the message."""
    if data.endswith(b"\n"):
        start = data.rfind(b"\n", 0, len(data) - 1) + 1
        if data[start:] in (b"\n", b"\r\n"):
            return data[:start]
    return data


def _unquote(data: bytes) -> bytes:
    if b">From " not in data:
        return data
    return _QUOTED_FROM.sub(rb"\1", _QUOTED_FROM_LATER.sub(rb"\n\1", data), count=1)
