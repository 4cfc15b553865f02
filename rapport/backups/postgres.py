"""pg_dump and pg_restore for the configured PostgreSQL database.

The client programs are looked for where Debian keeps them (they are not on PATH there):
`RAPPORT_PG_BINDIR`, then `pg_config --bindir`, then the newest
/usr/lib/postgresql/*/bin, then PATH. A pg_dump older than the server refuses to work,
so the newest one wins.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper


class ToolMissing(RuntimeError):
    pass


def _version_key(path: Path) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([\d.]+)/", str(path))
    return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)


def find(program: str) -> str:
    """The path of `program` (pg_dump, pg_restore), or ToolMissing saying how to get it."""
    candidates: list[Path] = []
    if os.environ.get("RAPPORT_PG_BINDIR"):
        candidates.append(Path(os.environ["RAPPORT_PG_BINDIR"]) / program)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,  # noqa: S603
                                    check=True, timeout=10).stdout.strip()
            candidates.append(Path(bindir) / program)
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"),
                         key=_version_key, reverse=True)
    on_path = shutil.which(program)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise ToolMissing(f"{program} not found. Install the PostgreSQL client programs "
                      "(Debian: apt-get install postgresql-client) or set RAPPORT_PG_BINDIR.")


def _arguments(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "20"}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    options = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env,  # noqa: S603
                            check=False)  # our own arguments, no shell
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def dump(connection: BaseDatabaseWrapper, target: Path, snapshot: str = "") -> None:
    """The whole database in pg_dump's custom format; with `snapshot`, exactly the data
    that transaction sees (so the counts in the manifest match the dump)."""
    args, env = _arguments(connection)
    command = [find("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
               "--file", str(target), *args]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    command.append(str(connection.settings_dict["NAME"]))
    _run(command, env)


def restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Replace the (empty) database's tables with the dump's, in one transaction."""
    args, env = _arguments(connection)
    _run([find("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", *args,
          "--dbname", str(connection.settings_dict["NAME"]), str(source)], env)
