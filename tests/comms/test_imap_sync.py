"""IMAP sync against a real dovecot: incremental, interrupted, resumed, never twice."""

import pytest
from django.core.management import call_command

from rapport.comms import imap
from rapport.comms.crypto import encrypt
from rapport.comms.models import Direction, MailAccount, MailFolderState, Message
from tests.comms.dovecot import imap_server  # noqa: F401
from tests.comms.helpers import OWN, kranich

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lan_install(settings):
    """dovecot listens on loopback: allowed only as on a self-hosted LAN install."""
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True


def _mail(n: int, sender: str = "anna@kranich.example", to: str = OWN) -> bytes:
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: Nachricht {n}\r\n"
            f"Date: Mon, 2 Nov 2026 1{n % 10}:00:00 +0100\r\n"
            f"Message-ID: <m{n}-{sender}>\r\n\r\nText {n}?\r\n").encode()


@pytest.fixture
def user(request) -> str:
    return request.node.name[5:40]


@pytest.fixture
def account(workspace, imap_server, user):  # noqa: F811
    kranich(workspace)
    return MailAccount.objects.create(
        workspace=workspace, name="Work", host=imap_server.host, port=imap_server.port,
        security=MailAccount.Security.NONE, username=user,
        password_encrypted=encrypt("secret"), folders="INBOX, Sent")


def test_sync_imports_inbox_and_sent_and_then_only_what_is_new(account, imap_server, user):  # noqa: F811
    imap_server.append(user, "INBOX", [_mail(1), _mail(2), _mail(3)])
    imap_server.append(user, "Sent", [_mail(4, sender=OWN, to="anna@kranich.example")])
    result = imap.sync_account(account)
    assert result.imported == 4
    sent = Message.objects.get(message_id=f"<m4-{OWN}>")
    assert sent.direction == Direction.OUTBOUND and sent.client.name == "Kranich Verlag"
    state = MailFolderState.objects.get(account=account, folder="INBOX")
    assert state.last_uid == 3 and state.uidvalidity > 0
    assert imap.sync_account(account).imported == 0
    conn = imap_server.connect(user)
    conn.append("INBOX", None, None, _mail(5))
    conn.logout()
    assert imap.sync_account(account).imported == 1
    assert Message.objects.count() == 5


def test_an_interrupted_sync_resumes_after_the_last_complete_batch(account, imap_server, user):  # noqa: F811
    imap_server.append(user, "INBOX", [_mail(n) for n in range(1, 8)])

    def cut_after_second_batch(last_uid):
        if last_uid >= 4:
            raise ConnectionError("network gone")

    with pytest.raises(ConnectionError):
        imap.sync_account(account, batch=2, after_batch=cut_after_second_batch)
    assert Message.objects.count() == 4
    assert MailFolderState.objects.get(folder="INBOX").last_uid == 4
    result = imap.sync_account(account, batch=2)
    assert (result.imported, result.duplicates) == (3, 0)
    assert Message.objects.count() == 7


def test_a_changed_uidvalidity_starts_over_without_duplicates(account, imap_server, user):  # noqa: F811
    imap_server.append(user, "INBOX", [_mail(1), _mail(2)])
    imap.sync_account(account)
    MailFolderState.objects.filter(folder="INBOX").update(uidvalidity=1)
    result = imap.sync_account(account)
    assert (result.imported, result.duplicates) == (0, 2)


def test_the_command_syncs_and_reports_a_wrong_password(account, imap_server, user, capsys):  # noqa: F811
    imap_server.append(user, "INBOX", [_mail(1)])
    call_command("sync-mail")
    assert "1 imported" in capsys.readouterr().out
    account.password_encrypted = encrypt("wrong")
    account.save()
    call_command("sync-mail")
    account.refresh_from_db()
    assert account.last_error
