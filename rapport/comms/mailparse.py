"""Turn raw RFC 5322 bytes into the facts Rapport keeps: no database here."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

import html2text
import nh3

# Senders label Windows-1252 text as ISO-8859-1 all the time; the superset decodes both.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252",
                    "windows-1252": "cp1252"}
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|fw|fwd|wg|antw|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.I)
_MSGID = re.compile(r"<[^<>\s]+>")


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


def _raw_headers(part: EmailMessage) -> dict[str, str]:
    """Header values as stored, first occurrence wins: no header-registry parsing, which
    would cost more than parsing the whole message (see bench/run.py)."""
    found: dict[str, str] = {}
    for name, value in part.raw_items():
        found.setdefault(name.lower(), str(value))
    return found


def _param(value: str, name: str) -> str:
    found = re.search(rf'(?:^|;)\s*{name}\*?=\s*"?([^";]*)"?', value, re.I)
    return found.group(1).strip() if found else ""


def _decode_words(value: str) -> str:
    """RFC 2047 encoded words to text; unfolded."""
    value = value.replace("\r", "").replace("\n", "")
    if "=?" not in value:
        return value.strip()
    try:
        return str(make_header(decode_header(value))).strip()
    except (LookupError, ValueError, UnicodeError):
        return value.strip()


def decode_part(part: EmailMessage, charset: str, warnings: list[str]) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        return ""
    charset = (charset or "cp1252").lower()
    charset = _CHARSET_ALIASES.get(charset, charset)
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        warnings.append(f"unknown charset {charset!r}, read as Windows-1252")
        return payload.decode("cp1252", errors="replace")


def _addresses(headers: dict[str, str], name: str) -> list[tuple[str, str]]:
    text = headers.get(name, "")
    if not text:
        return []
    pairs = getaddresses([text.replace("\r", "").replace("\n", "")])
    return [(_decode_words(n), a.strip().lower()) for n, a in pairs if "@" in a]


def _date(headers: dict[str, str], warnings: list[str]) -> dt.datetime | None:
    text = headers.get("date", "").strip()
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        warnings.append(f"unreadable date {text!r}")
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _body_and_attachments(msg: EmailMessage, warnings: list[str]
                          ) -> tuple[str, list[dict[str, object]]]:
    attachments: list[dict[str, object]] = []
    plain = html = ""
    for part in msg.walk():
        if part.is_multipart():
            continue
        headers = _raw_headers(part)
        content_type = headers.get("content-type", "text/plain")
        ctype = content_type.split(";", 1)[0].strip().lower() or "text/plain"
        disposition = headers.get("content-disposition", "")
        filename = (_param(disposition, "filename") or _param(content_type, "name"))
        if disposition.strip().lower().startswith("attachment") or (
            filename and ctype not in {"text/plain", "text/html"}
        ):
            payload = part.get_payload(decode=True) or b""
            attachments.append({"name": _decode_words(filename), "size": len(payload),
                                "type": ctype})
            continue
        charset = _param(content_type, "charset")
        if ctype == "text/plain" and not plain:
            plain = decode_part(part, charset, warnings)
        elif ctype == "text/html" and not html:
            html = decode_part(part, charset, warnings)
    if plain.strip():
        return plain.strip(), attachments
    if html:
        return html_to_text(html), attachments
    return "", attachments


def parse_bytes(raw: bytes) -> ParsedMessage:
    """Read one message; raise ParseError if nothing useful can be found in it."""
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # noqa: BLE001
        raise ParseError(f"not a MIME message: {exc}") from exc
    return parse_message(msg)


def parse_message(msg: EmailMessage) -> ParsedMessage:
    warnings: list[str] = []
    headers = _raw_headers(msg)
    if not headers:
        raise ParseError("no headers")
    senders = _addresses(headers, "from")
    from_name, from_address = senders[0] if senders else ("", "")
    message_id = _first_id(headers.get("message-id", ""))
    in_reply_to = _first_id(headers.get("in-reply-to", ""))
    references = _MSGID.findall(headers.get("references", ""))
    try:
        body, attachments = _body_and_attachments(msg, warnings)
    except Exception as exc:  # noqa: BLE001
        raise ParseError(f"broken MIME structure: {exc}") from exc
    if not from_address and not message_id and not body:
        raise ParseError("no sender, no Message-ID and no text")
    return ParsedMessage(
        message_id=message_id, in_reply_to=in_reply_to, references=references,
        from_address=from_address[:254], from_name=from_name[:200],
        to=[a for _n, a in _addresses(headers, "to")],
        cc=[a for _n, a in _addresses(headers, "cc")],
        date=_date(headers, warnings), subject=_decode_words(headers.get("subject", ""))[:500],
        body_text=body.replace("\x00", ""), attachments=attachments, warnings=warnings,
    )


def _first_id(text: str) -> str:
    found = _MSGID.search(text or "")
    if found:
        return found.group(0)[:500]
    return (text or "").strip()[:500]
