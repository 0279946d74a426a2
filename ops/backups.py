"""Full backups of the register and their restore: pg_dump's custom format on
PostgreSQL, and a database-agnostic JSON dump (natural keys) that loads anywhere."""

import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

from companies import services

# Rebuilt by `migrate` on the target, or worthless after a restore: content types and
# permissions are referred to by natural keys instead; sessions and the cache table
# are not data; the figure ledger is derived from the reports again after a restore.
JSON_EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "companies.figurechange",
    "companies.figuresnapshot",
]
JSON_SUFFIXES = (".json", ".json.gz", ".json.bz2", ".json.xz")


def is_postgresql(alias: str = "default") -> bool:
    return connections[alias].vendor == "postgresql"


def _libpq(alias: str) -> tuple[list[str], dict]:
    """Connection arguments and environment for pg_dump/pg_restore (password via env)."""
    database = settings.DATABASES[alias]
    args = [f"--dbname={database['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args.append(f"{flag}={database[key]}")
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def backup_pg_dump(*, path: Path, alias: str = "default") -> Path:
    """Write the whole database (schema and every table) in pg_dump's custom format."""
    args, env = _libpq(alias)
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return path


def backup_json(*, path: Path, alias: str = "default") -> Path:
    """Write every model's rows as JSON with natural keys; compressed by the suffix."""
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=JSON_EXCLUDED,
        database=alias,
        output=str(path),
        verbosity=0,
    )
    return path


def restore_pg_dump(*, path: Path, alias: str = "default") -> None:
    """Replace the database's contents by a pg_dump file, all or nothing."""
    connections[alias].close()
    args, env = _libpq(alias)
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def restore_json(*, path: Path, alias: str = "default") -> None:
    """Migrate, empty, and load a JSON dump: the database then holds exactly its rows."""
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    call_command("flush", database=alias, interactive=False, verbosity=0)
    call_command("loaddata", str(path), database=alias, verbosity=0)


def restore(*, path: Path, alias: str = "default") -> None:
    """Restore either kind of backup, chosen by the file's suffix; then derive the figure
    ledger from the restored reports (a backup from before the ledger has none) and empty
    the cache, whose entries describe the data as it was before."""
    if path.name.endswith(JSON_SUFFIXES):
        restore_json(path=path, alias=alias)
    else:
        restore_pg_dump(path=path, alias=alias)
    services.ledger_rebuild()
    cache.clear()
