"""`rapport backup` and `rapport restore`: the database and the uploaded files in one
archive (tar.gz) with a manifest, restored only into an empty installation and checked
against the manifest on the way in.

Archive layout::

    manifest.json        format, version, migrations, rows per table, SHA-256 of every file
    database.sqlite3     SQLite: a copy made with the online backup API (consistent while
                         the web server and the worker keep writing)
    database.pgdump      PostgreSQL: pg_dump --format=custom, from the same snapshot the
                         row counts were read in
    media/...            MEDIA_ROOT (logos, invoice PDFs, imported files)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from rapport.accounts.models import User
from rapport.backups import postgres
from rapport.core import clock
from rapport.core.models import Workspace

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    path: Path
    tables: int
    rows: int
    files: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _version() -> str:
    try:
        return metadata.version("rapport")
    except metadata.PackageNotFoundError:
        return "unknown"


def _quote(table: str) -> str:
    return connection.ops.quote_name(table)


def table_names() -> list[str]:
    """Every table of the database, the migration records included."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor, include_views=False)
    return sorted(n for n in names if not n.startswith("sqlite_"))


def count_rows(tables: list[str]) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - a table name
            counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> tuple[dict[str, int], list[list[str]]]:
    """Rows per table and the applied migrations, read from the copy itself."""
    copy = sqlite3.connect(path)
    try:
        names = [row[0] for row in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        counts = {name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                  for name in sorted(names)}
        migrations = [list(row) for row in copy.execute(
            "SELECT app, name FROM django_migrations ORDER BY app, name")]
    finally:
        copy.close()
    return counts, migrations


def _applied_migrations() -> list[list[str]]:
    return sorted([list(key) for key in MigrationRecorder(connection).applied_migrations()])


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> list[Path]:
    root = _media_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _dump_database(workdir: Path) -> tuple[Path, dict[str, int], list[list[str]]]:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    target = workdir / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        counts, migrations = _sqlite_counts(target)
        return target, counts, migrations
    # PostgreSQL: count and dump inside one snapshot, so the manifest matches the dump.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = count_rows(table_names())
        migrations = _applied_migrations()
        postgres.dump(connection, target, snapshot=snapshot)
    return target, counts, migrations


class _HashingReader:
    """Reads a file into the archive and hashes exactly the bytes that went in."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def backup(path: Path | str) -> Summary:
    """Write one archive with the database, the uploaded files and the manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name (backups are "
                          "never overwritten).")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="rapport-backup-") as tmp:
        database, counts, migrations = _dump_database(Path(tmp))
        manifest: dict[str, object] = {
            "format": FORMAT, "rapport_version": _version(),
            "created_at": clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "file": database.name,
                         "sha256": sha256_of(database)},
            "migrations": migrations, "tables": counts, "files": {},
        }
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(database, arcname=database.name)
                files: dict[str, str] = {}
                root = _media_root()
                for file in _media_files():
                    name = file.relative_to(root).as_posix()
                    info = archive.gettarinfo(file, arcname=f"media/{name}")
                    with file.open("rb") as handle:
                        reader = _HashingReader(handle)
                        archive.addfile(info, reader)
                    files[name] = reader.digest.hexdigest()
                manifest["files"] = files
                data = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(clock.now().timestamp())
                (Path(tmp) / MANIFEST).write_bytes(data)
                with (Path(tmp) / MANIFEST).open("rb") as handle:
                    archive.addfile(info, handle)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return Summary(path, len(counts), sum(counts.values()), len(manifest["files"]))


# -- restore -------------------------------------------------------------------------------

def existing_data() -> dict[str, int]:
    """What makes this installation not empty: users, workspaces, uploaded files."""
    found = {}
    tables = set(table_names())
    for label, model in (("users", User), ("workspaces", Workspace)):
        if model._meta.db_table in tables and model.objects.exists():
            found[label] = model.objects.count()
    media = len(_media_files())
    if media:
        found["uploaded files"] = media
    return found


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except (KeyError, AttributeError, ValueError) as exc:
        raise BackupError("This is not a Rapport backup: it has no readable manifest.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup has format {manifest.get('format')}; this version "
                          f"of Rapport reads format {FORMAT}.")
    return manifest


def _check_migrations(manifest: dict) -> list[str]:
    """Refuse a backup from a newer Rapport; return the migrations still to apply."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    recorded = {tuple(m) for m in manifest.get("migrations", [])}
    ours = {key for key in recorded if key[0] in {k[0] for k in known}}
    unknown = sorted(ours - known)
    if unknown:
        raise BackupError("This backup was made by a newer version of Rapport (it has "
                          f"migrations this one does not know, e.g. {'.'.join(unknown[0])}). "
                          "Install that version first.")
    return sorted(".".join(k) for k in known - recorded)


def _extract_and_verify(archive: tarfile.TarFile, manifest: dict, into: Path) -> Path:
    database = manifest["database"]
    expected = {database["file"]: database["sha256"],
                **{f"media/{name}": digest for name, digest in manifest["files"].items()}}
    members = {m.name: m for m in archive.getmembers() if m.isfile()}
    missing = sorted(set(expected) - set(members))
    extra = sorted(set(members) - set(expected) - {MANIFEST})
    if missing or extra:
        raise BackupError("The archive does not match its manifest "
                          f"(missing: {missing[:3]}, unexpected: {extra[:3]}).")
    for name in expected:
        archive.extract(members[name], into, filter="data")
        if sha256_of(into / name) != expected[name]:
            raise BackupError(f"{name} is damaged: its checksum does not match the manifest. "
                              "Nothing was restored.")
    return into / database["file"]


def _restore_database(vendor: str, source: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        original = sqlite3.connect(source)
        try:
            original.backup(connection.connection)
        finally:
            original.close()
        return
    connection.close()  # pg_restore must find no open transaction of ours
    postgres.restore(connection, source)


def restore(path: Path | str) -> tuple[Summary, list[str]]:
    """Restore a backup into this empty installation; returns the summary and the
    migrations to apply afterwards (`rapport migrate`) when the backup is older."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a readable backup archive: {exc}") from exc
    with archive, tempfile.TemporaryDirectory(prefix="rapport-restore-") as tmp:
        manifest = _read_manifest(archive)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(f"This backup holds a {vendor} database; this installation "
                              f"uses {connection.vendor}. Restore it into a {vendor} "
                              "installation.")
        pending = _check_migrations(manifest)
        found = existing_data()
        if found:
            what = ", ".join(f"{n} {label}" for label, n in found.items())
            raise BackupError(f"This installation is not empty ({what}). Restore only into "
                              "a new, empty installation: a fresh database (after `rapport "
                              "migrate`, or none at all) and an empty media folder "
                              f"({_media_root()}).")
        database = _extract_and_verify(archive, manifest, Path(tmp))
        _restore_database(vendor, database)
        counts = count_rows(sorted(manifest["tables"]))
        wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items()
                 if counts.get(t) != n}
        if wrong:
            table, (want, got) = next(iter(wrong.items()))
            raise BackupError(f"The restored database differs from the backup: {table} has "
                              f"{got} rows instead of {want}.")
        root = _media_root()
        for name, digest in manifest["files"].items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / "media" / name, target)
            if sha256_of(target) != digest:
                raise BackupError(f"Copying {name} into {root} failed: checksum mismatch.")
    return Summary(path, len(counts), sum(counts.values()), len(manifest["files"])), pending
