"""An import's SQL grows with its rows only by the writes each row makes: the records a
sheet names, the related records it names and the constraints it must meet are read for
the whole sheet at once."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SectorFactory
from tests.sheets import COMPANY_COLUMNS, REPORT_COLUMNS, company_row, csv_bytes, report_row

pytestmark = pytest.mark.django_db


def companies(n: int, **values) -> list[dict]:
    return [company_row(slug=f"company-{i}", name=f"Company {i}", **values) for i in range(n)]


def queries_of_import(tmp_path, rows: list[dict], columns, *options) -> int:
    path = tmp_path / "sheet.csv"
    path.write_bytes(csv_bytes(rows, columns=columns))
    with CaptureQueriesContext(connection) as queries:
        call_command("import_register", str(path), *options, verbosity=0)
    return len(queries)


def per_row(small: int, large: int, rows: int) -> float:
    """How many queries each further row costs."""
    return (large - small) / rows


# A row that writes costs its savepoint and release, its INSERT or UPDATE, its history
# record and the uniqueness checks of its record (a company's slug and name, a report's
# company and date); an update also reads the company as stored, and an update or a new
# report its company's ledger changes.
# Reading each row's record, related records and checks one by one cost 33 a row.
CREATE_MAX, UPDATE_MAX = 7, 9


def test_creating_companies_costs_a_few_queries_a_row(tmp_path):
    SectorFactory(slug="electronics")
    small = queries_of_import(tmp_path, companies(200), COMPANY_COLUMNS, "--dry-run")
    large = queries_of_import(tmp_path, companies(400), COMPANY_COLUMNS, "--dry-run")
    assert per_row(small, large, 200) <= CREATE_MAX


def test_updating_companies_costs_a_few_queries_a_row(tmp_path):
    SectorFactory(slug="electronics")
    queries_of_import(tmp_path, companies(400), COMPANY_COLUMNS)
    small = queries_of_import(tmp_path, companies(200, legal_name="Renamed LLC"), COMPANY_COLUMNS)
    large = queries_of_import(
        tmp_path, companies(400, legal_name="Renamed again LLC"), COMPANY_COLUMNS
    )
    assert per_row(small, large, 200) <= UPDATE_MAX


def test_adding_reports_costs_a_few_queries_a_row(tmp_path):
    SectorFactory(slug="electronics")
    queries_of_import(tmp_path, companies(400), COMPANY_COLUMNS)
    reports = [report_row(company=f"company-{i}") for i in range(400)]
    small = queries_of_import(tmp_path, reports[:200], REPORT_COLUMNS, "--dry-run")
    large = queries_of_import(tmp_path, reports, REPORT_COLUMNS, "--dry-run")
    assert per_row(small, large, 200) <= UPDATE_MAX
