"""The fast ways of reading mail give exactly what the plain ways give: the mbox is split
in blocks as if read line by line, a simple message is read as the standard parser reads
it, and a common address header as `getaddresses` splits it."""

from __future__ import annotations

import io
import re
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.comms import mailparse
from rapport.comms.mbox import iter_mbox

_SEPARATOR = re.compile(rb"^From \S*( |\s+\S{3} )")
_QUOTED = re.compile(rb"^>(>*From )")


def _line_by_line(data: bytes, start: int, max_bytes: int) -> list[tuple]:
    """What an mbox reader does that goes line by line: the meaning of `iter_mbox`."""
    stream = io.BytesIO(data)
    stream.seek(start)
    found, lines, size, separator, number, first, offset, blank = [], [], 0, b"", 0, 0, start, True

    def message() -> tuple:
        kept = lines[:-1] if lines and lines[-1] in (b"\n", b"\r\n") else lines
        return (number, first, offset, b"".join(kept), separator, size > max_bytes)

    for line_no, line in enumerate(stream, start=1):
        if blank and _SEPARATOR.match(line):
            if lines or separator:
                number += 1
                found.append(message())
            separator, lines, first, size = line, [], line_no, 0
        else:
            size += len(line)
            if size <= max_bytes:
                lines.append(_QUOTED.sub(rb"\1", line))
        offset += len(line)
        blank = line in (b"\n", b"\r\n")
    if lines or separator:
        number += 1
        found.append(message())
    return found


_PIECES = [b"From a@b Mon Nov  1 10:00:00 2026\n", b"From a@b Mon Nov  1 10:00:00 2026\r\n",
           b"\n", b"\r\n", b">From quoted\n", b">>From twice\n", b"From \n", b"From x\n",
           b"Subject: hello\n", b"x" * 30 + b"\n", b"no line break", b"a\r\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.sampled_from([8, 40, 10**6]),
       st.sampled_from([1, 3, 7, 64, 1 << 20]), st.data())
def test_the_mbox_is_split_as_if_read_line_by_line(pieces, max_bytes, block, data):
    mbox = b"".join(pieces)
    expected = _line_by_line(mbox, 0, max_bytes)
    got = [(m.number, m.line, m.end_offset, m.data, m.separator, m.truncated)
           for m in iter_mbox(io.BytesIO(mbox), 0, max_bytes=max_bytes, block_bytes=block)]
    assert got == expected
    if expected:  # resuming at any message's end gives the rest
        offset = data.draw(st.sampled_from([m[2] for m in expected]))
        assert [(m.number, m.line, m.end_offset, m.data, m.separator, m.truncated)
                for m in iter_mbox(io.BytesIO(mbox), offset, max_bytes=max_bytes,
                                   block_bytes=block)] == _line_by_line(mbox, offset, max_bytes)


def test_a_huge_message_is_cut_to_its_first_lines_and_the_next_one_is_found():
    separator = b"From a@b Mon Nov  1 10:00:00 2026\n"
    huge = separator + b"Subject: big\n\n" + (b"z" * 99 + b"\n") * 2000 + b"\n"
    small = separator + b"Subject: small\n\nHallo\n"
    messages = list(iter_mbox(io.BytesIO(huge + small), max_bytes=1000, block_bytes=256))
    assert [m.truncated for m in messages] == [True, False]
    assert 900 < len(messages[0].data) <= 1000
    assert messages[0].data.startswith(b"Subject: big")
    assert messages[1].data == b"Subject: small\n\nHallo\n"
    assert messages[1].line == 2005


_HEADERS = ["From: Anna <anna@client.example>", "To: lena@rapport.example, b@c.de",
            "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=", "Subject: Re: Angebot",
            "Date: Mon, 3 Nov 2026 10:00:00 +0100", "Message-ID: <m1@x.example>",
            "Content-Type: text/plain; charset=iso-8859-1", "Content-Type: text/html",
            "Content-Type: multipart/alternative; boundary=b", "Content-Type: message/rfc822",
            "Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: quoted-printable",
            "Content-Disposition: attachment; filename=a.pdf", "X-Folded: one\n two",
            " continued", "no colon here", ":empty name", "From sender Mon Nov  3", "Bad Name: x",
            "Subject: Köln", "X-Odd: a\rb", "X-Feed: a\x0cb"]
_BODIES = ["Hallo\n", "SGFsbG8=\n", "Gr=FC=DFe\n", "--b\nContent-Type: text/plain\n\nx\n--b--\n",
           "", "\n\nlate\n", "From: not a header\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_HEADERS), max_size=8), st.sampled_from(_BODIES),
       st.sampled_from(["\n", "\r\n"]), st.sampled_from(["utf-8", "latin-1"]))
def test_a_simple_message_is_read_as_the_standard_parser_reads_it(headers, body, eol,
                                                                   encoding):
    raw = ("\n".join(headers) + "\n\n" + body).replace("\n", eol).encode(encoding)
    quick = mailparse.simple_message(raw)
    full = BytesParser(policy=compat32).parsebytes(raw)
    if quick is not None:
        assert quick._headers == full._headers
        assert quick.get_payload() == full.get_payload()
        assert not quick.is_multipart() and not full.is_multipart()


def test_multipart_and_attached_messages_are_left_to_the_standard_parser():
    for kind in ("multipart/mixed; boundary=x", "message/rfc822"):
        assert mailparse.simple_message(f"Content-Type: {kind}\n\nx\n".encode()) is None
    assert mailparse.simple_message(b"Subject: hi\n\nHallo\n").get_payload() == "Hallo\n"


_ADDRESS_PIECES = ["a", "b.c", "@", "<", ">", " ", "\t", '"', ",", ".", "(", ")", "x@y.z",
                   "Ü", "=?utf-8?q?J=C3=BC?=", ";", ":", "[", "]", "\\", "Person 5",
                   "lena@rapport.example", "<a@b>", '"Doe, John"']


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_ADDRESS_PIECES), max_size=8))
def test_an_address_header_is_split_as_getaddresses_splits_it(pieces):
    text = "".join(pieces)
    expected = tuple((mailparse._decode_words(name), address.strip().lower())
                     for name, address in getaddresses([text]) if "@" in address)
    assert mailparse.address_list.__wrapped__(text) == expected


def test_common_address_headers_take_the_quick_way():
    for text in ["Person 5 <person5@client5.example>", "lena@rapport.example",
                 '"Doe, John" <j@x.de>', "=?utf-8?q?J=C3=BCrgen?= <j@x.de>"]:
        assert mailparse._SIMPLE_ADDRESS.fullmatch(text)
    assert mailparse.address_list('"Doe, John" <J@X.de>') == (("Doe, John", "j@x.de"),)
