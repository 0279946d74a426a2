"""An import's SQL does not grow with its rows: the records a sheet names, the related
records it names and the values it must not share are read for the whole sheet at once,
and its rows are written together, a batch at a time."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SectorFactory
from tests.sheets import COMPANY_COLUMNS, REPORT_COLUMNS, company_row, csv_bytes, report_row

pytestmark = pytest.mark.django_db


def companies(n: int, prefix: str = "company", **values) -> list[dict]:
    return [company_row(slug=f"{prefix}-{i}", name=f"{prefix} {i}", **values) for i in range(n)]


def queries_of_import(tmp_path, rows: list[dict], columns, *options) -> int:
    path = tmp_path / "sheet.csv"
    path.write_bytes(csv_bytes(rows, columns=columns))
    with CaptureQueriesContext(connection) as queries:
        call_command("import_register", str(path), *options, verbosity=0)
    return len(queries)


def per_row(small: int, large: int, rows: int) -> float:
    """How many queries each further row costs."""
    return (large - small) / rows


# A preview costs no query of its own per row. A confirmed import writes its rows and
# their history records a batch at a time, in statements of some 30 rows on SQLite (its
# limit on a statement's parameters), and reads the batch's ledger changes at once.
# Checking and writing each row by itself cost 7 queries a new company, 9 an update.
PREVIEW_MAX, WRITE_MAX = 0, 0.25


@pytest.fixture
def sector(db):
    return SectorFactory(slug="electronics")


def test_previewing_new_companies_costs_no_query_a_row(tmp_path, sector):
    small = queries_of_import(tmp_path, companies(200), COMPANY_COLUMNS, "--dry-run")
    large = queries_of_import(tmp_path, companies(400), COMPANY_COLUMNS, "--dry-run")
    assert per_row(small, large, 200) <= PREVIEW_MAX


def test_creating_companies_costs_a_fraction_of_a_query_a_row(tmp_path, sector):
    small = queries_of_import(tmp_path, companies(200), COMPANY_COLUMNS)
    large = queries_of_import(tmp_path, companies(400, prefix="other"), COMPANY_COLUMNS)
    assert per_row(small, large, 200) <= WRITE_MAX


def test_updating_companies_costs_a_fraction_of_a_query_a_row(tmp_path, sector):
    queries_of_import(tmp_path, companies(400), COMPANY_COLUMNS)
    small = queries_of_import(tmp_path, companies(200, legal_name="Renamed LLC"), COMPANY_COLUMNS)
    large = queries_of_import(
        tmp_path, companies(400, legal_name="Renamed again LLC"), COMPANY_COLUMNS
    )
    assert per_row(small, large, 200) <= WRITE_MAX


@pytest.mark.parametrize("options", [("--dry-run",), ()], ids=["preview", "confirmed"])
def test_adding_reports_costs_a_fraction_of_a_query_a_row(tmp_path, sector, options):
    queries_of_import(tmp_path, companies(400), COMPANY_COLUMNS)
    reports = [report_row(company=f"company-{i}") for i in range(400)]
    small = queries_of_import(tmp_path, reports[:200], REPORT_COLUMNS, *options)
    # The same companies' reports of another day, so that both imports add as many.
    later = [dict(row, reported_on="2024-06-30") for row in reports]
    large = queries_of_import(tmp_path, later, REPORT_COLUMNS, *options)
    assert per_row(small, large, 200) <= (PREVIEW_MAX if options else WRITE_MAX)
