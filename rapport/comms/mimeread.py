"""Read a message's headers and the bodies of its parts exactly as the standard parser
(`BytesParser(policy=compat32)`) would, without its line-by-line feed.

The standard parser pushes every line of a message through several generators and
regular expressions; for a multipart message that cost more than everything else the
import does with it. This reader finds the blank line after the headers and the boundary
lines with string searches instead. It reads only messages whose structure holds no
surprises (headers without defects, multipart bodies with a start and a close boundary,
no attached messages, no uuencoding) and answers None for anything else, which the
standard parser then reads. tests/comms/test_fast_reading.py holds it to that promise.
"""

from __future__ import annotations

import re

Headers = dict[str, str]  # lower-case name → value as written; the first occurrence wins
Leaf = tuple[Headers, bytes]  # a part that is not multipart: its headers and raw body

# What the standard parser would take for a line break besides "\n" and "\r\n" (bare
# CR; StringIO and str.splitlines in some versions): such messages are left to it.
_ODD_BREAK = re.compile(r"\r(?!\n)|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_END_OF_HEADERS = re.compile(r"\n\r?\n")
# One header field as `email.feedparser` reads it (name as in its `headerRE`), with its
# continuation lines; the value as `compat32.header_source_parse` keeps it.
_FIELD = re.compile(r"([\041-\071\073-\176]+):[ \t]*([^\n]*\n(?:[ \t][^\n]*\n)*)")
# What follows "--boundary" on a boundary line (`email.feedparser`'s `boundaryre`).
_AFTER_DELIMITER = re.compile(r"(--)?[ \t]*\r?(?:\n|\Z)")
# Content-Type parameters whose values `Message.get_boundary` reads as written: no
# quoting inside quotes, no RFC 2231 names, no angle brackets (it would drop them).
_PARAMETER = re.compile(r"""\s*;\s*([A-Za-z0-9_.-]+)\s*=\s*"""
                        r"""(?:"([A-Za-z0-9'()+_,./:=?@ -]*)"|([A-Za-z0-9'()+_,./:?@-]+))\s*""")
_TRAILER = re.compile(r"\s*;?\s*")
_UUENCODED = frozenset({"x-uuencode", "uuencode", "uue", "x-uue"})


def read(raw: bytes) -> tuple[Headers, list[Leaf]] | None:
    """The message's headers and its leaf parts in the order `Message.walk` gives them;
    None when the standard parser must read it."""
    text = raw.decode("ascii", "surrogateescape")
    leaves: list[tuple[Headers, int, int]] = []
    headers = _entity(text, 0, len(text), leaves, top=True)
    if headers is None:
        return None
    return headers, [(found, raw[start:end]) for found, start, end in leaves]


def _entity(text: str, start: int, end: int, leaves: list[tuple[Headers, int, int]],
            top: bool = False) -> Headers | None:
    """Read the message or part in text[start:end]: add its leaves, return its headers."""
    if not top and (text.startswith("\n", start, end) or text.startswith("\r\n", start, end)):
        headers: Headers = {}  # a part without headers
        body = start + (1 if text[start] == "\n" else 2)
    else:
        blank = _END_OF_HEADERS.search(text, start, end)
        if blank is None:
            return None
        head = text[start:blank.start() + 1]
        if top and _ODD_BREAK.search(head):
            return None
        found = _headers(head)
        if found is None:
            return None
        headers, body = found, blank.end()
    kind = _content_type(headers)
    if kind is None or kind.startswith("message/"):
        return None
    if not kind.startswith("multipart/"):
        if headers.get("content-transfer-encoding", "").lower() in _UUENCODED:
            return None
        if not top and body < end:  # the line break before a boundary belongs to it
            end -= 2 if text.startswith("\r\n", end - 2, end) and end - 2 >= body else 1
        leaves.append((headers, body, end))
        return headers
    boundary = _boundary(headers["content-type"])
    if boundary is None or kind == "multipart/digest":  # digest parts default to messages
        return None
    if top and _ODD_BREAK.search(text):
        return None
    return headers if _parts(text, body, end, "--" + boundary, leaves) else None


def _headers(head: str) -> Headers | None:
    """The header fields of `head` (whole lines), None unless all are well formed."""
    found: Headers = {}
    position = 0
    for field in _FIELD.finditer(head):
        if field.start() != position:
            return None
        position = field.end()
        found.setdefault(field.group(1).lower(), field.group(2).rstrip("\r\n"))
    return found if position == len(head) and found else None


def _content_type(headers: Headers) -> str | None:
    """`Message.get_content_type()` of a part that is not inside a digest."""
    value = headers.get("content-type")
    if value is None:
        return "text/plain"
    if not value.isascii():
        return None
    kind = value.partition(";")[0].strip().lower()
    return kind if kind.count("/") == 1 else "text/plain"


def _boundary(content_type: str) -> str | None:
    """`Message.get_boundary()`, for parameters written plainly; None otherwise."""
    parameters = content_type.partition(";")
    rest, position, boundary = parameters[1] + parameters[2], 0, None
    while (parameter := _PARAMETER.match(rest, position)) is not None:
        position = parameter.end()
        if boundary is None and parameter.group(1).lower() == "boundary":
            quoted = parameter.group(2)
            boundary = (quoted if quoted is not None else parameter.group(3)).rstrip()
    if not _TRAILER.fullmatch(rest, position):
        return None
    return boundary or None


def _parts(text: str, start: int, end: int, delimiter: str,
           leaves: list[tuple[Headers, int, int]]) -> bool:
    """Read the parts of a multipart body in text[start:end]; False if its boundaries are
    not plain: none before the first part, a close boundary, no empty part."""
    part = -1  # where the current part starts, once the first boundary is seen
    search = start
    while (found := text.find(delimiter, search, end)) >= 0:
        search = found + 1
        if found != start and text[found - 1] != "\n":
            continue
        rest = _AFTER_DELIMITER.match(text, found + len(delimiter), end)
        if rest is None:
            continue
        if part >= 0:
            if found == part or _entity(text, part, found, leaves) is None:
                return False
        elif rest.group(1):
            return False  # a close boundary before any part
        if rest.group(1):
            return True  # what follows the close boundary is the epilogue
        part = search = rest.end()
    return False
