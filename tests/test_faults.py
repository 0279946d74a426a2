"""A write interrupted by a database error leaves nothing half-written.

Each test lets the first statements of a write run, then fails a later one as a lost
connection would, and checks that the register is exactly as before: with real
transactions (transactional_db), not the savepoints of an ordinary test."""

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from companies import services
from companies.models import Company, RegisterRevision, Report
from tests.factories import CompanyFactory, ReportFactory, SectorFactory, UserFactory
from tests.test_admin import company_form

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_fails_at(pattern: str):
    """Run statements normally until one matches `pattern`, then fail it and the rest
    (a database gone mid-write); yields the statements that did run."""
    ran = []
    failing = re.compile(pattern)

    def execute(run, sql, params, many, context):
        if failing.search(sql) or (ran and ran[-1] is None):
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
