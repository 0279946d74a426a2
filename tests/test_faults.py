"""A write interrupted by a database error leaves nothing half-written.

Each test lets the first statements of a write run, then fails a later one as a lost
connection would, and checks that the register is exactly as before: with real
transactions (transactional_db), not the savepoints of an ordinary test."""

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from companies import services
from companies.models import Company, RegisterRevision, Report
from tests.factories import CompanyFactory, ReportFactory, SectorFactory, UserFactory
from tests.sheets import company_row, csv_bytes
from tests.test_admin import company_form

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_fails_at(pattern: str, *, occurrence: int = 1):
    """Run statements normally until the `occurrence`-th one matching `pattern`, then fail
    it and the rest (a database gone mid-write); yields the statements that did run."""
    ran = []
    failing = re.compile(pattern)
    matches = 0

    def execute(run, sql, params, many, context):
        nonlocal matches
        matches += bool(failing.search(sql))
        if matches >= occurrence or (ran and ran[-1] is None):
            ran.append(None)
            raise OperationalError("server closed the connection unexpectedly")
        ran.append(sql)
        return run(sql, params, many, context)

    with connection.execute_wrapper(execute):
        yield ran


def register_state():
    """Every row a write could touch, for before/after comparison."""
    return {
        "companies": list(Company.objects.order_by("pk").values()),
        "reports": list(Report.objects.order_by("pk").values()),
        "history": [
            Company.history.count(),
            Report.history.count(),
        ],
        "revision": list(RegisterRevision.objects.values()),
    }


@pytest.fixture
def company():
    company = CompanyFactory(name="Huaxin Telecom")
    ReportFactory(company=company, reported_on=date(2020, 12, 31), direct_jobs=120)
    return Company.objects.get(pk=company.pk)


def test_a_report_whose_figure_refresh_fails_is_not_saved(company):
    before = register_state()
    with (
        database_fails_at(r'^UPDATE "companies_company"') as ran,
        pytest.raises(OperationalError),
    ):
        services.report_create(
            company=company,
            fields={"reported_on": date(2021, 6, 30), "direct_jobs": 500, "source": "Q2"},
        )
    # The report and its history row were written before the failure, then rolled back.
    assert any(sql.startswith('INSERT INTO "companies_report"') for sql in ran if sql)
    assert register_state() == before


def test_a_company_update_whose_history_fails_changes_nothing(company):
    before = register_state()
    with (
        database_fails_at(r'^INSERT INTO "companies_historicalcompany"') as ran,
        pytest.raises(OperationalError),
    ):
        services.company_update(company=company, fields={"legal_name": "Huaxin JSC"})
    assert any(sql.startswith('UPDATE "companies_company"') for sql in ran if sql)
    assert register_state() == before


def test_a_report_deletion_whose_refresh_fails_keeps_the_report(company):
    before = register_state()
    report = company.reports.get()
    with database_fails_at(r'^UPDATE "companies_company"'), pytest.raises(OperationalError):
        services.report_delete(report=report)
    assert register_state() == before


def test_an_admin_save_cut_off_midway_answers_503_and_saves_nothing():
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(services.editors_group_sync())
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    form = company_form(SectorFactory())
    before = register_state()
    # The company is inserted, then its inline report's insert fails.
    with database_fails_at(r'^INSERT INTO "companies_report"') as ran:
        response = client.post(reverse("admin:companies_company_add"), form)
    assert any(sql.startswith('INSERT INTO "companies_company"') for sql in ran if sql)
    assert response.status_code == 503
    assert register_state() == before
    # The same form goes through once the database is back.
    assert client.post(reverse("admin:companies_company_add"), form).status_code == 302
    saved = Company.objects.get(slug="svisloch-photonics")
    assert (saved.direct_jobs, saved.declared_investment) == (14, Decimal("2500000"))


# --- Imports ---------------------------------------------------------------------------


def import_sheet() -> bytes:
    """Three new companies, inserted together: their history is where the database goes
    away."""
    return csv_bytes(
        [
            company_row(),
            company_row(slug="neman-optics", name="Neman Optics"),
            company_row(slug="minsk-motors", name="Minsk Motors"),
        ]
    )


def test_an_import_cut_off_midway_changes_nothing_and_says_so(tmp_path):
    SectorFactory(slug="electronics")
    sheet = tmp_path / "companies.csv"
    sheet.write_bytes(import_sheet())
    before = register_state()
    with (
        database_fails_at(r'^INSERT INTO "companies_historicalcompany"') as ran,
        pytest.raises(CommandError, match="the database failed during the import") as refused,
    ):
        call_command("import_register", str(sheet), verbosity=0)
    # The companies were written, then rolled back.
    assert any(sql.startswith('INSERT INTO "companies_company"') for sql in ran if sql)
    assert "nothing was imported" in str(refused.value)
    assert register_state() == before
    # Run again once the database answers: all three are imported.
    call_command("import_register", str(sheet), verbosity=0)
    assert Company.objects.count() == 3


def test_an_admin_import_cut_off_midway_answers_503_and_imports_nothing():
    SectorFactory(slug="electronics")
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(services.editors_group_sync())
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    previewed = client.post(
        reverse("admin:companies_company_import"),
        {"format": "0", "import_file": SimpleUploadedFile("companies.csv", import_sheet())},
    )
    form = previewed.context["confirm_form"]
    confirmation = {name: form[name].value() for name in form.fields}
    before = register_state()
    with database_fails_at(r'^INSERT INTO "companies_historicalcompany"'):
        response = client.post(reverse("admin:companies_company_process_import"), confirmation)
    assert response.status_code == 503
    assert register_state() == before
    # The same confirmation goes through once the database is back.
    assert (
        client.post(reverse("admin:companies_company_process_import"), confirmation).status_code
        == 302
    )
    assert Company.objects.count() == 3
