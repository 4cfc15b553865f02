"""`rapport backup` and `rapport restore`: a round trip gives back every row of every
table and every uploaded file, byte for byte; a non-empty or damaged target is refused."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rapport.backups import archive
from rapport.billing import services
from rapport.core import clock
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db(transaction=True)

needs_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'",
                                  reason="the SQLite round trip runs on SQLite")
needs_postgres = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                    reason="runs under scripts/with-postgres.sh")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _some_of_everything(workspace, media: Path) -> None:
    make_billable(workspace)
    client = billable_client(workspace)
    invoice = services.new_draft(workspace, client)
    services.add_line(invoice, "Lektorat „Übersetzung“ – 10 %", "2.5", "85.1234")
    invoice = services.issue(invoice)
    services.record_payment(invoice, "100.00", note="Teilzahlung")
    client.change_status("active")
    (media / "logos").mkdir(parents=True)
    (media / "logos" / "logo.png").write_bytes(bytes(range(256)) * 40)
    (media / "invoices" / "2026").mkdir(parents=True)
    (media / "invoices" / "2026" / "RE 1 ä.pdf").write_bytes(b"%PDF-1.7\n\x00\xff binary")


def _every_row() -> dict[str, list[tuple]]:
    rows = {}
    with connection.cursor() as cursor:
        for table in archive.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            rows[table] = [tuple(row) for row in cursor.fetchall()]
    return rows


def _every_file(media: Path) -> dict[str, bytes]:
    return {p.relative_to(media).as_posix(): p.read_bytes()
            for p in sorted(media.rglob("*")) if p.is_file()}


def _empty_the_installation(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def _round_trip(workspace, media: Path, tmp_path: Path) -> None:
    _some_of_everything(workspace, media)
    rows, files = _every_row(), _every_file(media)
    assert rows["audit_auditentry"] and rows["billing_invoice"] and len(files) == 2
    target = tmp_path / "rapport.tar.gz"
    call_command("backup", str(target))

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(target))

    _empty_the_installation(media)
    assert not _every_row()["billing_invoice"] and not _every_file(media)
    call_command("restore", str(target))
    assert _every_row() == rows
    assert _every_file(media) == files


@needs_sqlite
def test_a_sqlite_backup_restores_every_row_and_every_file(workspace, media, tmp_path):
    _round_trip(workspace, media, tmp_path)


@needs_postgres
def test_a_postgres_backup_restores_every_row_and_every_file(workspace, media, tmp_path):
    _round_trip(workspace, media, tmp_path)


def test_the_manifest_names_version_migrations_counts_and_checksums(workspace, media,
                                                                     tmp_path):
    _some_of_everything(workspace, media)
    target = tmp_path / "b.tar.gz"
    archive.backup(target)
    with tarfile.open(target) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert manifest["format"] == 1 and manifest["rapport_version"]
    assert ["audit", "0001_audit_entries"] in manifest["migrations"]
    assert manifest["tables"]["billing_payment"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["file"] in names
    assert set(manifest["files"]) == {"logos/logo.png", "invoices/2026/RE 1 ä.pdf"}
    assert len(manifest["files"]["logos/logo.png"]) == 64


def test_the_manifest_dates_the_backup_by_the_application_clock_in_utc(db, media, tmp_path):
    berlin_noon = dt.datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    target = tmp_path / "b.tar.gz"
    with clock.travel(berlin_noon):
        archive.backup(target)
    with tarfile.open(target) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        written = tar.getmember("manifest.json").mtime
    assert manifest["created_at"] == "2026-07-01T10:00:00+00:00"
    assert written == int(berlin_noon.timestamp())


def test_an_existing_backup_file_is_never_overwritten(db, media, tmp_path):
    target = tmp_path / "b.tar.gz"
    target.write_bytes(b"older backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(target))
    assert target.read_bytes() == b"older backup"


def test_a_damaged_archive_is_refused_before_anything_is_restored(workspace, media, tmp_path):
    _some_of_everything(workspace, media)
    good = tmp_path / "good.tar.gz"
    archive.backup(good)
    _empty_the_installation(media)
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(good) as source, tarfile.open(bad, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/logos/logo.png":
                data = b"tampered" + data[8:]
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(bad))
    assert archive.existing_data() == {}
