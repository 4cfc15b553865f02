"""Importing .mbox and .eml files: parsing, dedup, threads, linking, bad input."""

import shutil

import pytest
from django.core.management import call_command

from rapport.comms.mailimport import import_mail_file
from rapport.comms.models import Direction, ImportRun, Message
from tests.comms.helpers import DATA, kranich

pytestmark = pytest.mark.django_db


def test_it_imports_every_readable_message_of_an_mbox_and_reports_the_bad_one(workspace):
    kranich(workspace)
    result = import_mail_file(workspace, DATA / "sample.mbox")
    assert result.imported == 5
    problems = [e for e in result.errors if e.get("level") != "warning"]
    assert problems == [{"position": "message 5, line 79", "reason": "no headers"}]
    warnings = [e for e in result.errors if e.get("level") == "warning"]
    assert "x-klingon-8" in warnings[0]["reason"]
    assert warnings[0]["position"].startswith("message 6")


def test_it_decodes_charsets_and_transfer_encodings(workspace):
    kranich(workspace)
    import_mail_file(workspace, DATA / "sample.mbox")
    idea = Message.objects.get(message_id="<idea-1@kranich.example>")
    assert idea.subject == "Neue Idee für den Katalog"
    assert idea.from_name == "Anna König"
    assert "können wir den Katalog bis Montag komplett umbauen? Grüße" in idea.body_text
    # A quoted ">From " line in the body is unquoted; the date keeps its offset.
    assert "\nFrom the desk of Anna" in idea.body_text
    assert idea.date.isoformat() == "2026-11-02T22:14:05+00:00"
    approval = Message.objects.get(message_id="<approve-1@kranich.example>")
    # Windows-1252 quotes in a part labelled ISO-8859-1, base64 encoded.
    assert "„Freigabe“ – sorry für die Verspätung." in approval.body_text
    assert approval.attachments == [{"name": "Freigabe.pdf", "size": 100,
                                     "type": "application/pdf"}]


def test_html_only_mail_becomes_sanitized_text(workspace):
    import_mail_file(workspace, DATA / "sample.mbox")
    html = Message.objects.get(from_address="sam.stranger@gmail.com")
    assert html.body_text == "Hi! What do you charge for blog posts?"
    assert "alert" not in html.body_text and "<" not in html.body_text


def test_messages_link_by_contact_then_domain_and_know_their_direction(workspace):
    client = kranich(workspace)
    import_mail_file(workspace, DATA / "sample.mbox")
    anna = Message.objects.get(message_id="<idea-1@kranich.example>")
    assert (anna.client, anna.contact.name, anna.direction) == (client, "Anna König",
                                                               Direction.INBOUND)
    bernd = Message.objects.get(message_id="<approve-1@kranich.example>")
    assert bernd.client == client and bernd.contact is None  # by domain
    reply = Message.objects.get(message_id="<reply-1@berg-text.example>")
    assert (reply.client, reply.direction) == (client, Direction.OUTBOUND)
    stranger = Message.objects.get(from_address="sam.stranger@gmail.com")
    assert stranger.client is None


def test_free_mail_domains_never_link_by_domain(workspace):
    client = kranich(workspace)
    client.domains.create(workspace=workspace, domain="gmail.com")  # bypassing the form
    import_mail_file(workspace, DATA / "gmail.eml")
    assert Message.objects.get().client is None


def test_replies_share_the_thread_of_the_first_message(workspace):
    kranich(workspace)
    import_mail_file(workspace, DATA / "sample.mbox")
    keys = set(Message.objects.filter(subject__icontains="Neue Idee")
               .values_list("thread_key", flat=True))
    assert keys == {"<idea-1@kranich.example>"}


def test_reimporting_changes_nothing(workspace, tmp_path):
    kranich(workspace)
    import_mail_file(workspace, DATA / "sample.mbox")
    before = list(Message.objects.order_by("pk").values())
    copy = tmp_path / "again.mbox"
    shutil.copy(DATA / "sample.mbox", copy)
    again = import_mail_file(workspace, copy)
    assert (again.imported, again.duplicates) == (0, 5)
    assert list(Message.objects.order_by("pk").values()) == before


def test_a_message_without_message_id_is_deduplicated_by_content(workspace):
    import_mail_file(workspace, DATA / "sample.mbox")
    import_mail_file(workspace, DATA / "sample.mbox")
    assert Message.objects.filter(from_address="sam.stranger@gmail.com").count() == 1


def test_an_eml_file_imports_one_message_and_a_broken_one_is_reported(workspace):
    result = import_mail_file(workspace, DATA / "gmail.eml")
    message = Message.objects.get()
    assert message.body_text == "Können wir morgen um 10 telefonieren?"
    assert message.recipients == ["mara@berg-text.example"]
    assert message.cc_addresses == "anna@kranich.example"
    assert result.imported == 1
    broken = import_mail_file(workspace, DATA / "broken.eml")
    assert broken.errors == [{"position": "broken.eml", "reason": "no headers"}]


def test_an_interrupted_mbox_import_resumes_from_its_checkpoint(workspace, monkeypatch):
    from rapport.comms import mailimport

    monkeypatch.setattr(mailimport, "BATCH", 2)
    run = ImportRun.objects.create(workspace=workspace, kind="mail", filename="sample.mbox",
                                   total_bytes=(DATA / "sample.mbox").stat().st_size)
    calls = {"n": 0}
    real_flush = mailimport.MessageStore.flush

    def failing_flush(self, checkpoint=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        real_flush(self, checkpoint)

    monkeypatch.setattr(mailimport.MessageStore, "flush", failing_flush)
    with pytest.raises(RuntimeError):
        mailimport.import_mbox(workspace, DATA / "sample.mbox", run=run)
    run.refresh_from_db()
    assert Message.objects.count() == 2 and run.imported == 2
    assert 0 < run.done_bytes < run.total_bytes
    monkeypatch.setattr(mailimport.MessageStore, "flush", real_flush)
    mailimport.import_mbox(workspace, DATA / "sample.mbox", run=run)
    run.refresh_from_db()
    assert Message.objects.count() == 5
    assert (run.imported, run.duplicates) == (5, 0)


def test_the_command_imports_files_and_prints_a_summary(workspace, capsys):
    call_command("import-mail", str(DATA / "sample.mbox"), str(DATA / "gmail.eml"),
                 "--progress")
    out, err = capsys.readouterr()
    assert "5 imported, 0 already known, 2 problems" in out
    assert "1 imported" in out
    assert "message 5, line 79: skipped: no headers" in err
    assert "msgs" in err and "/s" in err  # the progress bar with its rate


def test_earlier_mail_follows_a_contact_address_added_later(
        workspace, django_capture_on_commit_callbacks):
    from rapport.clients.models import Contact
    from rapport.clients.services import set_contact_emails
    from tests.health.test_pipeline import run_queued

    client = kranich(workspace)
    import_mail_file(workspace, DATA / "gmail.eml")
    assert Message.objects.get().client is None
    jana = Contact.objects.create(workspace=workspace, client=client, name="Jana Kraus")
    with django_capture_on_commit_callbacks(execute=True):
        set_contact_emails(jana, ["jana.kraus@gmail.com"])
    run_queued()  # the follow-up the new address queued
    message = Message.objects.get()
    assert (message.client, message.contact) == (client, jana)


def _mail(message_id: str, subject: str, day: int) -> bytes:
    return (f"From: Anna <anna@kranich.example>\nTo: mara@berg-text.example\n"
            f"Subject: {subject}\nDate: Mon, {day} Nov 2026 10:00:00 +0100\n"
            f"Message-ID: <{message_id}@kranich.example>\n\nHallo\n").encode()


def test_a_reply_that_names_no_earlier_message_threads_by_its_subject(workspace, tmp_path):
    kranich(workspace)
    first = tmp_path / "first.mbox"
    first.write_bytes(b"From anna Mon Nov  2 10:00:00 2026\n"
                      + _mail("catalog", "Katalog  Herbst", 2) + b"\n"
                      + b"From anna Mon Nov  3 10:00:00 2026\n"
                      + _mail("reply-1", "Re: AW: katalog herbst", 3)
                      + b"\nFrom anna Mon Nov  3 10:00:00 2026\n"
                      + _mail("other", "Re: Neuer Katalog Herbst", 3))
    import_mail_file(workspace, first)
    later = tmp_path / "later.eml"
    later.write_bytes(_mail("reply-2", "AW: Re: Katalog Herbst", 9))
    import_mail_file(workspace, later)
    threads = dict(Message.objects.values_list("message_id", "thread_key"))
    original = "<catalog@kranich.example>"
    # In the same file and in a later import, the reply joins the original's thread; a
    # subject that only ends like it does not.
    assert threads["<reply-1@kranich.example>"] == original
    assert threads["<reply-2@kranich.example>"] == original
    assert threads["<other@kranich.example>"] == "subject:neuer katalog herbst"
    assert Message.objects.get(message_id=original).normalised_subject == "katalog herbst"
