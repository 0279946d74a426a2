"""The figure ledger: every fast path equals the computation from the reports.

Random registers are built through the services (residences, exits, backdated reports,
reports missing figures, edits and deletes, moves between countries and sectors,
unpublishing), then the ledger's totals, by country, by sector and by year, for random
days and filters, are compared with the reference computation over the same companies.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companies import demo, selectors, services
from companies.models import Company, FigureChange, FigureSnapshot, Report
from companies.selectors import Among
from tests.factories import CompanyFactory, ReportFactory, SectorFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
COUNTRIES = ("CN", "BY", "DE")
# Days that sit on the ledger's week and year boundaries, and any day at all.
EDGES = [
    date(2016, 1, 3),
    date(2016, 1, 4),
    date(2016, 12, 31),
    date(2017, 1, 1),
    date(2019, 6, 30),
    date(2019, 7, 1),
    TODAY - timedelta(days=TODAY.weekday()),
    TODAY,
]
days = st.one_of(st.sampled_from(EDGES), st.dates(min_value=date(2015, 1, 1), max_value=TODAY))
amounts = st.one_of(st.none(), st.integers(0, 10**9).map(lambda cents: Decimal(cents) / 100))
jobs = st.one_of(st.none(), st.integers(0, 5000))

company_fields = st.fixed_dictionaries(
    {
        "country": st.sampled_from(COUNTRIES),
        "sector": st.integers(0, 1),
        "since": st.one_of(st.none(), days),
        "exit_after": st.one_of(st.none(), st.integers(0, 2000)),
        "is_published": st.booleans(),
    }
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("report"), st.integers(0, 9), days, amounts, amounts, jobs),
        st.tuples(st.just("edit_report"), st.integers(0, 99), days, amounts, amounts, jobs),
        st.tuples(st.just("delete_report"), st.integers(0, 99)),
        st.tuples(st.just("exit"), st.integers(0, 9), st.integers(0, 2000)),
        st.tuples(
            st.just("move"), st.integers(0, 9), st.sampled_from(COUNTRIES), st.integers(0, 1)
        ),
        st.tuples(st.just("publish"), st.integers(0, 9), st.booleans()),
        st.tuples(st.just("delete_company"), st.integers(0, 9)),
    ),
    max_size=25,
)
filters = st.fixed_dictionaries(
    {
        "drafts": st.booleans(),
        "countries": st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True),
        "sectors": st.lists(st.integers(0, 1), max_size=1),
        "statuses": st.lists(st.sampled_from(Company.Status.values), max_size=2, unique=True),
    }
)


def build_register(sectors, companies, steps):
    """Write a register through the services; writes the models refuse are skipped."""
    built = []
    for n, spec in enumerate(companies):
        fields = {
            "name": f"Company {n}",
            "country": spec["country"],
            "sector": sectors[spec["sector"]],
            "is_published": spec["is_published"],
        }
        if spec["since"] is not None:
            fields.update(status=Company.Status.RESIDENT, resident_since=spec["since"])
            if spec["exit_after"] is not None:
                exited = min(spec["since"] + timedelta(days=spec["exit_after"]), TODAY)
                fields.update(status=Company.Status.EXITED, exited_on=exited, exit_reason="Left.")
        built.append(services.company_create(fields=fields))
    for step in steps:
        try:
            apply(step, sectors, built)
        except (
            ValidationError,
            IntegrityError,
            IndexError,
            Company.DoesNotExist,
            Report.DoesNotExist,
        ):
            continue


def apply(step, sectors, built):
    kind, *args = step
    reports = list(Report.objects.order_by("pk"))
    if kind in ("edit_report", "delete_report") and not reports:
        return
    if kind == "report":
        index, day, declared, realised, direct_jobs = args
        services.report_create(
            company=built[index], fields=figures(day, declared, realised, direct_jobs)
        )
    elif kind == "edit_report":
        index, day, declared, realised, direct_jobs = args
        services.report_update(
            report=reports[index % len(reports)],
            fields=figures(day, declared, realised, direct_jobs),
        )
    elif kind == "delete_report":
        services.report_delete(report=reports[args[0] % len(reports)])
    else:
        company = Company.objects.get(pk=built[args[0]].pk)
        if kind == "exit":
            if company.resident_since is None:
                return
            exited = min(company.resident_since + timedelta(days=args[1]), TODAY)
            fields = {"status": Company.Status.EXITED, "exited_on": exited, "exit_reason": "Left."}
        elif kind == "move":
            fields = {"country": args[1], "sector": sectors[args[2]]}
        elif kind == "publish":
            fields = {"is_published": args[1]}
        else:
            services.company_delete(company=company)
            return
        services.company_update(company=company, fields=fields)


def figures(day, declared, realised, direct_jobs):
    if declared is None and realised is None and direct_jobs is None:
        direct_jobs = 1
    return {
        "reported_on": day,
        "declared_investment": declared,
        "realised_investment": realised,
        "direct_jobs": direct_jobs,
        "source": "Report",
    }


def reference_companies(among: Among):
    companies = Company.objects.all() if among.drafts else Company.objects.published()
    if among.countries:
        companies = companies.filter(country__in=among.countries)
    if among.sectors:
        companies = companies.filter(sector__in=among.sectors)
    return companies.none() if among.residents_excluded else companies


def assert_fast_paths_equal_reference(among: Among, day: date):
    reference = reference_companies(among)
    assert selectors.park_totals(as_of=day, among=among) == selectors.park_totals_from_reports(
        as_of=day, companies=reference
    )
    for group in ("country", "sector"):
        assert selectors.park_totals_by(
            group=group, as_of=day, among=among
        ) == selectors.park_totals_by_from_reports(group=group, as_of=day, companies=reference)
    assert selectors.park_totals_by_year(
        until=day, among=among
    ) == selectors.park_totals_by_year_from_reports(until=day, companies=reference)


def ledger_rows(model=FigureChange, date_field="day"):
    """The ledger's rows that hold something (a group's zeros are not a difference)."""
    fields = (date_field, "country", "sector_id", "is_published", *selectors.LEDGER_FIELDS)
    rows = model.objects.order_by(date_field, "country", "sector_id", "is_published")
    return [row for row in rows.values_list(*fields) if any(row[4:])]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    companies=st.lists(company_fields, min_size=1, max_size=6),
    steps=operations,
    checks=st.lists(st.tuples(filters, days), min_size=1, max_size=4),
)
def test_ledger_totals_equal_the_reference_computation_for_random_registers(
    db, companies, steps, checks
):
    with transaction.atomic():
        sectors = [SectorFactory(slug="alpha"), SectorFactory(slug="beta")]
        build_register(sectors, companies, steps)
        for spec, day in checks:
            among = Among(
                drafts=spec["drafts"],
                countries=tuple(spec["countries"]),
                sectors=tuple(sectors[i].pk for i in spec["sectors"]),
                statuses=tuple(spec["statuses"]),
            )
            assert_fast_paths_equal_reference(among, day)
        kept, snapshots = ledger_rows(), ledger_rows(FigureSnapshot, "period")
        services.ledger_rebuild()
        assert ledger_rows() == kept
        assert ledger_rows(FigureSnapshot, "period") == snapshots
        transaction.set_rollback(True)


def test_a_report_dated_years_back_updates_every_later_snapshot():
    company = CompanyFactory(resident_since=date(2015, 3, 2))
    ReportFactory(company=company, reported_on=TODAY - timedelta(days=30), direct_jobs=40)
    ReportFactory(company=company, reported_on=date(2015, 6, 1), direct_jobs=10)
    for day in (date(2015, 6, 1), date(2020, 1, 1), TODAY - timedelta(days=31), TODAY):
        assert selectors.park_totals(as_of=day) == selectors.park_totals_from_reports(as_of=day)
    assert selectors.park_totals(as_of=date(2020, 1, 1)).direct_jobs == 10


def test_ledger_rebuild_command_derives_the_same_ledger():
    company = CompanyFactory(resident_since=date(2016, 1, 1))
    ReportFactory(company=company, reported_on=date(2017, 12, 31))
    CompanyFactory(exited=True, country="BY")
    kept = ledger_rows()
    call_command("ledger_rebuild", verbosity=0)
    assert ledger_rows() == kept != []


@pytest.mark.parametrize("size", [1, 30])
def test_totals_from_the_ledger_take_the_same_queries_whatever_the_size_and_day(
    size, django_assert_num_queries
):
    sector = SectorFactory()
    for n in range(size):
        company = CompanyFactory(
            sector=sector,
            country=COUNTRIES[n % 3],
            resident_since=date(2015, 1, 1) + timedelta(days=97 * n),
        )
        ReportFactory(company=company, reported_on=date(2019, 12, 31) + timedelta(days=n))
    for day in (date(2016, 5, 5), date(2021, 2, 1), TODAY):
        with django_assert_num_queries(1):
            selectors.park_totals(as_of=day, among=Among(countries=("CN",)))
        with django_assert_num_queries(1):
            selectors.park_totals_by(group="sector", as_of=day)
        with django_assert_num_queries(2):
            selectors.park_totals_by_year(until=day, among=Among(drafts=True))


def test_bulk_loads_keep_the_ledger_as_a_rebuild_derives_it():
    demo.demo_load()
    demo.synthetic_load(total=Company.objects.count() + 30, batch_size=10)
    loaded, snapshots = ledger_rows(), ledger_rows(FigureSnapshot, "period")
    for day in (date(2021, 6, 30), date(2023, 12, 31), TODAY):
        assert selectors.park_totals(as_of=day) == selectors.park_totals_from_reports(as_of=day)
    services.ledger_rebuild()
    assert ledger_rows() == loaded
    assert ledger_rows(FigureSnapshot, "period") == snapshots != []
