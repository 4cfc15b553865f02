"""Turn raw RFC 5322 bytes into the facts Rapport keeps: no database here."""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import quopri
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from functools import cache, lru_cache

import html2text
import nh3

from rapport.comms import mimeread

# Senders label Windows-1252 text as ISO-8859-1 all the time; the superset decodes both.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252",
                    "windows-1252": "cp1252"}
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|fw|fwd|wg|antw|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.I)
_MSGID = re.compile(r"<[^<>\s]+>")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(?<=\?=)\s+(?==\?)")

# Limits for one message, so one huge mail cannot take the memory or the time of all.
MAX_RAW_BYTES = 10 * 1024 * 1024     # read (and fetched over IMAP) at most this much
MAX_STORED_CHARS = 1_000_000         # text kept of one message
MAX_ANALYSED_CHARS = 200_000         # = rapport.signals.detectors.MAX_ANALYSED_CHARS
MAX_HTML_CHARS = 2_000_000           # HTML converted to text
_EARLIEST = dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
_LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


class ParseError(ValueError):
    """A message that cannot be read at all."""


@dataclass
class ParsedMessage:
    message_id: str
    in_reply_to: str
    references: list[str]
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    date: dt.datetime | None
    subject: str
    body_text: str
    attachments: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def dedup_key(self) -> str:
        if self.message_id:
            basis = "id:" + self.message_id
        else:
            stamp = self.date.isoformat() if self.date else ""
            basis = "\x1f".join(["hash", self.from_address, ",".join(self.to), stamp,
                                 self.subject, self.body_text])
        return hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()

    @property
    def normalised_subject(self) -> str:
        return normalise_subject(self.subject)

    @property
    def thread_root(self) -> str:
        """The first message of the thread as far as the headers tell."""
        if self.references:
            return self.references[0]
        return self.in_reply_to or ""


def normalise_subject(subject: str) -> str:
    return re.sub(r"\s+", " ", _REPLY_PREFIX.sub("", subject or "")).strip().lower()


def is_reply_subject(subject: str) -> bool:
    return bool(_REPLY_PREFIX.match(subject or ""))


def html_to_text(html: str) -> str:
    """Sanitize first (nh3), then convert to readable plain text."""
    converter = html2text.HTML2Text()
    converter.ignore_images = True
    converter.body_width = 0
    converter.ignore_emphasis = True
    return converter.handle(nh3.clean(html)).strip()


def _raw_headers(part: Message) -> dict[str, str]:
    """Header values as stored, first occurrence wins: no header-registry parsing, which
    would cost more than parsing the whole message (see bench/run.py)."""
    found: dict[str, str] = {}
    for name, value in part.raw_items():
        found.setdefault(name.lower(), str(value))
    return found


@cache
def _param_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf'(?:^|;)\s*{name}\*?=\s*"?([^";]*)"?', re.I)


def _param(value: str, name: str) -> str:
    found = _param_pattern(name).search(value)
    return found.group(1).strip() if found else ""


def _readable(value: str, warnings: list[str] | None = None) -> str:
    """Raw 8-bit bytes in a header (kept by the parser as surrogates) read as UTF-8, or as
    Windows-1252 when they are not UTF-8."""
    if value.isascii():  # the common case, told without encoding
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        if warnings is not None:
            warnings.append("header with raw 8-bit characters, read as Windows-1252")
        return raw.decode("cp1252", errors="replace")


def _decode_word(charset: str, encoding: str, text: str) -> str | None:
    try:
        if encoding in "bB":
            data = binascii.a2b_base64(text + "=" * (-len(text) % 4), strict_mode=True)
        else:
            if re.search(r"=(?![0-9A-Fa-f]{2})", text):
                return None
            data = quopri.decodestring(text.replace("_", " ").encode("ascii"))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    name = charset.split("*", 1)[0].lower()
    try:
        return data.decode(_CHARSET_ALIASES.get(name, name), errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


def _decode_words(value: str, warnings: list[str] | None = None) -> str:
    """RFC 2047 encoded words to text, unfolded; a broken word stays as it was written."""
    value = _readable(value, warnings).replace("\r", "").replace("\n", "")
    if "=?" not in value:
        return value.strip()
    broken = False

    def word(match: re.Match[str]) -> str:
        nonlocal broken
        decoded = _decode_word(*match.groups())
        if decoded is None:
            broken = True
            return match.group(0)
        return decoded

    text = _ENCODED_WORD.sub(word, _BETWEEN_WORDS.sub("", value))
    if broken and warnings is not None:
        warnings.append(f"broken encoded header {value[:80]!r}, kept as written")
    return text.strip()


def decode_part(charset: str, warnings: list[str], payload: bytes | None) -> str:
    """The text of a part's transfer-decoded content."""
    if payload is None:
        return ""
    charset = _readable(charset or "cp1252").lower()
    charset = _CHARSET_ALIASES.get(charset, charset)
    try:
        return payload.decode(charset, errors="replace")
    except (LookupError, UnicodeError, ValueError):
        warnings.append(f"unknown charset {charset[:40]!r}, read as Windows-1252")
        return payload.decode("cp1252", errors="replace")


def _addresses(headers: dict[str, str], name: str,
               warnings: list[str] | None = None) -> list[tuple[str, str]]:
    text = _readable(headers.get(name, ""), warnings)
    if not text:
        return []
    found = address_list(text.replace("\r", "").replace("\n", ""))
    if found is None:
        if warnings is not None:
            warnings.append(f"unreadable {name} header")
        return []
    return list(found)


# The common shapes of an address header, which `getaddresses` (a parser written in
# Python, character by character) would read the same way: `a@b.c`, `Name <a@b.c>`,
# `"Last, First" <a@b.c>`. Anything else (lists, comments, groups, routes) goes to it.
_ATOM = r'[^ \t()<>@,:;."\[\]\\]+'
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
_PHRASE_WORD = r'(?:[^ \t()<>@,:;"\[\]\\]+|"[^"\\]*")'
_SIMPLE_ADDRESS = re.compile(
    rf"[ \t]*(?:({_PHRASE_WORD}(?:[ \t]+{_PHRASE_WORD})*)?[ \t]*"
    rf"<[ \t]*({_DOT_ATOM}@{_DOT_ATOM})[ \t]*>"
    rf"|({_DOT_ATOM}@{_DOT_ATOM}))[ \t]*")
_PHRASE_WORDS = re.compile(_PHRASE_WORD)
_SIMPLE_MAX_CHARS = 1000  # longer headers are no common shape (and backtracking grows)


@lru_cache(maxsize=4096)
def address_list(text: str) -> tuple[tuple[str, str], ...] | None:
    """(decoded name, lower-case address) of each address in an unfolded header; None if
    it cannot be split. Cached: a mailbox repeats the same few From and To lines."""
    simple = _SIMPLE_ADDRESS.fullmatch(text) if len(text) <= _SIMPLE_MAX_CHARS else None
    if simple:
        phrase, routed, bare = simple.groups()
        name = " ".join(word.strip('"') if word.startswith('"') else word
                        for word in _PHRASE_WORDS.findall(phrase or ""))
        pairs = [(name, routed or bare)]
    else:
        try:
            pairs = getaddresses([text])
        except Exception:  # noqa: BLE001 - a header the parser cannot split has no addresses
            return None
    return tuple((_decode_words(n), a.strip().lower()) for n, a in pairs if "@" in a)


def _date(headers: dict[str, str], warnings: list[str]) -> dt.datetime | None:
    text = _readable(headers.get("date", "")).strip()
    if not text:
        return None
    value = _parse_date(text)
    if value is None:
        warnings.append(f"unreadable date {text[:80]!r}")
    return value


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> dt.datetime | None:
    try:
        value = parsedate_to_datetime(text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        if not _EARLIEST <= value <= _LATEST:
            raise ValueError("out of range")
    except Exception:  # noqa: BLE001 - any date the parser chokes on is unreadable
        return None
    return value


def _base64(data: bytes) -> bytes:
    """Base64 read as leniently as `Message.get_payload(decode=True)` reads it: missing
    padding is added, stray characters are skipped, and what cannot be decoded at all
    is returned as it came."""
    missing = len(data) % 4
    try:
        return binascii.a2b_base64(data + b"==="[:4 - missing] if missing else data,
                                   strict_mode=True)
    except binascii.Error:
        pass
    for attempt in (data, data + b"=="):
        try:
            return binascii.a2b_base64(attempt)
        except binascii.Error:
            pass
    return data


def _transfer_decoded(headers: dict[str, str], body: bytes) -> bytes:
    """What `part.get_payload(decode=True)` returns, from the part's raw bytes."""
    encoding = headers.get("content-transfer-encoding", "").lower()
    if encoding == "quoted-printable":
        return quopri.decodestring(body)
    if encoding == "base64":
        return _base64(b"".join(body.splitlines()))
    return body


# A part that is not multipart: its headers and either its raw body (read by `mimeread`)
# or the standard parser's part, which decodes itself.
_Leaf = tuple[dict[str, str], bytes | None, Message | None]


def _payload(leaf: _Leaf) -> bytes | None:
    headers, body, part = leaf
    if body is None:
        return part.get_payload(decode=True)
    return _transfer_decoded(headers, body)


def _body_and_attachments(leaves: Iterable[_Leaf], warnings: list[str],
                          ) -> tuple[str, list[dict[str, object]]]:
    attachments: list[dict[str, object]] = []
    plain = html = ""
    for leaf in leaves:
        headers = leaf[0]
        content_type = headers.get("content-type", "text/plain")
        ctype = content_type.split(";", 1)[0].strip().lower() or "text/plain"
        disposition = headers.get("content-disposition", "")
        filename = (_param(disposition, "filename") or _param(content_type, "name"))
        if disposition.strip().lower().startswith("attachment") or (
            filename and ctype not in {"text/plain", "text/html"}
        ):
            payload = _payload(leaf) or b""
            attachments.append({"name": _safe(_decode_words(filename))[:255],
                                "size": len(payload), "type": _safe(ctype)[:100]})
            continue
        charset = _param(content_type, "charset")
        if ctype == "text/plain" and not plain:
            plain = decode_part(charset, warnings, _payload(leaf))
        elif ctype == "text/html" and not html:
            html = decode_part(charset, warnings, _payload(leaf))
    if plain.strip():
        return plain.strip(), attachments
    if html:
        if len(html) > MAX_HTML_CHARS:
            warnings.append("very long HTML text; only its beginning was read")
            html = html[:MAX_HTML_CHARS]
        return html_to_text(html), attachments
    return "", attachments


def _safe(text: str) -> str:
    """Text any database stores: no NUL, no lone surrogates."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text.replace("\x00", "") if "\x00" in text else text


def _capped_body(body: str, warnings: list[str]) -> str:
    body = _safe(body)
    if len(body) > MAX_STORED_CHARS:
        warnings.append(f"text longer than {MAX_STORED_CHARS // 1000} KB; only its "
                        "beginning is kept")
        body = body[:MAX_STORED_CHARS]
    if len(body) > MAX_ANALYSED_CHARS:
        warnings.append(f"only the first {MAX_ANALYSED_CHARS // 1000} KB of the text are "
                        "checked for warning signs")
    return body


def parse_bytes(raw: bytes) -> ParsedMessage:
    """Read one message; raise ParseError if nothing useful can be found in it."""
    quick = mimeread.read(raw)
    if quick is not None:
        headers, leaves = quick
        try:
            return _parsed(headers, [(found, body, None) for found, body in leaves])
        except _Unreadable:
            pass  # the standard parser's reading decides what is kept
    try:
        msg = _PARSER.parsebytes(raw)
    except Exception as exc:  # noqa: BLE001
        raise ParseError(f"not a MIME message: {exc}") from exc
    return parse_message(msg)


def parse_message(msg: Message) -> ParsedMessage:
    """Read a message the standard parser has built."""
    headers = _raw_headers(msg)
    leaves = ((headers if part is msg else _raw_headers(part), None, part)
              for part in msg.walk() if not part.is_multipart())
    return _parsed(headers, leaves, msg)


class _Unreadable(Exception):
    """The parts of a message read by `mimeread` could not be decoded."""


def _parsed(headers: dict[str, str], leaves: Iterable[_Leaf], msg: Message | None = None
            ) -> ParsedMessage:
    """The facts of a message; `msg` is the standard parser's reading, when that is what
    `leaves` come from (else a part that cannot be decoded raises `_Unreadable`)."""
    warnings: list[str] = []
    if not headers:
        raise ParseError("no headers")
    senders = _addresses(headers, "from", warnings)
    from_name, from_address = senders[0] if senders else ("", "")
    message_id = _safe(_first_id(_readable(headers.get("message-id", ""))))
    in_reply_to = _safe(_first_id(_readable(headers.get("in-reply-to", ""))))
    references = [_safe(r)[:500] for r in _MSGID.findall(_readable(headers.get("references",
                                                                               "")))]
    try:
        text, attachments = _body_and_attachments(leaves, warnings)
    except Exception as exc:  # noqa: BLE001 - keep what can be read, say that it is rough
        if msg is None:
            raise _Unreadable from exc
        warnings.append("broken MIME structure; the text is kept as it came")
        text, attachments = _raw_body(msg), []
    if not from_address and not message_id and not text:
        raise ParseError("no sender, no Message-ID and no text")
    return ParsedMessage(
        message_id=message_id, in_reply_to=in_reply_to, references=references,
        from_address=_safe(from_address)[:254], from_name=_safe(from_name)[:200],
        to=[_safe(a) for _n, a in _addresses(headers, "to", warnings)],
        cc=[_safe(a) for _n, a in _addresses(headers, "cc", warnings)],
        date=_date(headers, warnings),
        subject=_safe(_decode_words(headers.get("subject", ""), warnings))[:500],
        body_text=_capped_body(text, warnings), attachments=attachments,
        warnings=list(dict.fromkeys(warnings)),
    )


def _raw_body(msg: Message) -> str:
    try:
        payload = msg.get_payload()
    except Exception:  # noqa: BLE001
        return ""
    return payload if isinstance(payload, str) else ""


def _first_id(text: str) -> str:
    found = _MSGID.search(text or "")
    if found:
        return found.group(0)[:500]
    return (text or "").strip()[:500]


# compat32 keeps header values as written; we decode only the few we need. The default
# policy parses every header it touches into objects, which took ten times longer.
_PARSER = BytesParser(policy=policy.compat32)
