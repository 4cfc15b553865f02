"""Stream an mbox file message by message, in bounded memory.

Messages start at a line beginning with ``From `` (after a blank line or at the start of
the file). Lines quoted as ``>From `` (mboxrd/mboxo) lose one ``>``. Each message is
yielded with its number, first line number and the byte offset after it, so an import can
report positions and resume.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

_QUOTED_FROM = re.compile(rb"^>(>*From )")
# A real separator: "From " + sender (or MAILER-DAEMON) + something that looks like a date.
_SEPARATOR = re.compile(rb"^From \S*( |\s+\S{3} )")


@dataclass
class RawMessage:
    number: int
    line: int
    end_offset: int
    data: bytes
    separator: bytes
    truncated: bool = False


def _is_separator(line: bytes, previous_blank: bool) -> bool:
    return line.startswith(b"From ") and previous_blank and bool(_SEPARATOR.match(line))


def iter_mbox(stream: BinaryIO, start_offset: int = 0,
              max_bytes: int = 10 * 1024 * 1024) -> Iterator[RawMessage]:
    """Yield the messages of an mbox stream, beginning at `start_offset`. Of a message
    larger than `max_bytes` only the beginning is kept (and `truncated` is set)."""
    stream.seek(start_offset)
    offset = start_offset
    lines: list[bytes] = []
    size = 0
    separator = b""
    number = 0
    first_line = 0
    previous_blank = True
    for line_no, line in enumerate(stream, start=1):
        if _is_separator(line, previous_blank):
            if lines or separator:
                number += 1
                yield RawMessage(number, first_line, offset, _join(lines), separator,
                                 size > max_bytes)
            separator, lines, first_line, size = line, [], line_no, 0
        else:
            size += len(line)
            if size <= max_bytes:
                lines.append(line[1:] if line.startswith(b">") and _QUOTED_FROM.match(line)
                             else line)
        offset += len(line)
        previous_blank = line in (b"\n", b"\r\n")
    if lines or separator:
        number += 1
        yield RawMessage(number, first_line, offset, _join(lines), separator, size > max_bytes)


def _join(lines: list[bytes]) -> bytes:
    # The blank line before the next "From " belongs to the mbox, not to the message.
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)
