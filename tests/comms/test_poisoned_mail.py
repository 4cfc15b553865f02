"""Malformed and oversized mail: every message imports or is skipped with a reason, and
one bad message, account or workspace never stops the others."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.comms import imap
from rapport.comms.crypto import encrypt
from rapport.comms.mailimport import import_mail_file
from rapport.comms.mailparse import MAX_ANALYSED_CHARS, MAX_STORED_CHARS
from rapport.comms.models import ImportRun, MailAccount, Message
from rapport.comms.services import run_import, save_upload
from rapport.core.models import Workspace
from rapport.signals.detectors import detect_text
from tests.comms.dovecot import imap_server  # noqa: F401

pytestmark = pytest.mark.django_db


def _msg(n: int, headers: bytes = b"", body: bytes = b"Hallo?\r\n") -> bytes:
    sender = b"" if headers.startswith(b"From:") else b"From: Anna <anna@kranich.example>\r\n"
    date = b"" if b"Date:" in headers else b"Date: Mon, 2 Nov 2026 10:00:00 +0100\r\n"
    base = (sender + b"To: mara@berg-text.example\r\n" + date
            + f"Message-ID: <p{n}@kranich.example>\r\n".encode())
    return base + headers + b"\r\n" + body


POISON = [
    b"Subject: =?utf-8?B?!!!?=\r\n",                               # bad base64 word
    b"Subject: =?utf-8?Q?=ZZ broken?=\r\n",                        # bad quoted-printable
    "Subject: Grüße aus Köln\r\n".encode("latin-1"),               # raw 8-bit, not UTF-8
    "Subject: Grüße aus Köln\r\n".encode(),                        # raw 8-bit UTF-8
    b"Subject: =?x-no-such-charset?Q?Hallo?=\r\n",                 # unknown charset
    b"Subject: NUL\x00inside\r\n",
    b"Subject: far future\r\nDate: Fri, 31 Dec 9999 23:59:59 -1200\r\n",
    b"Subject: no date\r\nDate: yesterday-ish\r\n",
    b"Subject: bad charset\r\nContent-Type: text/plain; charset=\"\xff\xfe\"\r\n",
    b"Subject: broken mime\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n",
    b"Subject: long refs\r\nReferences: <" + b"r" * 2000 + b"@x>\r\n",
    b"From: \xff\xfe\x80 <weird@kranich.example>\r\nSubject: weird sender\r\n",
]


def _mbox(messages: list[bytes]) -> bytes:
    return b"".join(b"From sender@example Mon Nov  2 10:00:00 2026\n" + m + b"\n"
                    for m in messages)


def test_every_poisoned_message_imports_with_a_readable_header(workspace, tmp_path):
    path = tmp_path / "poison.mbox"
    path.write_bytes(_mbox([_msg(0)] + [_msg(n + 1, h) for n, h in enumerate(POISON)]
                           + [_msg(99)]))
    result = import_mail_file(workspace, path)
    assert result.imported == len(POISON) + 2
    subjects = {m.message_id: m.subject for m in Message.objects.all()}
    assert subjects["<p1@kranich.example>"] == "=?utf-8?B?!!!?="
    assert subjects["<p3@kranich.example>"] == "Grüße aus Köln"
    assert subjects["<p4@kranich.example>"] == "Grüße aus Köln"
    assert subjects["<p5@kranich.example>"] == "Hallo"
    assert subjects["<p6@kranich.example>"] == "NULinside"
    assert Message.objects.get(message_id="<p12@kranich.example>").from_name == "ÿþ€"
    notes = {e["position"].split(",")[0]: e["reason"] for e in result.errors}
    assert "broken encoded header" in notes["message 2"]
    assert "8-bit" in notes["message 4"]
    assert "unreadable date" in notes["message 8"]
    assert "unreadable date" in notes["message 9"]


def test_an_mbox_upload_with_poison_finishes(workspace):
    upload = SimpleUploadedFile("poison.mbox", _mbox([_msg(n, h) for n, h in
                                                      enumerate(POISON)] + [_msg(50)]))
    run = run_import(save_upload(workspace, upload))
    assert run.state == ImportRun.State.DONE
    assert run.imported == len(POISON) + 1


def test_a_huge_eml_is_stored_cut_with_a_note_and_analysed_fast(workspace, tmp_path):
    line = b"Koennen wir das bitte noch kurz aendern? Danke!\r\n"
    path = tmp_path / "huge.eml"
    path.write_bytes(_msg(1, b"Subject: huge\r\n", line * (12 * 1024 * 1024 // len(line))))
    started = time.monotonic()
    result = import_mail_file(workspace, path)
    message = Message.objects.get()
    assert len(message.body_text) <= MAX_STORED_CHARS
    reasons = " ".join(e["reason"] for e in result.errors)
    assert "only the beginning was read" in reasons
    assert "only the first 200 KB of the text are checked" in reasons
    detect_text(message.body_text)
    assert time.monotonic() - started < 60


def test_the_detectors_read_only_the_beginning_of_a_long_text():
    text = "Alles gut. " * 10 + "x" * (MAX_ANALYSED_CHARS * 5)
    started = time.monotonic()
    detect_text(text)
    assert time.monotonic() - started < 10


def test_an_upload_larger_than_the_limit_is_refused_with_a_clear_message(owner_http,
                                                                          settings):
    settings.RAPPORT_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.mbox", _mbox([_msg(1)]) + b"x" * (1024 * 1024 + 10))
    response = owner_http.post("/inbox/upload/", {"file": big})
    assert response.status_code == 200
    assert "larger than 1 MB" in response.content.decode()
    assert not ImportRun.objects.exists()
    small = SimpleUploadedFile("small.mbox", _mbox([_msg(1)]))
    assert owner_http.post("/inbox/upload/", {"file": small}).status_code == 302


# --- IMAP: a poisoned message, a broken account, another workspace after them ---

@pytest.fixture(autouse=True)
def lan_install(settings):
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True


def _account(workspace, server, user: str, **extra) -> MailAccount:
    fields = {"password_encrypted": encrypt("secret")} | extra
    return MailAccount.objects.create(
        workspace=workspace, name=user, host=server.host, port=server.port,
        security=MailAccount.Security.NONE, username=user, folders="INBOX", **fields)


def test_a_poisoned_account_does_not_stop_another_workspace(workspace, imap_server):  # noqa: F811
    imap_server.append("poisoned", "INBOX", [_msg(n, h) for n, h in enumerate(POISON)]
                       + [b"\r\nno headers at all\r\n"])
    imap_server.append("other", "INBOX", [_msg(70), _msg(71)])
    poisoned = _account(workspace, imap_server, "poisoned")
    broken = _account(workspace, imap_server, "broken", password_encrypted=b"not a token")
    other_ws = Workspace.objects.create(name="Andere", email="x@other.example")
    other = _account(other_ws, imap_server, "other")
    assert poisoned.pk < broken.pk < other.pk
    counts = imap.sync_all()
    assert counts[str(poisoned.pk)] == len(POISON)
    assert counts[str(other.pk)] == 2
    assert Message.objects.filter(workspace=other_ws).count() == 2
    broken.refresh_from_db()
    assert broken.last_error.startswith("Synchronisation wegen eines internen Fehlers")
    poisoned.refresh_from_db()
    assert poisoned.last_error == ("1 Nachricht war nicht lesbar und wurde übersprungen: "
                                   "INBOX UID 13 (no headers)")
    subjects = set(Message.objects.filter(workspace=workspace).values_list("subject",
                                                                            flat=True))
    assert {"=?utf-8?B?!!!?=", "Grüße aus Köln"} <= subjects


def test_a_huge_message_on_the_server_is_fetched_only_in_part(workspace, imap_server,  # noqa: F811
                                                              monkeypatch):
    monkeypatch.setattr(imap, "MAX_RAW_BYTES", 64 * 1024)
    imap_server.append("huge", "INBOX", [_msg(1, b"Subject: big\r\n", b"y" * 300_000),
                                         _msg(2, b"Subject: small\r\n")])
    account = _account(workspace, imap_server, "huge")
    result = imap.sync_account(account)
    assert result.imported == 2
    big = Message.objects.get(subject="big")
    assert 30_000 < len(big.body_text) < 64 * 1024
    assert any("only the beginning was read" in e["reason"] for e in result.errors)


def test_a_row_the_database_refuses_is_skipped_and_the_batch_stored(workspace, tmp_path,
                                                                    monkeypatch):
    """Another import stores the same message between the check and the insert: the batch
    insert fails, the others are stored one by one and the clash is reported."""
    from rapport.comms.linking import Linker

    classify = Linker.classify
    raced = []

    def concurrent_import(self, sender, recipients):
        if not raced:
            raced.append(True)
            import_mail_file(workspace, clash)
        return classify(self, sender, recipients)

    clash = tmp_path / "clash.eml"
    clash.write_bytes(_msg(2))
    path = tmp_path / "three.mbox"
    path.write_bytes(_mbox([_msg(1), _msg(2), _msg(3)]))
    monkeypatch.setattr(Linker, "classify", concurrent_import)
    result = import_mail_file(workspace, path)
    assert result.imported == 2
    assert Message.objects.count() == 3
    assert raced and [e["position"].split(",")[0] for e in result.errors] == ["message 2"]
    assert "could not be stored" in result.errors[0]["reason"]


def test_a_long_sync_stops_in_time_and_the_next_one_goes_on(workspace, imap_server,  # noqa: F811
                                                            monkeypatch):
    imap_server.append("slow", "INBOX", [_msg(n) for n in range(1, 6)])
    account = _account(workspace, imap_server, "slow")
    monkeypatch.setattr(imap, "MAX_SYNC_SECONDS", 0)
    assert imap.sync_account(account, batch=2).imported == 2
    assert imap.sync_account(account, batch=2).imported == 2
    monkeypatch.setattr(imap, "MAX_SYNC_SECONDS", 600)
    assert imap.sync_account(account, batch=2).imported == 1
    assert Message.objects.count() == 5
