"""Where each figure comes from (its report's date and source), and the register as of a
day: the derived columns, the selectors and the FilterSet that every surface reads."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from companies import selectors, services
from companies.filters import CompanyFilter
from companies.models import PROVENANCE, Company
from tests.factories import CompanyFactory, ReportFactory

pytestmark = pytest.mark.django_db

PROVENANCE_COLUMNS = [f"{figure}{suffix}" for figure in selectors.FIGURES for suffix in PROVENANCE]


@pytest.fixture
def alpha():
    """Resident since 2016; reports 2017 (all figures) and 2019 (no jobs)."""
    alpha = CompanyFactory(name="Alpha", country="CN", resident_since=date(2016, 5, 1))
    ReportFactory(
        company=alpha,
        reported_on=date(2017, 12, 31),
        declared_investment=Decimal("10000000"),
        realised_investment=Decimal("1000000"),
        direct_jobs=120,
        source="Annual report 2017",
    )
    ReportFactory(
        company=alpha,
        reported_on=date(2019, 12, 31),
        declared_investment=Decimal("12000000"),
        realised_investment=None,
        direct_jobs=None,
        source="Letter of 2020-01-15",
    )
    return alpha


def columns(company: Company) -> dict:
    return Company.objects.values(*PROVENANCE_COLUMNS).get(pk=company.pk)


def test_each_current_figure_keeps_the_date_and_source_of_its_report(alpha):
    assert columns(alpha) == {
        "declared_investment": Decimal("12000000"),
        "declared_investment_reported_on": date(2019, 12, 31),
        "declared_investment_source": "Letter of 2020-01-15",
        "realised_investment": Decimal("1000000"),
        "realised_investment_reported_on": date(2017, 12, 31),
        "realised_investment_source": "Annual report 2017",
        "direct_jobs": 120,
        "direct_jobs_reported_on": date(2017, 12, 31),
        "direct_jobs_source": "Annual report 2017",
    }


def test_a_company_without_reports_has_no_figures_and_no_provenance():
    company = CompanyFactory()
    assert set(columns(company).values()) == {None}


def test_provenance_follows_edits_and_deletes_of_reports(alpha):
    latest = alpha.reports.get(reported_on=date(2019, 12, 31))
    services.report_update(report=latest, fields={"source": "Corrected letter"})
    assert columns(alpha)["declared_investment_source"] == "Corrected letter"

    services.report_delete(report=latest)
    row = columns(alpha)
    assert (row["declared_investment"], row["declared_investment_reported_on"]) == (
        Decimal("10000000"),
        date(2017, 12, 31),
    )
    assert row["declared_investment_source"] == "Annual report 2017"


def test_the_bulk_refresh_writes_what_the_refresh_of_each_company_writes(alpha):
    other = CompanyFactory()
    ReportFactory(company=other, reported_on=date(2020, 6, 30), direct_jobs=None)
    expected = {company.pk: columns(company) for company in (alpha, other)}
    blank = dict.fromkeys(PROVENANCE_COLUMNS)
    Company.objects.update(**blank)

    assert services.companies_refresh_figures() == 2

    assert {company.pk: columns(company) for company in (alpha, other)} == expected


def as_of(companies, day):
    rows = selectors.companies_with_figures_as_of(companies=companies, day=day)
    names = ["status_as_of"]
    for figure in selectors.FIGURES:
        names += [f"{figure}_as_of", f"{figure}_as_of_reported_on", f"{figure}_as_of_source"]
    return {row.pop("slug"): row for row in rows.values("slug", *names)}


def test_figures_as_of_a_past_day_carry_their_reports_date_and_source(alpha):
    row = as_of(Company.objects.all(), date(2018, 6, 30))[alpha.slug]
    assert row == {
        "status_as_of": "resident",
        "declared_investment_as_of": Decimal("10000000"),
        "declared_investment_as_of_reported_on": date(2017, 12, 31),
        "declared_investment_as_of_source": "Annual report 2017",
        "realised_investment_as_of": Decimal("1000000"),
        "realised_investment_as_of_reported_on": date(2017, 12, 31),
        "realised_investment_as_of_source": "Annual report 2017",
        "direct_jobs_as_of": 120,
        "direct_jobs_as_of_reported_on": date(2017, 12, 31),
        "direct_jobs_as_of_source": "Annual report 2017",
    }
    before = as_of(Company.objects.all(), date(2017, 1, 1))[alpha.slug]
    assert {key: value for key, value in before.items() if key != "status_as_of"} == dict.fromkeys(
        row.keys() - {"status_as_of"}
    )


def test_figures_as_of_today_equal_figures_as_of_yesterday_from_the_reports(alpha):
    CompanyFactory(name="Beta", exited=True, resident_since=date(2018, 1, 1))
    CompanyFactory(name="Applicant", applicant=True)
    today = timezone.localdate()
    from_columns = as_of(Company.objects.all(), today)
    from_reports = as_of(Company.objects.all(), today - timedelta(days=1))
    assert from_columns.pop("applicant")["status_as_of"] == "applicant"
    assert from_reports.pop("applicant")["status_as_of"] is None
    assert from_columns == from_reports


def test_status_as_of_a_day_is_exited_from_the_exit_day_on():
    beta = CompanyFactory(
        exited=True, resident_since=date(2018, 1, 1), exited_on=date(2020, 6, 30)
    )
    statuses = {
        day: as_of(Company.objects.all(), day)[beta.slug]["status_as_of"]
        for day in (date(2017, 12, 31), date(2018, 1, 1), date(2020, 6, 29), date(2020, 6, 30))
    }
    assert list(statuses.values()) == [None, "resident", "resident", "exited"]


def test_the_register_as_of_a_day_holds_those_whose_residence_had_begun():
    CompanyFactory(name="Early", resident_since=date(2016, 1, 1))
    CompanyFactory(name="Late", resident_since=date(2020, 1, 1))
    CompanyFactory(name="Gone", exited=True, resident_since=date(2016, 1, 1))
    CompanyFactory(name="Applicant", applicant=True)

    def names(day):
        register = selectors.companies_registered_as_of(companies=Company.objects.all(), day=day)
        return sorted(register.values_list("name", flat=True))

    assert names(date(2019, 12, 31)) == ["Early", "Gone"]
    assert names(date(2021, 1, 1)) == ["Early", "Gone", "Late"]
    assert names(timezone.localdate()) == ["Applicant", "Early", "Gone", "Late"]


def filtered(query: str):
    filterset = CompanyFilter(QueryDict(query), queryset=Company.objects.all())
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("name", flat=True))


def test_with_as_of_the_ranges_and_status_answer_for_that_day(alpha):
    beta = CompanyFactory(
        name="Beta", country="CN", exited=True, resident_since=date(2018, 1, 1),
        exited_on=date(2020, 6, 30),
    )  # fmt: skip
    ReportFactory(company=beta, reported_on=date(2019, 6, 30), direct_jobs=150)
    ReportFactory(company=beta, reported_on=date(2020, 3, 31), direct_jobs=90)
    CompanyFactory(name="Gamma", country="BY", resident_since=date(2018, 1, 1))

    assert filtered("country=CN&direct_jobs_min=101&as_of=2019-12-31") == ["Alpha", "Beta"]
    assert filtered("country=CN&direct_jobs_min=101&as_of=2020-06-30") == ["Alpha"]
    assert filtered("country=CN&direct_jobs_min=101") == ["Alpha"]
    assert filtered("status=exited&as_of=2020-06-29") == []
    assert filtered("status=resident&as_of=2020-06-29") == ["Alpha", "Beta", "Gamma"]
    assert filtered("status=exited&as_of=2020-06-30") == ["Beta"]
    assert filtered("declared_investment_max=10000000&as_of=2018-12-31") == ["Alpha"]
    assert filtered("declared_investment_max=10000000") == ["Beta"]


def test_with_as_of_figures_sort_by_their_value_on_that_day(alpha):
    beta = CompanyFactory(name="Beta", resident_since=date(2018, 1, 1))
    ReportFactory(company=beta, reported_on=date(2018, 6, 30), direct_jobs=50)
    ReportFactory(company=beta, reported_on=date(2020, 6, 30), direct_jobs=500)
    day = CompanyFilter(
        QueryDict("ordering=-direct_jobs&as_of=2019-12-31"), queryset=Company.objects.all()
    ).qs
    assert list(day.values_list("name", flat=True)) == ["Alpha", "Beta"]
    today = CompanyFilter(QueryDict("ordering=-direct_jobs"), queryset=Company.objects.all()).qs
    assert list(today.values_list("name", flat=True)) == ["Beta", "Alpha"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2019-13-01", "YYYY-MM-DD"),
        ("2019-1-1", "YYYY-MM-DD"),
        ("٢٠١٩-01-01", "YYYY-MM-DD"),
        ("2009-12-31", "before 2010-01-01"),
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "after today"),
    ],
)
def test_an_implausible_as_of_is_refused_naming_it(raw, reason):
    filterset = CompanyFilter(QueryDict(f"as_of={raw}"), queryset=Company.objects.all())
    assert not filterset.is_valid()
    (message,) = filterset.errors["as_of"]
    assert reason in message
    assert message.startswith("as_of ") or reason == "YYYY-MM-DD"
