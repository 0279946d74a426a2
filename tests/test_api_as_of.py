"""The companies list, detail and exports: each figure with its report's date and source,
and the register as of a day with the list's filters."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from companies import selectors
from companies.models import Company
from tests.factories import CompanyFactory, ReportFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/companies/"
PROVENANCE = [
    f"{figure}_{column}" for figure in selectors.FIGURES for column in ("reported_on", "source")
]


@pytest.fixture
def jobs_over_the_years():
    """Chinese companies with jobs over the years, and one from Belarus:

    - alpha (CN) since 2016: 2017 report (120 jobs, 10M declared), 2019 report
      (12M declared, no jobs);
    - beta (CN) 2018-2020, exited 2020-06-30: 150 jobs in 2019, 90 in 2020;
    - gamma (CN) since 2021: 300 jobs in 2021;
    - delta (BY) since 2018: 500 jobs in 2019.
    """
    alpha = CompanyFactory(name="alpha", slug="alpha", resident_since=date(2016, 5, 1))
    ReportFactory(
        company=alpha, reported_on=date(2017, 12, 31), declared_investment=Decimal("10000000"),
        realised_investment=None, direct_jobs=120, source="Annual report 2017",
    )  # fmt: skip
    ReportFactory(
        company=alpha, reported_on=date(2019, 12, 31), declared_investment=Decimal("12000000"),
        realised_investment=None, direct_jobs=None, source="https://alpha.example/2019",
    )  # fmt: skip
    beta = CompanyFactory(
        name="beta", slug="beta", resident_since=date(2018, 1, 1), exited=True,
        exited_on=date(2020, 6, 30),
    )  # fmt: skip
    for day, jobs in ((date(2019, 6, 30), 150), (date(2020, 3, 31), 90)):
        ReportFactory(
            company=beta, reported_on=day, direct_jobs=jobs, declared_investment=None,
            realised_investment=None, source=f"Letter {day}",
        )  # fmt: skip
    gamma = CompanyFactory(name="gamma", slug="gamma", resident_since=date(2021, 3, 1))
    ReportFactory(company=gamma, reported_on=date(2021, 12, 31), direct_jobs=300)
    delta = CompanyFactory(
        name="delta", slug="delta", country="BY", resident_since=date(2018, 1, 1)
    )
    ReportFactory(company=delta, reported_on=date(2019, 12, 31), direct_jobs=500)
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta}


def results(response) -> dict:
    assert response.status_code == 200, response.content
    return {row["slug"]: row for row in response.json()["results"]}


def test_each_figure_in_the_list_says_the_day_and_source_of_its_report(api, jobs_over_the_years):
    alpha = results(api.get(LIST))["alpha"]
    assert {name: alpha[name] for name in ["declared_investment", "direct_jobs", *PROVENANCE]} == {
        "declared_investment": "12000000.00",
        "declared_investment_reported_on": "2019-12-31",
        "declared_investment_source": "https://alpha.example/2019",
        "direct_jobs": 120,  # carried from 2017: the 2019 report has no jobs
        "direct_jobs_reported_on": "2017-12-31",
        "direct_jobs_source": "Annual report 2017",
        "realised_investment_reported_on": None,
        "realised_investment_source": None,
    }
    assert alpha["as_of"] == timezone.localdate().isoformat()
    assert api.get(f"{LIST}alpha/").json() == alpha


def test_the_list_as_of_a_day_is_the_register_that_day_with_its_figures(api, jobs_over_the_years):
    rows = results(api.get(LIST, {"as_of": "2019-12-31"}))
    assert sorted(rows) == ["alpha", "beta", "delta"]  # gamma became resident in 2021
    assert rows["beta"]["status"] == "resident"  # it exited in 2020
    assert (rows["beta"]["direct_jobs"], rows["beta"]["direct_jobs_reported_on"]) == (
        150,
        "2019-06-30",
    )
    assert rows["beta"]["direct_jobs_source"] == "Letter 2019-06-30"
    assert rows["alpha"]["as_of"] == "2019-12-31"
    later = results(api.get(LIST, {"as_of": "2020-06-30"}))
    assert (later["beta"]["status"], later["beta"]["direct_jobs"]) == ("exited", 90)


def test_companies_from_china_with_more_than_100_jobs_as_of_a_day(api, jobs_over_the_years):
    query = {"country": "CN", "direct_jobs_min": "101"}
    assert sorted(results(api.get(LIST, {**query, "as_of": "2019-12-31"}))) == ["alpha", "beta"]
    assert sorted(results(api.get(LIST, {**query, "as_of": "2020-06-30"}))) == ["alpha"]
    assert sorted(results(api.get(LIST, query))) == ["alpha", "gamma"]
    statuses = {"status": "resident", "as_of": "2020-06-30"}
    assert sorted(results(api.get(LIST, statuses))) == ["alpha", "delta"]


def test_as_of_orders_figures_by_their_value_that_day_on_both_kinds_of_pages(
    api, jobs_over_the_years
):
    query = {"as_of": "2019-12-31", "ordering": "-direct_jobs", "page_size": 2}
    first = api.get(LIST, query).json()
    second = api.get(first["next"]).json()
    by_cursor = [row["slug"] for row in first["results"] + second["results"]]
    assert by_cursor == ["delta", "beta", "alpha"]
    by_number = api.get(LIST, {**query, "page": 1, "page_size": 10}).json()
    assert [row["slug"] for row in by_number["results"]] == by_cursor
    assert by_number["count"] == 3


def test_the_exports_as_of_a_day_agree_with_the_list(api, jobs_over_the_years):
    query = {"as_of": "2019-12-31", "country": "CN", "direct_jobs_min": "101"}
    listed = results(api.get(LIST, query))
    lines = b"".join(api.get(f"{LIST}export.ndjson", query).streaming_content).splitlines()
    assert {row["slug"]: row for row in map(json.loads, lines)} == listed

    content = b"".join(api.get(f"{LIST}export.csv", query).streaming_content).decode()
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(content))}
    assert sorted(rows) == sorted(listed)
    for slug, row in rows.items():
        for name in ["status", "direct_jobs", *PROVENANCE]:
            assert row[name] == str(listed[slug][name] or ""), (slug, name)
        assert row["as_of"] == "2019-12-31"


def test_csv_appends_the_day_and_provenance_after_the_existing_columns(api, jobs_over_the_years):
    content = b"".join(api.get(f"{LIST}export.csv").streaming_content).decode()
    header = next(csv.reader(io.StringIO(content)))
    assert header[:18] == [
        "slug", "name", "legal_name", "country", "country_name", "sector", "sector_name",
        "status", "resident_since", "exited_on", "exit_reason", "description", "website",
        "declared_investment", "realised_investment", "direct_jobs", "is_published",
        "updated_at",
    ]  # fmt: skip
    assert header[18:] == ["as_of", *PROVENANCE]
    alpha = next(row for row in csv.DictReader(io.StringIO(content)) if row["slug"] == "alpha")
    assert (alpha["direct_jobs_reported_on"], alpha["direct_jobs_source"]) == (
        "2017-12-31",
        "Annual report 2017",
    )


def test_a_company_as_of_a_day_and_before_its_residence(api, jobs_over_the_years):
    beta = api.get(f"{LIST}beta/", {"as_of": "2019-12-31"}).json()
    assert (beta["status"], beta["direct_jobs"], beta["as_of"]) == ("resident", 150, "2019-12-31")
    assert beta == results(api.get(LIST, {"as_of": "2019-12-31"}))["beta"]
    response = api.get(f"{LIST}gamma/", {"as_of": "2020-12-31"})
    assert response.status_code == 404
    assert response.json()["detail"] == "This company was not in the register on 2020-12-31."


def test_the_list_as_of_a_day_keeps_drafts_from_the_public(api, editor_api, jobs_over_the_years):
    Company.objects.filter(slug="beta").update(is_published=False)
    assert "beta" not in results(api.get(LIST, {"as_of": "2019-12-31"}))
    assert api.get(f"{LIST}beta/", {"as_of": "2019-12-31"}).status_code == 404
    assert "beta" in results(editor_api.get(LIST, {"as_of": "2019-12-31"}))


@pytest.mark.parametrize("value", ["2019-02-30", "31.12.2019", "2009-12-31", "2999-01-01"])
def test_a_bad_as_of_is_refused_naming_it_on_the_list_detail_and_exports(
    api, jobs_over_the_years, value
):
    for url in (LIST, f"{LIST}alpha/", f"{LIST}export.csv", f"{LIST}export.ndjson"):
        response = api.get(url, {"as_of": value})
        assert response.status_code == 400, url
        assert list(response.json()) == ["as_of"]


@pytest.mark.parametrize("as_of", [None, "2019-12-31"])
def test_the_list_as_of_a_day_runs_as_many_queries_whatever_the_page_size(
    api, jobs_over_the_years, django_assert_max_num_queries, as_of
):
    for n in range(30):
        company = CompanyFactory(resident_since=date(2018, 1, 1))
        ReportFactory(company=company, reported_on=date(2019, 1, 1 + n % 28))
    query = {"as_of": as_of} if as_of else {}
    with django_assert_max_num_queries(4) as few:
        results(api.get(LIST, {**query, "page_size": 2, "ordering": "-direct_jobs"}))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(results(api.get(LIST, {**query, "page_size": 40}))) == 33 + (not as_of)


@pytest.mark.parametrize(
    "day", ["2016-06-01", "2017-12-31", "2019-07-01", "2020-06-30", "2022-01-01"]
)
@pytest.mark.parametrize("paging", [{}, {"page": 1}, {"ordering": "-direct_jobs"}])
def test_the_list_reads_each_figure_as_of_a_day_as_the_reference_does(
    api, jobs_over_the_years, day, paging
):
    """Each row's figures as of a past day, with their days and sources, are the
    reference's (selectors.companies_with_figures_as_of), on either kind of page and
    in any order, and its company's detail as of that day is the same row."""
    rows = results(api.get(LIST, {"as_of": day, **paging}))
    reference = selectors.companies_with_figures_as_of(
        companies=Company.objects.filter(resident_since__lte=day), day=date.fromisoformat(day)
    ).values("slug", *(f"{figure}_as_of{suffix}" for figure in selectors.FIGURES
                        for suffix in ("", "_reported_on", "_source")))  # fmt: skip
    assert sorted(rows) == sorted(row["slug"] for row in reference)
    for expected in reference:
        row = rows[expected["slug"]]
        for figure in selectors.FIGURES:
            value, reported_on, source = (
                expected[f"{figure}_as_of{suffix}"] for suffix in ("", "_reported_on", "_source")
            )
            assert row[figure] == (None if value is None else json.loads(json.dumps(
                str(value) if isinstance(value, Decimal) else value)))  # fmt: skip
            assert row[f"{figure}_reported_on"] == (reported_on and reported_on.isoformat())
            assert row[f"{figure}_source"] == source
        assert api.get(f"{LIST}{expected['slug']}/", {"as_of": day}).json() == row
