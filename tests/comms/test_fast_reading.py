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

from rapport.comms import mailparse, mimeread
from rapport.comms.mbox import iter_mbox
from tests.comms.helpers import DATA

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


def _standard_reading(raw: bytes) -> tuple[dict, list] | None:
    """What `mimeread.read` promises to give, from the standard parser's reading."""
    msg = BytesParser(policy=compat32).parsebytes(raw)
    return mailparse._raw_headers(msg), [
        (mailparse._raw_headers(part), part._payload.encode("ascii", "surrogateescape"))
        for part in msg.walk() if not part.is_multipart()]


def _same_facts(raw: bytes) -> None:
    """The import reads the message as it would from the standard parser's reading."""
    try:
        quick = mailparse.parse_bytes(raw)
    except mailparse.ParseError as exc:
        quick = str(exc)
    try:
        full = mailparse.parse_message(BytesParser(policy=compat32).parsebytes(raw))
    except mailparse.ParseError as exc:
        full = str(exc)
    assert quick == full


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_HEADERS), max_size=8), st.sampled_from(_BODIES),
       st.sampled_from(["\n", "\r\n"]), st.sampled_from(["utf-8", "latin-1"]))
def test_a_simple_message_is_read_as_the_standard_parser_reads_it(headers, body, eol,
                                                                   encoding):
    raw = ("\n".join(headers) + "\n\n" + body).replace("\n", eol).encode(encoding)
    quick = mimeread.read(raw)
    if quick is not None:
        assert quick == _standard_reading(raw)
    _same_facts(raw)


# Multipart messages, mostly well formed, with the oddities real mail has now and then:
# boundary lines with spaces after them or without the close mark, boundaries that start
# like another one, parts without headers or without a blank line, nested multiparts,
# attached messages, uuencoding, bare carriage returns, 8-bit bytes.
_GOOD_HEADERS = ["Content-Type: text/plain; charset=utf-8", "Content-Type: text/html",
                 "Content-Type: text/plain; charset=iso-8859-1",
                 "Content-Transfer-Encoding: quoted-printable",
                 "Content-Transfer-Encoding: base64",
                 'Content-Disposition: attachment; filename="Angebot.pdf"',
                 "Content-Type: application/pdf; name=a.pdf", "X-Folded: a\n b",
                 "Content-Type: text/plain; name==?utf-8?q?K=C3=B6ln?=.txt"]
_ODD_HEADERS = ["Content-Type: message/rfc822", "Content-Transfer-Encoding: x-uuencode",
                " continued first", "no colon", "From here", "Content-Type: text/plain\rx",
                "Content-Type: multipart/alternative"]
_BODIES_OF_PARTS = ["Hallo\n", "Gr=FC=DFe=\n aus K=F6ln\n", "SGFsbG8gV2VsdA\n",
                    "SGFsbG8=\n", "<p>Hallo <b>Welt</b></p>\n", "", "\n", "Köln\n",
                    "line\n\nline\n"]
_ODD_BODIES = ["--b\n", "--b--\n", "--bx\n", "--b \t\n", "--in\n", "--in--\n", "--b-\n",
               "a\rb\n", "begin 644 a.txt\n#86)C\n`\nend\n", "x\x0cy\n"]


def _mostly(good: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """One of `good`, now and then (one time in eight) one of `odd`."""
    return st.sampled_from(good * (7 * len(odd)) + odd * len(good))


@st.composite
def _part(draw: st.DrawFn, depth: int) -> list[str]:
    if depth < 2 and draw(st.integers(0, 3)) == 0:
        boundary = draw(_mostly([f"in{depth}", f"b-in{depth}"], ["b", "in0"]))
        return [f"Content-Type: multipart/alternative; boundary={boundary}", "",
                *draw(_body(boundary, depth + 1))]
    lines = draw(st.lists(_mostly(_GOOD_HEADERS, _ODD_HEADERS), max_size=3))
    if draw(st.integers(0, 9)):
        lines.append("")
    return [*lines, draw(_mostly(_BODIES_OF_PARTS, _ODD_BODIES)).removesuffix("\n")]


@st.composite
def _body(draw: st.DrawFn, boundary: str, depth: int) -> list[str]:
    line = f"--{boundary}"
    lines = [draw(_mostly(["", "preamble", line + "x"], [f"{line}--"]))]
    for _part_number in range(int(draw(_mostly(["1", "2", "3"], ["0"])))):
        lines.append(draw(_mostly([line], [line + " ", f"{line}\n{line}", f" {line}"])))
        lines += draw(_part(depth))
    lines.append(draw(_mostly([f"{line}--"], [f"{line}-- ", line, "", f"{line}---"])))
    lines.append(draw(st.sampled_from(["", "", "epilogue", f"{line}\nafter the close"])))
    return lines


@st.composite
def _multipart(draw: st.DrawFn) -> bytes:
    outer = draw(_mostly(["multipart/alternative; boundary=b", 'multipart/mixed; boundary="b"',
                          "multipart/related;\n\tboundary=b; type=text/html"],
                         ["multipart/digest; boundary=b", "multipart/mixed; boundary*=b",
                          'Multipart/Mixed; Boundary = "b" ;', "multipart/mixed",
                          "multipart/mixed/x; boundary=b"]))
    lines = ["From: Anna <anna@client.example>", "Subject: Angebot",
             "Message-ID: <m1@client.example>", f"Content-Type: {outer}", "",
             *draw(_body("b", 0))]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "latin-1"]))
    return "\n".join(lines).replace("\n", eol).encode(encoding)


@settings(max_examples=1500, deadline=None)
@given(_multipart())
def test_a_multipart_message_is_read_as_the_standard_parser_reads_it(raw):
    quick = mimeread.read(raw)
    if quick is not None:
        assert quick == _standard_reading(raw)
    _same_facts(raw)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from([";", "; ", ";\n\t", " ;", ""]),
    _mostly(["boundary", "Boundary", "charset"], ["boundary*", "bound ary", "", "type"]),
    _mostly(["=", " = "], ["", "=="]),
    _mostly(["b", '"b"', '"a b "', "Apple-Mail=_2F", '"Apple-Mail=_2F"', "0000abc"],
            ['"<b>"', "<b>", '"b\\"x"', '"b;c"', "b c", "'b'", '""', "", "(b)", "*b", " \"b"])),
    max_size=3), st.sampled_from(["", ";", " ", "; ", ";;"]))
def test_a_boundary_is_read_as_the_standard_parser_reads_it(parameters, end):
    value = "multipart/mixed" + "".join("".join(p) for p in parameters) + end
    msg = BytesParser(policy=compat32).parsebytes(f"Content-Type: {value}\n\n".encode())
    found = mimeread._boundary(msg.get("content-type"))
    if found is not None:
        assert found == msg.get_boundary()


def test_common_multipart_mail_takes_the_quick_way():
    """Mail as Gmail, Outlook, Apple Mail and Thunderbird send it, with an attachment."""
    mail = (b'From: Anna <anna@client.example>\r\nContent-Type: multipart/mixed;\r\n'
            b'\tboundary="Apple-Mail=_2F1E"\r\n\r\n--Apple-Mail=_2F1E\r\n'
            b"Content-Type: multipart/alternative; boundary=000000000000abc\r\n\r\n"
            b"--000000000000abc\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
            b"Hallo\r\n--000000000000abc\r\nContent-Type: text/html; charset=UTF-8\r\n"
            b"\r\n<p>Hallo</p>\r\n--000000000000abc--\r\n\r\n--Apple-Mail=_2F1E\r\n"
            b'Content-Type: application/pdf; name="a.pdf"\r\nContent-Disposition: '
            b'attachment; filename="a.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            b"JVBERi0=\r\n--Apple-Mail=_2F1E--\r\n")
    headers, leaves = mimeread.read(mail)
    assert [(found["content-type"].split(";")[0], body) for found, body in leaves] == [
        ("text/plain", b"Hallo"), ("text/html", b"<p>Hallo</p>"),
        ("application/pdf", b"JVBERi0=")]
    assert mimeread.read((DATA / "gmail.eml").read_bytes()) is not None
    parsed = mailparse.parse_bytes(mail)
    assert parsed.body_text == "Hallo"
    assert parsed.attachments == [{"name": "a.pdf", "size": 5, "type": "application/pdf"}]


def test_attached_messages_and_uuencoding_are_left_to_the_standard_parser():
    for kind in ("message/rfc822", "multipart/digest; boundary=x"):
        assert mimeread.read(f"Content-Type: {kind}\n\nx\n".encode()) is None
    assert mimeread.read(b"Content-Transfer-Encoding: x-uuencode\n\nx\n") is None
    assert mimeread.read(b"Subject: hi\n\nHallo\n") == ({"subject": "hi"}, [
        ({"subject": "hi"}, b"Hallo\n")])


def test_a_base64_text_with_broken_padding_is_read_as_the_standard_parser_reads_it():
    for body in (b"SGFsbG8gV2VsdA\n", b"SGFsbG8gV2VsdA=\n", b"SGFs bG8*\n", b"SGFsb\n"):
        raw = b"Content-Transfer-Encoding: base64\nFrom: a@b.example\n\n" + body
        part = BytesParser(policy=compat32).parsebytes(raw)
        assert mailparse._transfer_decoded({"content-transfer-encoding": "base64"}, body) == (
            part.get_payload(decode=True))
    assert mailparse.parse_bytes(b"From: a@b.example\nContent-Transfer-Encoding: base64\n"
                                 b"\nSGFsbG8gV2VsdA\n").body_text == "Hallo Welt"


def test_an_encoded_word_with_broken_padding_is_decoded():
    parsed = mailparse.parse_bytes(b"From: a@b.example\nSubject: =?utf-8?B?R3LDvMOfZQ?=\n"
                                   b"\nHallo\n")
    assert parsed.subject == "Grüße"
    assert not parsed.warnings


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
