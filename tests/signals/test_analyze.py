"""`rapport analyze`: detectors over mail files, without the database."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

MBOX = b"""From anna@client.example Sun Nov  8 23:10:00 2026
From: Anna <anna@client.example>
To: lena@studio.example
Subject: Kurze Frage
Date: Sun, 08 Nov 2026 23:10:00 +0100
Message-ID: <a1@client.example>
Content-Type: text/plain; charset=utf-8

Hallo Lena,

wir brauchen das dringend. Das ist uns aber zu teuer.

Viele Gr\xc3\xbc\xc3\x9fe
Anna

From lena@studio.example Mon Nov  9 10:00:00 2026
From: Lena <lena@studio.example>
To: anna@client.example
Subject: Re: Kurze Frage
Date: Mon, 09 Nov 2026 10:00:00 +0100
Message-ID: <a2@studio.example>

Bitte dringend zahlen.

From tom@client.example Tue Nov 10 10:00:00 2026
From: Tom <tom@client.example>
To: lena@studio.example
Subject: Re: Invoice
Date: Tue, 10 Nov 2026 10:00:00 +0100
Message-ID: <a3@client.example>

Thanks, will do.

On Mon, 9 Nov 2026, Lena wrote:
> Please pay ASAP, no discount.
"""


def run(*args: str) -> list[dict]:
    out = StringIO()
    call_command("analyze", *args, stdout=out, stderr=StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_prints_one_object_per_message(tmp_path):
    """No django_db mark: any database access would fail this test."""
    path = tmp_path / "mail.mbox"
    path.write_bytes(MBOX)
    rows = run(str(path), "--format", "json", "--me", "lena@studio.example",
               "--office-hours", "Mon-Fri 09:00-17:00", "--tz", "Europe/Berlin",
               "--holidays", "DE-BY")
    assert [r["message_id"] for r in rows] == ["<a1@client.example>", "<a3@client.example>"]
    first = rows[0]
    assert first["language"] == "de"
    found = {s["kind"]: s["evidence"] for s in first["signals"]}
    assert found["urgency"] == "dringend" and found["haggling"] == "zu teuer"
    assert {"after_hours", "late_night"} <= set(found)
    assert rows[1] == {"message_id": "<a3@client.example>", "language": "en", "signals": []}


def test_it_reads_eml_files_in_a_directory(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.eml").write_bytes(MBOX.split(b"\n\nFrom ")[0].split(b"\n", 1)[1])
    rows = run(str(tmp_path), "--holidays", "DE")
    assert len(rows) == 1 and rows[0]["language"] == "de"


def test_bad_options_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.mbox"))
    (tmp_path / "x.eml").write_text("Subject: x\n\nhi")
    with pytest.raises(CommandError, match="office hours"):
        run(str(tmp_path), "--office-hours", "whenever")
    with pytest.raises(CommandError, match="time zone"):
        run(str(tmp_path), "--tz", "Mars/Olympus")
