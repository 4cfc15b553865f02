"""Incremental IMAP sync: per folder, UIDVALIDITY + the last UID imported.

Each batch of messages is stored in one transaction together with the folder's new
`last_uid`, so an interrupted sync resumes after the last complete batch and nothing is
imported twice (the Message-ID dedup catches the rest).
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from rapport.comms import jobs
from rapport.comms.crypto import decrypt
from rapport.comms.mailimport import ImportResult, MessageStore, _add_raw
from rapport.comms.models import MailAccount, MailFolderState, Source

BATCH = 50
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_UID = re.compile(rb"UID (\d+)")


def connect(account: MailAccount, timeout: float = 30) -> imaplib.IMAP4:
    if account.security == MailAccount.Security.SSL:
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(account.host, account.port,
                                               ssl_context=ssl.create_default_context(),
                                               timeout=timeout)
    else:
        conn = imaplib.IMAP4(account.host, account.port, timeout=timeout)
        if account.security == MailAccount.Security.STARTTLS:
            conn.starttls(ssl.create_default_context())
    conn.login(account.username, decrypt(account.password_encrypted))
    return conn


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


@jobs.tracked_sync
def sync_account(account: MailAccount, batch: int = BATCH,
                 after_batch: Callable[[int], None] | None = None) -> ImportResult:
    """Fetch new messages of every folder; safe to interrupt and to run again."""
    total = ImportResult()
    conn = connect(account)
    try:
        for folder in account.folder_names():
            total.add(_sync_folder(conn, account, folder, batch, after_batch))
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    MailAccount.objects.filter(pk=account.pk).update(last_sync_at=timezone.now(),
                                                      last_error="")
    return total


def _sync_folder(conn: imaplib.IMAP4, account: MailAccount, folder: str, batch: int,
                 after_batch: Callable[[int], None] | None) -> ImportResult:
    status, _data = conn.select(_quote(folder), readonly=True)
    if status != "OK":
        return ImportResult(errors=[{"position": folder, "reason": "folder not found"}])
    response = conn.response("UIDVALIDITY")[1]
    uidvalidity = int(response[0]) if response and response[0] else 0
    state, _created = MailFolderState.objects.get_or_create(
        workspace=account.workspace, account=account, folder=folder)
    if state.uidvalidity != uidvalidity:
        # The server renumbered the folder: start over; dedup keeps it a no-op.
        state.uidvalidity, state.last_uid = uidvalidity, 0
        state.save(update_fields=["uidvalidity", "last_uid"])
    status, data = conn.uid("SEARCH", None, f"UID {state.last_uid + 1}:*")
    uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > state.last_uid)
    result = ImportResult()
    for start in range(0, len(uids), batch):
        chunk = uids[start:start + batch]
        store = MessageStore(account.workspace, Source.IMAP)
        status, fetched = conn.uid("FETCH", ",".join(map(str, chunk)), "(UID BODY.PEEK[])")
        for item in fetched:
            if not isinstance(item, tuple):
                continue
            found = _UID.search(item[0])
            uid = int(found.group(1)) if found else 0
            _add_raw(store, f"{folder} UID {uid}", item[1])
        last = chunk[-1]

        def checkpoint(last: int = last) -> None:
            MailFolderState.objects.filter(pk=state.pk).update(last_uid=last)

        store.flush(checkpoint)
        result.add(store.result)
        if after_batch:
            after_batch(last)
    return result


def sync_all() -> dict[str, int]:
    """Sync every account of every workspace; one failing account does not stop the rest."""
    counts = {}
    for account in MailAccount.objects.select_related("workspace"):
        try:
            counts[str(account.pk)] = sync_account(account).imported
        except (imaplib.IMAP4.error, OSError, ValueError) as exc:
            MailAccount.objects.filter(pk=account.pk).update(last_error=str(exc)[:1000])
    return counts


@transaction.atomic
def save_account(account: MailAccount, password: str | None) -> MailAccount:
    from rapport.comms.crypto import encrypt

    if password:
        account.password_encrypted = encrypt(password)
    account.save()
    return account
