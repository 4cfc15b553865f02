"""Imports and syncs never get stuck: leases, take-over, permanent failures, sync states."""

import datetime as dt
import shutil

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.comms import imap, jobs, mailimport, services
from rapport.comms.crypto import encrypt
from rapport.comms.models import CalendarSubscription, ImportRun, MailAccount, Message
from tests.comms.dovecot import imap_server  # noqa: F401
from tests.comms.helpers import DATA, kranich

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lan_install(settings):
    """dovecot listens on loopback: allowed only as on a self-hosted LAN install."""
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def mbox_run(workspace, tmp_path):
    kranich(workspace)
    path = tmp_path / "sample.mbox"
    shutil.copy(DATA / "sample.mbox", path)
    return ImportRun.objects.create(workspace=workspace, kind="mail", filename="sample.mbox",
                                    path=str(path), total_bytes=path.stat().st_size,
                                    queued_at=timezone.now())


def _age(run: ImportRun, seconds: int) -> None:
    """The worker holding the run last reported this long ago."""
    ImportRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds))


def _queued_tasks() -> list[tuple[str, list]]:
    return [(t.task_path.rsplit(".", 1)[-1], t.args_kwargs["args"])
            for t in DBTaskResult.objects.ready()]


def test_a_run_whose_worker_stopped_reporting_is_queued_again(mbox_run):
    assert jobs.claim(mbox_run)
    _age(mbox_run, 119)
    assert jobs.requeue_stale_runs() == 0, "within the two-minute lease it is left alone"
    _age(mbox_run, 121)
    assert jobs.requeue_stale_runs() == 1
    mbox_run.refresh_from_db()
    assert (mbox_run.state, mbox_run.worker) == ("queued", "")
    assert _queued_tasks() == [("import_upload", [mbox_run.pk])]


def test_the_dead_workers_queue_entry_no_longer_reads_running(mbox_run):
    from rapport.comms.tasks import import_upload

    held = import_upload.enqueue(mbox_run.pk)
    entry = DBTaskResult.objects.get(id=held.id)
    entry.claim("dead-worker")
    jobs.claim(mbox_run)
    _age(mbox_run, 600)
    jobs.requeue_stale_runs()
    entry.refresh_from_db()
    assert entry.status == "FAILED" and "WorkerDied" in entry.exception_class_path
    assert _queued_tasks() == [("import_upload", [mbox_run.pk])]


def test_the_lease_is_configurable(mbox_run, settings):
    settings.RAPPORT_JOB_LEASE_SECONDS = 10
    jobs.claim(mbox_run)
    _age(mbox_run, 11)
    assert jobs.requeue_stale_runs() == 1


def test_a_taken_over_run_continues_at_its_checkpoint_and_imports_nothing_twice(
        mbox_run, monkeypatch):
    monkeypatch.setattr(mailimport, "BATCH", 2)
    real_flush = mailimport.MessageStore.flush
    calls = {"n": 0}

    def dies_in_second_batch(self, checkpoint=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("kill -9")
        real_flush(self, checkpoint)

    monkeypatch.setattr(mailimport.MessageStore, "flush", dies_in_second_batch)
    with pytest.raises(SystemExit):
        services.run_import(mbox_run)
    mbox_run.refresh_from_db()
    assert (mbox_run.state, mbox_run.imported) == ("running", 2)
    monkeypatch.setattr(mailimport.MessageStore, "flush", real_flush)

    assert services.run_import(mbox_run).state == "running", "a live lease is respected"
    _age(mbox_run, 600)
    jobs.requeue_stale_runs()
    run = services.run_import(ImportRun.objects.get())
    assert (run.state, run.imported, run.duplicates, run.attempts) == ("done", 5, 0, 2)
    assert Message.objects.count() == 5


def test_a_worker_that_lost_its_lease_writes_nothing(mbox_run):
    jobs.claim(mbox_run)
    stale_copy = ImportRun.objects.get()
    _age(mbox_run, 600)
    # Another worker takes it over.
    ImportRun.objects.filter(pk=mbox_run.pk).update(worker="elsewhere:1:beef",
                                                    heartbeat_at=timezone.now())
    with pytest.raises(jobs.LeaseLost):
        mailimport.import_mbox(mbox_run.workspace, mailimport.Path(mbox_run.path),
                               run=stale_copy)
    assert Message.objects.count() == 0
    assert ImportRun.objects.get().imported == 0


def test_a_run_that_keeps_killing_its_worker_ends_failed_with_a_reason(mbox_run):
    ImportRun.objects.filter(pk=mbox_run.pk).update(state="running",
                                                    attempts=jobs.MAX_ATTEMPTS)
    _age(mbox_run, 600)
    jobs.requeue_stale_runs()
    run = ImportRun.objects.get()
    assert (run.state, run.failure) == ("failed", "interrupted")
    assert run.finished_at is not None
    assert _queued_tasks() == []


def test_a_queued_run_whose_task_went_missing_is_sent_again(mbox_run):
    ImportRun.objects.filter(pk=mbox_run.pk).update(
        queued_at=timezone.now() - dt.timedelta(minutes=5))
    assert jobs.requeue_stale_runs() == 1
    assert _queued_tasks() == [("import_upload", [mbox_run.pk])]
    assert jobs.requeue_stale_runs() == 0, "once per lease, not on every loop"


def test_a_missing_file_ends_the_run_failed_not_running(mbox_run):
    mailimport.Path(mbox_run.path).unlink()
    run = services.run_import(mbox_run)
    assert (run.state, run.failure) == ("failed", "file_missing")
    assert not run.can_retry


def test_an_unreadable_file_ends_the_run_failed_and_can_be_retried(mbox_run, tmp_path):
    ImportRun.objects.filter(pk=mbox_run.pk).update(path=str(tmp_path))  # a directory
    run = services.run_import(ImportRun.objects.get())
    assert (run.state, run.failure) == ("failed", "unreadable")
    assert run.can_retry
    ImportRun.objects.filter(pk=run.pk).update(path=str(DATA / "sample.mbox"))
    assert jobs.retry(run)
    assert ImportRun.objects.get().state == "queued"


def test_an_unexpected_error_ends_the_run_failed(mbox_run, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(services, "import_mail_file", boom)
    run = services.run_import(mbox_run)
    assert (run.state, run.failure) == ("failed", "unexpected")


# Syncs -----------------------------------------------------------------------------------

@pytest.fixture
def account(workspace, imap_server, request):  # noqa: F811
    return MailAccount.objects.create(
        workspace=workspace, name="Work", host=imap_server.host, port=imap_server.port,
        security=MailAccount.Security.NONE, username=request.node.name[5:40],
        password_encrypted=encrypt("secret"), folders="INBOX")


def test_a_successful_sync_is_recorded_as_done(account):
    imap.sync_account(account)
    account.refresh_from_db()
    assert (account.sync_state, account.sync_failure) == ("done", "")
    assert account.last_sync_at is not None


def test_a_wrong_password_is_recorded_as_a_login_failure(account):
    MailAccount.objects.filter(pk=account.pk).update(password_encrypted=encrypt("wrong"))
    account.refresh_from_db()
    with pytest.raises(imap.imaplib.IMAP4.error):
        imap.sync_account(account)
    account.refresh_from_db()
    assert (account.sync_state, account.sync_failure) == ("failed", "login")
    assert "password" in account.sync_advice


def test_an_unreachable_server_is_recorded_as_a_connection_failure(account):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    MailAccount.objects.filter(pk=account.pk).update(port=closed_port)
    account.refresh_from_db()
    with pytest.raises(OSError):
        imap.sync_account(account)
    account.refresh_from_db()
    assert (account.sync_state, account.sync_failure) == ("failed", "connect")


def test_a_sync_whose_worker_died_is_queued_again(account, workspace):
    sub = CalendarSubscription.objects.create(workspace=workspace, name="Cal",
                                              url="https://example.org/cal.ics")
    old = timezone.now() - dt.timedelta(minutes=10)
    MailAccount.objects.filter(pk=account.pk).update(sync_state="running",
                                                     sync_heartbeat_at=old)
    CalendarSubscription.objects.filter(pk=sub.pk).update(sync_state="running",
                                                          sync_heartbeat_at=old)
    assert jobs.requeue_stale_runs() == 2
    assert sorted(_queued_tasks()) == [("refresh_one_calendar", [sub.pk]),
                                       ("sync_one_account", [account.pk])]
    assert MailAccount.objects.get().sync_state == "queued"


def test_every_start_of_a_sync_counts_as_an_attempt_until_it_finishes(account, imap_server):  # noqa: F811
    from tests.comms.test_imap_sync import _mail

    imap_server.append(account.username, "INBOX", [_mail(1), _mail(2)])
    seen = []
    MailAccount.objects.filter(pk=account.pk).update(sync_attempts=2)
    account.refresh_from_db()

    def watch(uid: int) -> None:
        seen.append(MailAccount.objects.get(pk=account.pk).sync_attempts)

    imap.sync_account(account, after_batch=watch)
    assert seen and set(seen) == {3}  # counted while it runs: a death now leaves it at 3
    account.refresh_from_db()
    assert (account.sync_state, account.sync_attempts) == ("done", 0)


def test_a_sync_that_keeps_killing_its_worker_ends_failed_with_a_reason(account, workspace):
    sub = CalendarSubscription.objects.create(workspace=workspace, name="Cal",
                                              url="https://example.org/cal.ics")
    old = timezone.now() - dt.timedelta(minutes=10)
    for model, pk in ((MailAccount, account.pk), (CalendarSubscription, sub.pk)):
        model.objects.filter(pk=pk).update(sync_state="running", sync_heartbeat_at=old,
                                           sync_attempts=jobs.MAX_ATTEMPTS)
    assert jobs.requeue_stale_runs() == 0
    assert _queued_tasks() == []
    for target in (MailAccount.objects.get(), CalendarSubscription.objects.get()):
        assert (target.sync_state, target.sync_failure) == ("failed", "interrupted")
        assert "worker" in target.sync_advice
    # "Sync now" gives it its full number of attempts again.
    jobs.queue_sync(MailAccount.objects.get())
    assert MailAccount.objects.get().sync_attempts == 0


def test_a_sync_killed_fewer_times_than_the_limit_is_queued_again(account):
    MailAccount.objects.filter(pk=account.pk).update(
        sync_state="running", sync_attempts=jobs.MAX_ATTEMPTS - 1,
        sync_heartbeat_at=timezone.now() - dt.timedelta(minutes=10))
    assert jobs.requeue_stale_runs() == 1
    assert MailAccount.objects.get().sync_state == "queued"


def test_an_account_that_keeps_killing_the_worker_cannot_starve_the_others(
        account, workspace, monkeypatch):
    healthy = MailAccount.objects.create(
        workspace=workspace, name="Private", host=account.host, port=account.port,
        security=MailAccount.Security.NONE, username="private",
        password_encrypted=encrypt("secret"), folders="INBOX")
    MailAccount.objects.filter(pk=account.pk).update(sync_state="failed",
                                                     sync_failure="interrupted",
                                                     sync_attempts=jobs.MAX_ATTEMPTS)
    synced = []

    def sync_account(target: MailAccount) -> imap.ImportResult:
        if target.pk == account.pk:
            raise SystemExit("killed")  # like kill -9: the scheduled sync stops here
        synced.append(target.pk)
        return imap.ImportResult()

    monkeypatch.setattr(imap, "sync_account", sync_account)
    with pytest.raises(SystemExit):
        imap.sync_all()
    assert synced == [healthy.pk]


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_looks_for_stale_runs_on_every_round(mbox_run):
    from django.core.management import call_command

    jobs.claim(mbox_run)
    _age(mbox_run, 600)
    call_command("worker", "--once")
    run = ImportRun.objects.get()
    assert (run.state, run.imported) == ("done", 5)
