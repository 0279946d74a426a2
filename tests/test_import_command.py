"""`manage.py import_register` as run from a shell, and in-process for the details."""

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from companies.models import Company
from tests.factories import CompanyFactory, SectorFactory, UserFactory
from tests.sheets import company_row, csv_bytes, register_dump, report_row, xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent


def database_url_for_commands() -> str:
    """The URL of the database the tests run on, for a command in another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**settings)


def import_register(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "import_register", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url_for_commands(),
        },
        timeout=60,
    )


@pytest.fixture
def two_committed_companies(transactional_db):
    """A sector, one company the sheet leaves alone and one it corrects (committed, so
    that a command in another process sees them)."""
    sector = SectorFactory(slug="electronics")
    CompanyFactory(
        slug="huaxin-telecom",
        name="Huaxin Telecom",
        legal_name="Huaxin Telecom LLC",
        country="CN",
        sector=sector,
        resident_since=date(2016, 3, 1),
        description_en="Telecom.",
        website="https://huaxin.example",
    )
    CompanyFactory(slug="neman-logistics", name="Neman Logistics", sector=sector)
    UserFactory(username="alice")
    return sector


def sheet(tmp_path, *rows, name="companies.csv", build=csv_bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(build(list(rows)))
    return path


UNCHANGED_HUAXIN = company_row(
    slug="huaxin-telecom",
    name="Huaxin Telecom",
    legal_name="Huaxin Telecom LLC",
    country="CN",
    resident_since="2016-03-01",
    description_en="Telecom.",
    description_ru="",
    website="https://huaxin.example",
)


def test_command_imports_a_good_file_and_prints_a_summary(two_committed_companies, tmp_path):
    path = sheet(
        tmp_path,
        company_row(),
        UNCHANGED_HUAXIN,
        company_row(slug="neman-logistics", name="Neman Logistics", legal_name="Neman JSC"),
    )

    result = import_register(str(path), "--user", "alice")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "created: 1",
        "updated: 1",
        "unchanged: 1",
        "refused: 0",
    ]
    assert "companies.csv (companies): 100%" in result.stderr  # the progress bar
    assert "3/3" in result.stderr
    created = Company.objects.get(slug="svisloch-photonics")
    entry = created.history.get()
    assert (entry.history_user.username, entry.history_change_reason) == (
        "alice",
        "import of companies.csv",
    )
    assert Company.objects.get(slug="neman-logistics").legal_name == "Neman JSC"


def test_command_refuses_a_file_with_bad_rows_lists_them_and_exits_1(
    two_committed_companies, tmp_path
):
    path = sheet(
        tmp_path,
        company_row(),
        company_row(slug="b", name="B", country="ZZ"),
        company_row(slug="c", name="C", resident_since="2020-13-01", sector="mining"),
    )
    before = register_dump()

    result = import_register(str(path))

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "created: 0",
        "updated: 0",
        "unchanged: 0",
        "refused: 2",
    ]
    errors = [line for line in result.stderr.splitlines() if line.startswith("companies.csv: ")]
    assert errors == [
        "companies.csv: line 3, country: Value 'ZZ' is not a valid choice.",
        "companies.csv: line 4, resident_since: "
        "Enter a real date as YYYY-MM-DD, not “2020-13-01”.",
        "companies.csv: line 4, sector: There is no sector with the slug “mining”.",
    ]
    assert result.stderr.rstrip().endswith(
        "CommandError: companies.csv: refused; nothing was imported."
    )
    assert register_dump() == before


def test_command_dry_run_counts_and_writes_nothing(two_committed_companies, tmp_path):
    path = sheet(tmp_path, company_row(), UNCHANGED_HUAXIN, name="new.xlsx", build=xlsx_bytes)
    before = register_dump()

    result = import_register(str(path), "--dry-run")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "created: 1",
        "updated: 0",
        "unchanged: 1",
        "refused: 0",
        "dry run: nothing was written",
    ]
    assert register_dump() == before


def test_command_refuses_an_unreadable_file(db, tmp_path, capsys):
    path = tmp_path / "companies.csv"
    path.write_bytes("slug,name\nсвислочь,Свислочь\n".encode("cp1251"))
    with pytest.raises(CommandError, match="refused; nothing was imported"):
        call_command("import_register", str(path), verbosity=0)
    output = capsys.readouterr()
    assert "companies.csv: file: The file is not UTF-8 text (byte 0xF1 at position 10)" in (
        output.err
    )
    assert "refused: 1" in output.out


def test_command_reports_a_missing_file(tmp_path):
    missing = tmp_path / "nothing.csv"
    with pytest.raises(CommandError) as error:
        call_command("import_register", str(missing))
    assert str(error.value) == f"{missing}: No such file or directory."


# --- In-process: kinds of sheet, users, connections ----------------------------------------


def test_command_recognises_a_reports_sheet_by_its_header(db, tmp_path, capsys):
    CompanyFactory(slug="svisloch-photonics", sector=SectorFactory(slug="electronics"))
    path = sheet(tmp_path, report_row(), name="figures.xlsx", build=xlsx_bytes)
    call_command("import_register", str(path), verbosity=0)
    assert capsys.readouterr().out.splitlines()[:2] == ["created: 1", "updated: 0"]
    company = Company.objects.get(slug="svisloch-photonics")
    assert (company.declared_investment, company.direct_jobs) == (Decimal("2500000.00"), 14)


def test_command_model_option_overrides_the_header(db, tmp_path, capsys):
    path = sheet(tmp_path, report_row(), name="figures.csv")
    with pytest.raises(CommandError, match="refused"):
        call_command("import_register", str(path), "--model", "companies", verbosity=0)
    errors = capsys.readouterr().err
    assert "figures.csv: line 1, company: Unknown column" in errors
    assert "figures.csv: line 1, slug: This column is missing." in errors


def test_command_refuses_an_unknown_user(db, tmp_path):
    path = sheet(tmp_path, company_row())
    with pytest.raises(CommandError, match="--user: there is no user 'mallory'"):
        call_command("import_register", str(path), "--user", "mallory", verbosity=0)


def test_command_rejects_an_unknown_model(tmp_path):
    with pytest.raises(CommandError, match="argument --model: invalid choice: 'sectors'"):
        call_command("import_register", str(tmp_path / "x.csv"), "--model", "sectors")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server to lose.")
def test_command_survives_a_dropped_database_connection(two_committed_companies, tmp_path, capsys):
    """Between two runs in one process the server ends every connection (as a restart
    does); the next run reconnects instead of failing on the dead one."""
    call_command("import_register", str(sheet(tmp_path, company_row())), verbosity=0)
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname="postgres"
    ) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [settings["NAME"]],
        ).fetchone()[0]
    assert ended >= 1

    path = sheet(tmp_path, company_row(slug="second", name="Second"), name="second.csv")
    call_command("import_register", str(path), verbosity=0)

    assert capsys.readouterr().out.splitlines()[-4:] == [
        "created: 1",
        "updated: 0",
        "unchanged: 0",
        "refused: 0",
    ]
    assert Company.objects.filter(slug__in=["svisloch-photonics", "second"]).count() == 2


def test_the_command_has_no_row_limit_of_the_admin(two_committed_companies, tmp_path, settings):
    # The admin's limit keeps one web request within its timeouts; a shell has none.
    settings.IMPORT_MAX_ROWS = 1
    rows = [company_row(slug=f"c{n}", name=f"Company {n}") for n in range(3)]
    call_command("import_register", str(sheet(tmp_path, *rows)), verbosity=0)
    assert Company.objects.filter(slug__in=["c0", "c1", "c2"]).count() == 3
