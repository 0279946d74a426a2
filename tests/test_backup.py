"""`manage.py backup` and `manage.py restore` (make backup / make restore) give back the
same register, checked row for row in a fresh database."""

import json
import os
import subprocess
import sys
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from companies import selectors, services
from companies.models import Claim, Company
from tests.factories import ClaimFactory, CompanyFactory, ReportFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

# Every model's rows, by natural keys where a model has them, printed as JSON: the same
# whichever database or primary keys hold them.
SNAPSHOT = """
import json, django
django.setup()
DERIVED = ("companies.FigureChange", "companies.FigureSnapshot")
from django.apps import apps
from django.core import serializers
snapshot = {}
for model in apps.get_models():
    if model._meta.label in ("contenttypes.ContentType", "auth.Permission", "sessions.Session",
                             *DERIVED):
        continue
    rows = serializers.serialize("python", model._default_manager.all(),
                                 use_natural_foreign_keys=True, use_natural_primary_keys=True)
    snapshot[model._meta.label] = sorted(json.dumps(row, sort_keys=True, default=str)
                                         for row in rows)
print(json.dumps(snapshot))
"""


def environment(database_url):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return {**clean, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database_url}


def run(args, database_url):
    result = subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=environment(database_url),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def snapshot(database_url):
    return json.loads(run([sys.executable, "-c", SNAPSHOT], database_url))


@pytest.fixture
def every_kind_of_row(transactional_db):
    """A small register with every kind of row: translations, history, an exited company,
    a claim, an editor, the Editors group, the register revision."""
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(services.editors_group_sync())
    huaxin = CompanyFactory(name="Huaxin Telecom", description_ru="Связь", country="CN")
    ReportFactory(company=huaxin, reported_on=date(2020, 12, 31), direct_jobs=120)
    ReportFactory(
        company=huaxin,
        reported_on=date(2021, 6, 30),
        declared_investment=Decimal("12345678.90"),
        realised_investment=None,
        direct_jobs=None,
    )
    CompanyFactory(name="Neman Logistics", country="BY", exited=True)
    CompanyFactory(name="Draft Photonics", is_published=False, applicant=True)
    ClaimFactory(companies=2, declared_investment=Decimal("1200000000"))
    services.company_update(company=huaxin, fields={"website": "https://huaxin.example"})
    return huaxin


@pytest.fixture
def fresh_database():
    """An empty PostgreSQL database beside the test database, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL")
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    params = connection.get_connection_params()
    admin = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    settings = connection.settings_dict
    yield (
        name,
        (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{name}"
        ),
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


# The figure ledger is derived from the reports again by every restore (tests/test_ledger.py
# holds it to them), so its rows are not compared one by one.
LEDGER_TABLES = ("companies_figurechange", "companies_figuresnapshot")


def every_table(database_name):
    """Every row of every table but the ledger's, in primary-key order: the physical
    comparison."""
    params = connection.get_connection_params()
    admin = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    with psycopg.connect(dbname=database_name, **admin) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
            if row[0] not in LEDGER_TABLES
        ]
        return {
            table: db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables
        }


def test_pg_dump_backup_restores_every_table_row_for_row(
    every_kind_of_row, fresh_database, tmp_path
):
    name, url = fresh_database
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "park.dump"
    call_command("backup", output=dump)
    assert dump.read_bytes().startswith(b"PGDMP")
    run([sys.executable, "manage.py", "restore", str(dump), "--no-input"], url)
    original, restored = every_table(source), every_table(name)
    assert set(restored) == set(original)
    for table, rows in original.items():
        assert restored[table] == rows, table
    assert len(original["companies_company"]) == 3
    assert len(original["companies_historicalcompany"]) >= 4


def test_json_backup_restores_every_model_row_for_row_in_a_fresh_database(
    every_kind_of_row, tmp_path
):
    dump = tmp_path / "park.json.gz"
    call_command("backup", format="json", output=dump)
    target = tmp_path / "restored.sqlite3"
    target_url = f"sqlite:///{target}"
    run([sys.executable, "manage.py", "restore", str(dump), "--no-input"], target_url)
    original = json.loads(json.dumps(snapshot_in_process()))
    restored = snapshot(target_url)
    assert restored == original
    assert len(restored["companies.Company"]) == 3
    assert restored["companies.RegisterRevision"] == original["companies.RegisterRevision"]


def test_json_restore_replaces_what_was_there(every_kind_of_row, tmp_path):
    dump = tmp_path / "park.json"
    call_command("backup", format="json", output=dump)
    Company.objects.filter(name="Neman Logistics").delete()
    ClaimFactory(statement="Added after the backup.", companies=1)
    call_command("restore", str(dump), interactive=False)
    assert Company.objects.filter(name="Neman Logistics").exists()
    assert not Claim.objects.filter(statement="Added after the backup.").exists()
    huaxin = Company.objects.get(name="Huaxin Telecom")
    assert (huaxin.declared_investment, huaxin.version) == (Decimal("12345678.90"), 4)
    # The ledger is derived from the restored reports, not left as it was before.
    for day in (date(2020, 12, 31), timezone.localdate()):
        assert selectors.park_totals(as_of=day) == selectors.park_totals_from_reports(as_of=day)


def snapshot_in_process():
    namespace = {}
    code = SNAPSHOT.replace("django.setup()", "").replace("print(json.dumps(snapshot))", "")
    exec(code, namespace)
    return namespace["snapshot"]


def test_restore_refuses_a_missing_file(db):
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", "/nonexistent/park.dump", interactive=False)


def test_a_pg_dump_cannot_be_restored_into_sqlite(db, tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("checks the refusal on SQLite")
    dump = tmp_path / "park.dump"
    dump.write_bytes(b"PGDMP")
    with pytest.raises(CommandError, match="restores into PostgreSQL only"):
        call_command("restore", str(dump), interactive=False)


# --- All or nothing: a bad backup leaves the register as it was -------------------------


def register_rows() -> dict:
    """What a bad restore must not change: every company with its version."""
    return dict(Company.objects.values_list("name", "version"))


def refused(path: Path, message: str) -> None:
    with pytest.raises(CommandError, match=message) as refusal:
        call_command("restore", str(path), interactive=False)
    assert "\n" not in str(refusal.value)
    assert str(refusal.value).endswith("The register is unchanged.")


@pytest.fixture
def json_backup(every_kind_of_row, tmp_path):
    dump = tmp_path / "park.json"
    call_command("backup", format="json", output=dump)
    return dump


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_a_truncated_json_backup_is_refused_and_the_register_kept(json_backup, tmp_path):
    before = register_rows()
    text = json_backup.read_text()
    refused(write(tmp_path, "cut.json", text[: len(text) // 2]), "not valid JSON")
    assert register_rows() == before


def test_a_truncated_compressed_backup_is_refused_and_the_register_kept(
    every_kind_of_row, tmp_path
):
    dump = tmp_path / "park.json.gz"
    call_command("backup", format="json", output=dump)
    before = register_rows()
    data = dump.read_bytes()
    refused(write(tmp_path, "cut.json.gz", data[: len(data) // 2]), "cannot be read")
    refused(write(tmp_path, "noise.json.gz", os.urandom(2000)), "cannot be read")
    assert register_rows() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("GIF89a not json at all", "not valid JSON"),
        ({"companies": []}, "a list of objects was expected"),
        ([{"name": "Huaxin Telecom"}], "object 1: not a model object"),
        ([{"model": "companies.nothing", "pk": 1, "fields": {}}], "unknown model"),
        ([{"model": "nothing", "pk": 1, "fields": {}}], "unknown model"),
        (
            [{"model": "companies.company", "pk": 1, "fields": {"name": "X", "colour": "red"}}],
            "companies.company has no field 'colour'",
        ),
    ],
)
def test_garbage_or_wrong_model_json_is_refused_and_the_register_kept(
    json_backup, tmp_path, content, message
):
    before = register_rows()
    refused(write(tmp_path, "bad.json", content), message)
    assert register_rows() == before


def test_a_backup_that_fails_while_loading_changes_nothing(json_backup, tmp_path):
    # Well-formed and of known models and fields, but its company names a sector that
    # no row provides: found only while loading, after the flush.
    objects = json.loads(json_backup.read_text())
    objects = [item for item in objects if item["model"] != "companies.sector"]
    before = register_rows()
    refused(write(tmp_path, "orphans.json", objects), "could not be loaded, nothing changed")
    assert register_rows() == before


def test_after_a_json_restore_a_new_company_inherits_no_deleted_companys_history(
    every_kind_of_row, tmp_path
):
    gone = CompanyFactory(name="Gone Textiles")
    gone_id = gone.pk
    services.company_delete(company=gone)
    assert Company.history.filter(id=gone_id).exists()
    dump = tmp_path / "park.json"
    call_command("backup", format="json", output=dump)
    call_command("restore", str(dump), interactive=False)
    newcomer = CompanyFactory(name="Newcomer Optics")
    assert newcomer.pk != gone_id
    assert [entry.history_type for entry in newcomer.history.all()] == ["+"]
    # The history tables' own ids go on after the restored entries too.
    assert newcomer.history.get().history_id > max(
        Company.history.exclude(id=newcomer.pk).values_list("history_id", flat=True)
    )


@pytest.fixture
def pg_dump_backup(every_kind_of_row, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL")
    dump = tmp_path / "park.dump"
    call_command("backup", output=dump)
    return dump


def test_a_truncated_dump_is_refused_and_the_register_kept(pg_dump_backup, tmp_path):
    before = register_rows()
    data = pg_dump_backup.read_bytes()
    refused(write(tmp_path, "cut.dump", data[: len(data) * 3 // 4]), "not a complete pg_dump")
    refused(write(tmp_path, "head.dump", data[:200]), "not a complete pg_dump")
    refused(write(tmp_path, "noise.dump", b"PGDMP" + os.urandom(3000)), "not a complete pg_dump")
    assert register_rows() == before
