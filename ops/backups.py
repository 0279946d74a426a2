"""Full backups of the register and their restore: pg_dump's custom format on
PostgreSQL, and a database-agnostic JSON dump (natural keys) that loads anywhere."""

import bz2
import gzip
import json
import lzma
import os
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connections, transaction

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


class BackupInvalid(Exception):
    """The backup cannot be restored; the message says why, in one line."""


def _pg_error(error: subprocess.CalledProcessError) -> str:
    """pg_restore's first error line, without its program-name prefix."""
    lines = [line.strip() for line in (error.stderr or "").splitlines() if line.strip()]
    first = next((line for line in lines if "error:" in line), lines[0] if lines else "failed")
    return first.removeprefix("pg_restore: ").removeprefix("error: ")


def validate_pg_dump(*, path: Path) -> None:
    """Read the whole archive (its table of contents, then every data block into
    /dev/null) without touching a database: a truncated or garbled file is refused here."""
    try:
        listing = subprocess.run(
            ["pg_restore", "--list", str(path)], check=True, capture_output=True, text=True
        ).stdout
        subprocess.run(
            ["pg_restore", "--file=/dev/null", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as error:
        raise BackupInvalid(f"not a complete pg_dump archive: {_pg_error(error)}") from None
    if " TABLE public companies_company " not in listing:
        raise BackupInvalid("a pg_dump archive, but not of the directory (no companies_company).")


def restore_pg_dump(*, path: Path, alias: str = "default") -> None:
    """Replace the database's contents by a pg_dump file, all or nothing: validated first,
    then dropped and recreated in one transaction that any error rolls back."""
    validate_pg_dump(path=path)
    connections[alias].close()
    args, env = _libpq(alias)
    try:
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
    except subprocess.CalledProcessError as error:
        raise BackupInvalid(f"pg_restore failed, nothing changed: {_pg_error(error)}") from None


def _read_json(path: Path) -> list:
    """The whole dump, decompressed by its suffix and parsed."""
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}.get(path.suffix, open)
    try:
        with opener(path, "rb") as file:
            text = file.read().decode("utf-8")
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BackupInvalid(f"not valid JSON ({error.msg} at line {error.lineno}).") from None
    except (OSError, EOFError, UnicodeDecodeError, lzma.LZMAError) as error:
        raise BackupInvalid(f"cannot be read ({type(error).__name__}: {error}).") from None


def validate_json(*, path: Path) -> list:
    """The dump's objects, once every one names a model of the directory and only
    fields that model has; BackupInvalid says which object does not."""
    objects = _read_json(path)
    if not isinstance(objects, list):
        raise BackupInvalid("not a backup: a list of objects was expected.")
    fields_of = {}
    for number, item in enumerate(objects, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("fields"), dict):
            raise BackupInvalid(f"object {number}: not a model object (model, fields).")
        label = item.get("model")
        if label not in fields_of:
            try:
                model = apps.get_model(str(label))
            except (LookupError, ValueError):
                raise BackupInvalid(f"object {number}: unknown model {label!r}.") from None
            fields_of[label] = {
                field.name
                for field in model._meta.get_fields()
                if field.concrete or field.many_to_many
            }
        unknown = sorted(set(item["fields"]) - fields_of[label])
        if unknown:
            raise BackupInvalid(f"object {number}: {label} has no field {unknown[0]!r}.")
    return objects


def restore_json(*, path: Path, alias: str = "default") -> None:
    """Replace every row by a JSON dump, all or nothing: validated first, then emptied,
    loaded and its sequences moved past every id in one transaction."""
    validate_json(path=path)
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    try:
        with transaction.atomic(using=alias):
            call_command("flush", database=alias, interactive=False, verbosity=0)
            call_command("loaddata", str(path), database=alias, verbosity=0)
            _reset_sequences(alias)
    except (DatabaseError, DeserializationError, DjangoValidationError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise BackupInvalid(f"could not be loaded, nothing changed: {message}") from None


def _reset_sequences(alias: str) -> None:
    """Each table's next id after every id it or its history ever held: a new record must
    never take the id of a deleted one whose history entries remain."""
    connection = connections[alias]
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        for model in models:
            history = getattr(model, "history", None)
            historical = getattr(history, "model", None)
            if historical is None or model._meta.pk.get_internal_type() not in (
                "AutoField",
                "BigAutoField",
            ):
                continue
            _move_sequence_past(cursor, connection, model, historical)


def _move_sequence_past(cursor, connection, model, historical) -> None:
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(historical._meta.db_table)}")
    (highest,) = cursor.fetchone()
    if highest is None:
        return
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, "
            f"(SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)})))",
            [quote(table), column, highest],
        )
    elif connection.vendor == "sqlite":
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [highest, table]
        )
        if cursor.rowcount == 0:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest]
            )


def restore(*, path: Path, alias: str = "default") -> None:
    """Restore either kind of backup, chosen by the file's suffix, all or nothing; then
    derive the figure ledger from the restored reports (a backup from before the ledger
    has none) and empty the cache, whose entries describe the data as it was before."""
    if path.name.endswith(JSON_SUFFIXES):
        restore_json(path=path, alias=alias)
    else:
        restore_pg_dump(path=path, alias=alias)
    services.ledger_rebuild()
    cache.clear()
