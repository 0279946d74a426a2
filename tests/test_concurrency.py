"""Parallel writers on their own database connections lose nothing."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from companies import services
from companies.models import Company
from tests.factories import CompanyFactory, SectorFactory

WRITERS = 8


def in_parallel(work, count=WRITERS) -> list:
    """Run `work(i)` in `count` threads started together, each with its own database
    connection; returns what each returned or raised."""
    start = threading.Barrier(count)
    outcomes = [None] * count

    def run(i):
        try:
            start.wait()
            outcomes[i] = work(i)
        except Exception as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def shared_company(transactional_db):
    sector = SectorFactory()
    return CompanyFactory(name="Shared", legal_name="Shared", sector=sector)


def test_parallel_updates_that_retry_on_stale_writes_all_survive(shared_company):
    def append_token(i):
        while True:
            company = Company.objects.get(pk=shared_company.pk)
            try:
                return services.company_update(
                    company=company,
                    fields={"legal_name": f"{company.legal_name} {i}"},
                    expected_version=company.version,
                )
            except services.StaleWrite:
                continue

    outcomes = in_parallel(append_token)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    company = Company.objects.get()
    assert sorted(company.legal_name.split()[1:], key=int) == [str(i) for i in range(WRITERS)]
    assert company.version == 1 + WRITERS
    assert company.history.count() == 1 + WRITERS


def test_parallel_writers_from_one_version_get_stale_writes_instead_of_overwriting(
    shared_company,
):
    seen = shared_company.version

    outcomes = in_parallel(
        lambda i: services.company_update(
            company=shared_company, fields={"legal_name": f"Writer {i}"}, expected_version=seen
        )
    )

    won = [o for o in outcomes if isinstance(o, Company)]
    stale = [o for o in outcomes if isinstance(o, services.StaleWrite)]
    assert (len(won), len(stale)) == (1, WRITERS - 1), outcomes
    assert Company.objects.get().legal_name == won[0].legal_name
    assert all(error.changed_fields == ["legal_name"] for error in stale)


def test_parallel_reports_for_one_company_all_count_in_its_figures(shared_company):
    outcomes = in_parallel(
        lambda i: services.report_create(
            company=shared_company,
            fields={
                "reported_on": date(2010 + i, 12, 31),
                "declared_investment": Decimal(1000 * (i + 1)),
                "direct_jobs": i + 1,
                "source": f"Report {i}",
            },
        )
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    company = Company.objects.get()
    assert company.reports.count() == WRITERS
    # The latest report is the one of the last year, whichever thread committed last.
    assert (company.declared_investment, company.direct_jobs) == (
        Decimal(1000 * WRITERS),
        WRITERS,
    )
