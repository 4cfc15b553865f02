"""Incremental IMAP sync: per folder, UIDVALIDITY + the last UID imported.

Each batch of messages is stored in one transaction together with the folder's new
`last_uid`, so an interrupted sync resumes after the last complete batch and nothing is
imported twice (the Message-ID dedup catches the rest).
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import socket
import ssl
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.comms import jobs
from rapport.comms.crypto import decrypt, encrypt
from rapport.comms.mailimport import ImportResult, MessageStore, _add_raw
from rapport.comms.mailparse import MAX_RAW_BYTES
from rapport.comms.models import MailAccount, MailFolderState, Source
from rapport.core import clock, netguard

BATCH = 50
MAX_SYNC_SECONDS = 600  # one account's sync; the rest follows at the next one
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
log = logging.getLogger(__name__)


class _GuardedIMAP4(imaplib.IMAP4):
    """Connects only to a checked public address (see rapport.core.netguard)."""

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return netguard.connect(self.host, self.port, timeout or 30)


class _GuardedIMAP4_SSL(imaplib.IMAP4_SSL):  # noqa: N801 - named after imaplib's class
    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = netguard.connect(self.host, self.port, timeout or 30)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


class LoginFailed(imaplib.IMAP4.error):
    """The server refused the user name or password."""


def connect(account: MailAccount, timeout: float = 30) -> imaplib.IMAP4:
    if account.security == MailAccount.Security.SSL:
        conn: imaplib.IMAP4 = _GuardedIMAP4_SSL(account.host, account.port,
                                                ssl_context=ssl.create_default_context(),
                                                timeout=timeout)
    else:
        conn = _GuardedIMAP4(account.host, account.port, timeout=timeout)
        if account.security == MailAccount.Security.STARTTLS:
            conn.starttls(ssl.create_default_context())
    try:
        conn.login(account.username, decrypt(account.password_encrypted))
    except imaplib.IMAP4.error as exc:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
        raise LoginFailed("login refused") from exc
    return conn


def describe_failure(exc: BaseException) -> str:
    """What the user is told about a failed sync: never the server's own words (they could
    come from any service on any port), and a refused connection reads like a timeout."""
    if isinstance(exc, netguard.NotAllowed):
        return _("Could not reach the mail server: the address is not allowed.")
    if isinstance(exc, LoginFailed):
        return _("The mail server refused the user name or the password.")
    if isinstance(exc, imaplib.IMAP4.error | ssl.SSLError):
        return _("Could not sync: the mail server answered with an error.")
    if isinstance(exc, OSError):
        return _("Could not reach the mail server: it did not answer.")
    return _("Could not sync because of an internal error; it is tried again at the next "
             "sync.")


def record_failure(account: MailAccount, exc: BaseException) -> str:
    """Store the failure on the account, in the workspace's language; log the details."""
    log.warning("mail account %s: sync failed", account.pk, exc_info=exc)
    with translation.override(account.workspace.language):
        reason = describe_failure(exc)
    MailAccount.objects.filter(pk=account.pk).update(last_error=reason)
    return reason


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


@jobs.tracked_sync
def sync_account(account: MailAccount, batch: int = BATCH,
                 after_batch: Callable[[int], None] | None = None) -> ImportResult:
    """Fetch new messages of every folder; safe to interrupt and to run again."""
    total = ImportResult()
    deadline = time.monotonic() + MAX_SYNC_SECONDS
    conn = connect(account)
    try:
        for folder in account.folder_names():
            total.add(_sync_folder(conn, account, folder, batch, after_batch, deadline))
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    MailAccount.objects.filter(pk=account.pk).update(last_sync_at=clock.now(),
                                                      last_error=_skipped_note(account, total))
    return total


def _skipped_note(account: MailAccount, result: ImportResult) -> str:
    skipped = [e for e in result.errors
               if e.get("level") != "warning" and " UID " in str(e["position"])]
    if not skipped:
        return ""
    with translation.override(account.workspace.language):
        note = ngettext("%(count)d message could not be read and was skipped: %(where)s",
                        "%(count)d messages could not be read and were skipped: %(where)s",
                        len(skipped)) % {
            "count": len(skipped),
            "where": ", ".join(f"{e['position']} ({e['reason']})" for e in skipped[:5])}
    return note[:1000]


def _sync_folder(conn: imaplib.IMAP4, account: MailAccount, folder: str, batch: int,
                 after_batch: Callable[[int], None] | None, deadline: float) -> ImportResult:
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
        if start and time.monotonic() > deadline:
            break  # time is up: the next sync goes on after the last complete batch
        chunk = uids[start:start + batch]
        store = MessageStore(account.workspace, Source.IMAP)
        for uid, raw, cut in _fetch(conn, chunk):
            _add_raw(store, f"{folder} UID {uid}", raw, truncated=cut)
        last = chunk[-1]

        def checkpoint(last: int = last) -> None:
            MailFolderState.objects.filter(pk=state.pk).update(last_uid=last)

        store.flush(checkpoint)
        result.add(store.result)
        if after_batch:
            after_batch(last)
    return result


def _fetch(conn: imaplib.IMAP4, chunk: list[int]) -> list[tuple[int, bytes, bool]]:
    """(uid, raw bytes, cut short) per message. A message larger than MAX_RAW_BYTES is
    fetched only up to that size, and the others in groups of bounded total size, so
    huge mails cannot fill the memory."""
    status, sizes = conn.uid("FETCH", ",".join(map(str, chunk)), "(UID RFC822.SIZE)")
    groups: list[tuple[list[int], str, bool]] = []
    current: list[int] = []
    total = 0
    for item in sizes if status == "OK" else []:
        line = item[0] if isinstance(item, tuple) else item
        uid, size = (_UID.search(line), _SIZE.search(line)) if isinstance(line, bytes) \
            else (None, None)
        if not uid:
            continue
        length = int(size.group(1)) if size else 0
        if length > MAX_RAW_BYTES:
            groups.append(([int(uid.group(1))], f"BODY.PEEK[]<0.{MAX_RAW_BYTES}>", True))
            continue
        if current and total + length > MAX_RAW_BYTES:
            groups.append((current, "BODY.PEEK[]", False))
            current, total = [], 0
        current.append(int(uid.group(1)))
        total += length
    if current:
        groups.append((current, "BODY.PEEK[]", False))
    found: list[tuple[int, bytes, bool]] = []
    for uids, part, cut in groups:
        status, fetched = conn.uid("FETCH", ",".join(map(str, uids)), f"(UID {part})")
        for item in fetched if status == "OK" else []:
            if isinstance(item, tuple):
                uid = _UID.search(item[0])
                found.append((int(uid.group(1)) if uid else 0, item[1], cut))
    return sorted(found)


def sync_all() -> dict[str, int]:
    """Sync every account of every workspace; an account that fails, for whatever reason,
    gets the reason recorded and the next account is synced all the same. Accounts whose
    syncs keep stopping the worker come last, so they cannot keep the others waiting."""
    counts = {}
    for account in MailAccount.objects.select_related("workspace").order_by(
            "sync_attempts", "pk"):
        try:
            counts[str(account.pk)] = sync_account(account).imported
        except Exception as exc:  # noqa: BLE001 - one account must not stop the others
            record_failure(account, exc)
    return counts


@transaction.atomic
def save_account(account: MailAccount, password: str | None) -> MailAccount:
    if password:
        account.password_encrypted = encrypt(password)
    account.save()
    return account
