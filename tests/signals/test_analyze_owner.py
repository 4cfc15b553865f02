"""`rapport analyze` on a real mail export finds whose mailbox it is and skips their mail."""

from __future__ import annotations

import json
import mailbox
from email.message import EmailMessage
from io import StringIO
from pathlib import Path

from django.core.management import call_command

OWNER = "lena@studio.example"


def _mail(sender: str, to: str, text: str, number: int, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"Project {number}"
    message["Date"] = f"Tue, {number + 1:02d} Nov 2026 10:00:00 +0100"
    message["Message-ID"] = f"<m{number}@{sender.split('@')[1]}>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def _write_mbox(path: Path, messages: list[EmailMessage]) -> None:
    box = mailbox.mbox(str(path))
    for message in messages:
        box.add(message)
    box.flush()
    box.close()


def export_with_sent_folder(root: Path) -> Path:
    """A Thunderbird-like export: Inbox and "Gesendet" mbox files. The client Anna is
    in more messages than the owner in the inbox alone, so only the Sent folder tells."""
    root.mkdir()
    _write_mbox(root / "Inbox", [
        _mail("anna@client.example", f"{OWNER}, team@client.example",
              "Das ist uns aber zu teuer.", 1),
        _mail("anna@client.example", "team@client.example",
              "We need it urgently, ASAP.", 2),
        _mail("tom@other.example", OWNER, "Thanks, all fine.", 3),
    ])
    _write_mbox(root / "Gesendet", [
        _mail(OWNER, "anna@client.example",
              "Bitte dringend zahlen, das ist zu teuer für mich.", 4),
    ])
    return root


def run(*args: str) -> tuple[list[dict], str]:
    out, err = StringIO(), StringIO()
    call_command("analyze", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_the_sender_of_the_sent_folder_is_the_owner_and_their_mail_is_skipped(tmp_path):
    rows, said = run(str(export_with_sent_folder(tmp_path / "export")))
    assert sorted(r["message_id"] for r in rows) == [
        "<m1@client.example>", "<m2@client.example>", "<m3@other.example>"]
    assert f"Assumed the mailbox belongs to {OWNER}" in said
    assert "pass --me to change" in said


def test_me_overrides_the_guess(tmp_path):
    rows, said = run(str(export_with_sent_folder(tmp_path / "export")),
                     "--me", "anna@client.example")
    assert sorted(r["message_id"] for r in rows) == ["<m3@other.example>",
                                                     "<m4@studio.example>"]
    assert "Assumed" not in said
    flagged = next(r for r in rows if r["message_id"] == "<m4@studio.example>")
    assert {"urgency", "haggling"} <= {s["kind"] for s in flagged["signals"]}


def test_a_maildir_sent_folder_tells_the_owner(tmp_path):
    box = mailbox.Maildir(str(tmp_path / "Mail"))
    box.add(_mail("anna@client.example", OWNER, "Zu teuer.", 1))
    box.add(_mail("bob@client.example", "anna@client.example", "Zu teuer.", 2))
    box.add_folder("Sent").add(_mail(OWNER, "anna@client.example", "Dringend.", 3))
    rows, said = run(str(tmp_path / "Mail"))
    assert f"belongs to {OWNER}" in said
    assert sorted(r["message_id"] for r in rows) == ["<m1@client.example>",
                                                     "<m2@client.example>"]


def test_a_gmail_takeout_label_tells_the_owner(tmp_path):
    path = tmp_path / "All mail Including Spam and Trash.mbox"
    _write_mbox(path, [
        _mail("anna@client.example", f"{OWNER}, x@client.example", "Zu teuer.", 1),
        _mail("anna@client.example", "x@client.example", "Zu teuer.", 2),
        _mail(OWNER, "anna@client.example", "Dringend.", 3,
              X_Gmail_Labels="Gesendet,Geöffnet"),
    ])
    rows, said = run(str(path))
    assert f"belongs to {OWNER}" in said
    assert "<m3@studio.example>" not in {r["message_id"] for r in rows}


def test_without_a_sent_folder_the_address_in_most_messages_is_the_owner(tmp_path):
    path = tmp_path / "Inbox"
    _write_mbox(path, [
        _mail("anna@client.example", OWNER, "Zu teuer.", 1),
        _mail(OWNER, "anna@client.example", "Dringend.", 2),
        _mail("tom@other.example", OWNER, "Danke.", 3),
    ])
    rows, said = run(str(path))
    assert "in most messages" in said and OWNER in said
    assert "<m2@studio.example>" not in {r["message_id"] for r in rows}


def test_a_single_message_does_not_tell_and_nothing_is_skipped(tmp_path):
    _write_mbox(tmp_path / "one", [_mail("anna@client.example", OWNER, "Zu teuer.", 1)])
    rows, said = run(str(tmp_path / "one"))
    assert len(rows) == 1
    assert "Could not tell whose mailbox" in said
