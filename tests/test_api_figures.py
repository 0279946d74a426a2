"""Figure endpoints (stats, stats/years, countries, sectors, claims) against hand-computed
values, with drafts, as_of errors, conditional requests and query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import selectors
from companies.models import Claim, Company
from tests.factories import ClaimFactory, CompanyFactory, ReportFactory, SectorFactory

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/"
YEARS = "/api/v1/stats/years/"
COUNTRIES = "/api/v1/countries/"
SECTORS = "/api/v1/sectors/"
CLAIMS = "/api/v1/claims/"


@pytest.fixture
def three_residents_and_a_draft():
    """Three published companies, a draft, and an empty sector.

    - alpha (CN, electronics): resident since 2016-05-01; reports 2017-12-31 (10M declared,
      1M realised, 20 jobs) and 2019-12-31 (12M, 4M, jobs missing);
    - beta (BY, logistics): resident 2018-03-01 to 2020-06-30; report 2018-12-31 (5M, -, 8);
    - gamma (BY, electronics): resident since 2019-07-01; report that day (3M, 0, 5);
    - draft (DE, logistics): unpublished, since 2016-01-01; report 2017-01-01 (1M, 250k, 100).
    """
    electronics = SectorFactory(slug="electronics", name_en="Electronics", name_ru="Электроника")
    logistics = SectorFactory(slug="logistics", name_en="Logistics", name_ru="Логистика")
    SectorFactory(slug="research", name_en="Research", name_ru="Исследования")
    alpha = CompanyFactory(
        name="Alpha", country="CN", sector=electronics, resident_since=date(2016, 5, 1)
    )
    ReportFactory(
        company=alpha, reported_on=date(2017, 12, 31), declared_investment=Decimal("10000000"),
        realised_investment=Decimal("1000000"), direct_jobs=20,
    )  # fmt: skip
    ReportFactory(
        company=alpha, reported_on=date(2019, 12, 31), declared_investment=Decimal("12000000"),
        realised_investment=Decimal("4000000"), direct_jobs=None,
    )  # fmt: skip
    beta = CompanyFactory(
        name="Beta", country="BY", sector=logistics, resident_since=date(2018, 3, 1),
        exited=True, exited_on=date(2020, 6, 30),
    )  # fmt: skip
    ReportFactory(
        company=beta, reported_on=date(2018, 12, 31), declared_investment=Decimal("5000000"),
        realised_investment=None, direct_jobs=8,
    )  # fmt: skip
    gamma = CompanyFactory(
        name="Gamma", country="BY", sector=electronics, resident_since=date(2019, 7, 1)
    )
    ReportFactory(
        company=gamma, reported_on=date(2019, 7, 1), declared_investment=Decimal("3000000"),
        realised_investment=Decimal("0"), direct_jobs=5,
    )  # fmt: skip
    draft = CompanyFactory(
        name="Draft", country="DE", sector=logistics, is_published=False,
        resident_since=date(2016, 1, 1),
    )  # fmt: skip
    ReportFactory(company=draft, reported_on=date(2017, 1, 1), direct_jobs=100)


# What the counts of every figures response count.
COUNTED = {"counts": "residents_on_as_of"}


def figures(companies, countries, declared, realised, jobs, as_of=None) -> dict:
    body = {
        "companies": companies,
        "countries": countries,
        "declared_investment": f"{Decimal(declared):.2f}",
        "realised_investment": f"{Decimal(realised):.2f}",
        "direct_jobs": jobs,
    }
    return body if as_of is None else {"as_of": as_of, **body}


# --- Stats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2018-06-30", figures(2, 2, 10_000_000, 1_000_000, 20)),  # beta has not reported
        ("2019-12-31", figures(3, 2, 20_000_000, 4_000_000, 33)),  # alpha's jobs from 2017
        ("2020-06-30", figures(2, 2, 15_000_000, 4_000_000, 25)),  # beta exited that day
    ],
)
def test_stats_as_of_a_day_match_hand_computed_totals(
    api, three_residents_and_a_draft, as_of, expected
):
    response = api.get(STATS, {"as_of": as_of})
    assert response.status_code == 200
    assert response.json() == {"as_of": as_of, **expected, **COUNTED}


def test_stats_without_as_of_answer_for_today(api, three_residents_and_a_draft):
    body = api.get(STATS).json()
    today = timezone.localdate().isoformat()
    assert body == {"as_of": today, **figures(2, 2, 15e6, 4e6, 25), **COUNTED}


def test_editor_totals_include_drafts_and_anonymous_ones_do_not(
    api, editor_api, three_residents_and_a_draft
):
    editor = editor_api.get(STATS, {"as_of": "2019-12-31"}).json()
    anonymous = api.get(STATS, {"as_of": "2019-12-31"}).json()
    assert editor == {"as_of": "2019-12-31", **figures(4, 3, 21e6, 4_250_000, 133), **COUNTED}
    assert anonymous["companies"] == 3


@pytest.mark.parametrize("url", [STATS, YEARS, COUNTRIES, SECTORS])
@pytest.mark.parametrize(
    "as_of",
    ["2021-02-30", "30.06.2021", "20210630", "2021-6-30", "today",
     (date.today() + timedelta(days=2)).isoformat()],
)  # fmt: skip
def test_bad_as_of_answers_400_naming_it(api, three_residents_and_a_draft, url, as_of):
    response = api.get(url, {"as_of": as_of})
    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]


@pytest.mark.parametrize("url", [STATS, YEARS, COUNTRIES, SECTORS])
def test_blank_as_of_means_today_as_every_blank_parameter_means_not_given(
    api, three_residents_and_a_draft, url
):
    assert api.get(url, {"as_of": ""}).json() == api.get(url).json()


def test_demo_register_reproduces_the_published_snapshot(api):
    call_command("load_demo", verbosity=0)
    body = api.get(STATS, {"as_of": "2021-06-30"}).json()

    assert body["as_of"] == "2021-06-30"
    snapshot = Claim.objects.get(claimed_on=date(2021, 6, 30))
    assert (body["companies"], body["countries"]) == (snapshot.companies, snapshot.countries)
    assert Decimal(body["declared_investment"]) > snapshot.declared_investment
    assert body["direct_jobs"] > snapshot.direct_jobs
    totals = selectors.park_totals(as_of=date(2021, 6, 30))
    assert Decimal(body["declared_investment"]) == totals.declared_investment
    assert Decimal(body["realised_investment"]) == totals.realised_investment


# --- Series by year ------------------------------------------------------------------


def test_years_series_gives_each_years_end_totals_and_movements(api, three_residents_and_a_draft):
    body = api.get(YEARS, {"as_of": "2019-12-31"}).json()
    assert body["as_of"] == "2019-12-31"
    assert body["results"] == [
        {"year": 2016, "joined": 1, "exited": 0, **figures(1, 1, 0, 0, 0, "2016-12-31")},
        {"year": 2017, "joined": 0, "exited": 0, **figures(1, 1, 10e6, 1e6, 20, "2017-12-31")},
        {"year": 2018, "joined": 1, "exited": 0, **figures(2, 2, 15e6, 1e6, 28, "2018-12-31")},
        {"year": 2019, "joined": 1, "exited": 0, **figures(3, 2, 20e6, 4e6, 33, "2019-12-31")},
    ]


def test_years_series_ends_at_as_of_within_its_year(api, three_residents_and_a_draft):
    last = api.get(YEARS, {"as_of": "2020-06-30"}).json()["results"][-1]
    assert last == {
        "year": 2020, "joined": 0, "exited": 1, **figures(2, 2, 15e6, 4e6, 25, "2020-06-30")
    }  # fmt: skip


# --- Countries -----------------------------------------------------------------------


def test_countries_have_counts_and_figures_largest_first(api, three_residents_and_a_draft):
    body = api.get(COUNTRIES, {"as_of": "2019-12-31"}).json()
    assert body == {
        "as_of": "2019-12-31",
        **COUNTED,
        "results": [
            {"code": "BY", "name": "Belarus", "flag": "🇧🇾", "companies": 2,
             "declared_investment": "8000000.00", "realised_investment": "0.00",
             "direct_jobs": 13},
            {"code": "CN", "name": "China", "flag": "🇨🇳", "companies": 1,
             "declared_investment": "12000000.00", "realised_investment": "4000000.00",
             "direct_jobs": 20},
        ],
    }  # fmt: skip


def test_country_names_follow_accept_language(api, three_residents_and_a_draft):
    body = api.get(COUNTRIES, {"as_of": "2019-12-31"}, HTTP_ACCEPT_LANGUAGE="ru").json()
    assert [c["name"] for c in body["results"]] == ["Беларусь", "Китай"]
    chinese = api.get(COUNTRIES, {"as_of": "2019-12-31"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese["Content-Language"] == "zh-hans"
    assert chinese.json()["results"][1]["name"] == "中国"


def test_countries_omit_a_country_whose_only_resident_is_a_draft(
    api, editor_api, three_residents_and_a_draft
):
    assert "DE" not in [c["code"] for c in api.get(COUNTRIES).json()["results"]]
    assert "DE" in [c["code"] for c in editor_api.get(COUNTRIES).json()["results"]]


# --- Sectors -------------------------------------------------------------------------


def test_sectors_list_every_sector_with_its_figures(api, three_residents_and_a_draft):
    body = api.get(SECTORS, {"as_of": "2019-12-31"}, HTTP_ACCEPT_LANGUAGE="ru").json()
    assert body == {
        "as_of": "2019-12-31",
        **COUNTED,
        "results": [
            {"slug": "electronics", "name": "Электроника", "companies": 2,
             "declared_investment": "15000000.00", "realised_investment": "4000000.00",
             "direct_jobs": 25},
            {"slug": "logistics", "name": "Логистика", "companies": 1,
             "declared_investment": "5000000.00", "realised_investment": "0.00",
             "direct_jobs": 8},
            {"slug": "research", "name": "Исследования", "companies": 0,
             "declared_investment": "0.00", "realised_investment": "0.00", "direct_jobs": 0},
        ],
    }  # fmt: skip


def test_sector_totals_leave_out_drafts(api, three_residents_and_a_draft):
    logistics = api.get(SECTORS, {"as_of": "2017-06-30"}).json()["results"]
    assert {s["slug"]: s["companies"] for s in logistics} == {
        "electronics": 1, "logistics": 0, "research": 0
    }  # fmt: skip


# --- Claims --------------------------------------------------------------------------


def test_claims_show_the_registers_figures_and_agreement(api, three_residents_and_a_draft):
    ClaimFactory(
        statement="3 companies from 2 countries, over $19M and at least 40 jobs.",
        claimed_on=date(2019, 12, 31), source="Press release", companies=3, countries=2,
        declared_investment=Decimal("19000000"),
        declared_investment_qualifier=Claim.Qualifier.MORE_THAN,
        direct_jobs=40, direct_jobs_qualifier=Claim.Qualifier.AT_LEAST,
    )  # fmt: skip
    ClaimFactory(statement="Unpublished", is_published=False, companies=1)

    body = api.get(CLAIMS).json()

    assert len(body["results"]) == 1
    claim = body["results"][0]
    assert claim["claimed_on"] == "2019-12-31"
    assert claim["agrees"] is False
    assert claim["register"] == {**figures(3, 2, 20e6, 4e6, 33, "2019-12-31"), **COUNTED}
    assert claim["figures"] == [
        {"figure": "companies", "stated": "3", "qualifier": "exactly", "register": "3",
         "agrees": True},
        {"figure": "countries", "stated": "2", "qualifier": "exactly", "register": "2",
         "agrees": True},
        {"figure": "declared_investment", "stated": "19000000.00", "qualifier": "more_than",
         "register": "20000000.00", "agrees": True},
        {"figure": "direct_jobs", "stated": "40", "qualifier": "at_least", "register": "33",
         "agrees": False},
    ]  # fmt: skip


def test_demo_claims_carry_the_registers_verdicts(api):
    call_command("load_demo", verbosity=0)
    results = api.get(CLAIMS).json()["results"]
    checks = selectors.claims_checked()
    assert [(c["claimed_on"], c["agrees"]) for c in results] == [
        (check.claim.claimed_on.isoformat(), check.agrees) for check in checks
    ]
    assert len(results) == 35


# --- Conditional requests and query counts -------------------------------------------


@pytest.mark.parametrize("url", [STATS, YEARS, COUNTRIES, SECTORS, CLAIMS])
def test_repeated_figure_request_answers_304_until_the_register_changes(
    api, three_residents_and_a_draft, url
):
    first = api.get(url)
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    CompanyFactory(name="Newcomer", sector=SectorFactory(slug="research"))
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.parametrize("url", [STATS, YEARS, COUNTRIES, SECTORS, CLAIMS])
def test_figures_are_computed_once_per_register_revision(
    api, editor_api, three_residents_and_a_draft, url, django_assert_max_num_queries
):
    first = api.get(url).json()
    with django_assert_max_num_queries(1):  # the revision, which names the cached copy
        assert api.get(url).json() == first
    # Another audience or another language is another copy.
    assert editor_api.get(url).json() != first or url == CLAIMS
    CompanyFactory(name="Newcomer", sector=SectorFactory(slug="research"))
    assert api.get(url).json() != first or url == CLAIMS


@pytest.mark.parametrize("url", [STATS, YEARS, COUNTRIES, SECTORS])
def test_figures_for_today_are_not_answered_from_yesterdays_copy(
    api, three_residents_and_a_draft, url, monkeypatch
):
    first = api.get(url)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    # The register did not change, but the day its figures answer for did.
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.json()["as_of"] == tomorrow.isoformat()


def test_etag_depends_on_as_of(api, three_residents_and_a_draft):
    etag = api.get(STATS, {"as_of": "2019-12-31"})["ETag"]
    other = api.get(STATS, {"as_of": "2018-12-31"}, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200


def _queries(api, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert api.get(url, params).status_code == 200
    return len(context)


@pytest.mark.parametrize(
    ("url", "params", "most"),
    [
        (STATS, {"as_of": "2019-12-31"}, 2),
        (COUNTRIES, {"as_of": "2019-12-31"}, 2),
        (SECTORS, {"as_of": "2019-12-31"}, 3),
        (CLAIMS, None, 3),
        (YEARS, {"as_of": "2019-12-31"}, 12),  # revision, two year counts, a year each
    ],
)
def test_figure_query_count_does_not_grow_with_the_register(
    api, three_residents_and_a_draft, url, params, most, django_assert_max_num_queries
):
    ClaimFactory(claimed_on=date(2019, 12, 31), companies=3)
    small = _queries(api, url, params)
    sector = SectorFactory(slug="electronics")
    for n in range(30):
        company = CompanyFactory(name=f"More {n}", sector=sector, country=["FR", "IT"][n % 2])
        ReportFactory(company=company, reported_on=date(2019, 1, 1))
    with django_assert_max_num_queries(most):
        assert _queries(api, url, params) == small


# --- Filters --------------------------------------------------------------------------


def _reference_totals(day, companies) -> dict:
    totals = selectors.park_totals_from_reports(as_of=day, companies=companies)
    return figures(
        totals.companies, totals.countries, totals.declared_investment,
        totals.realised_investment, totals.direct_jobs, as_of=day.isoformat(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("params", "matching"),
    [
        ({"country": "BY"}, {"country": "BY"}),
        ({"country": ["BY", "CN"], "sector": "electronics"}, {"sector__slug": "electronics"}),
        ({"status": "resident"}, {}),
        ({"status": "exited"}, {"pk__in": []}),
        ({"q": "alp"}, {"name": "Alpha"}),
        ({"direct_jobs_min": "6", "country": "BY"}, {"name": "Beta"}),
    ],
)
def test_stats_answer_for_the_companies_the_filters_match(
    api, three_residents_and_a_draft, params, matching
):
    day = date(2019, 12, 31)
    body = api.get(STATS, {"as_of": day.isoformat(), **params}).json()
    companies = Company.objects.published().filter(**matching)
    assert body == {**_reference_totals(day, companies), **COUNTED}


def test_a_range_filter_reads_each_figure_as_of_the_day(api, three_residents_and_a_draft):
    # gamma reported 5 jobs in 2019; a range of 5 to 5 finds it then, and nothing before.
    assert api.get(STATS, {"as_of": "2019-12-31", "direct_jobs_max": "5"}).json()["companies"] == 1
    assert api.get(STATS, {"as_of": "2019-06-30", "direct_jobs_max": "5"}).json()["companies"] == 0


@pytest.mark.parametrize("url", [STATS, YEARS, COUNTRIES, SECTORS])
def test_figures_with_a_country_filter_equal_the_reference_for_those_companies(
    api, three_residents_and_a_draft, url
):
    filtered = api.get(url, {"as_of": "2020-01-31", "country": "BY"}).json()
    searched = api.get(url, {"as_of": "2020-01-31", "country": "BY", "q": "a"}).json()
    # The ledger answers a country filter; a search is answered from the reports.
    assert filtered == searched


@pytest.mark.parametrize("url", [STATS, YEARS, COUNTRIES, SECTORS])
@pytest.mark.parametrize(
    "query",
    [{}, {"as_of": "2020-01-31"}, {"as_of": "2019-06-30", "country": "BY"},
     {"as_of": "2020-01-31", "status": "resident", "sector": "electronics"}],
)  # fmt: skip
def test_figures_as_of_any_day_by_country_sector_and_status_come_from_the_ledger(
    api, three_residents_and_a_draft, url, query
):
    """Their cost does not grow with the register: no query reads the reports, as one
    does for a past day with a search."""

    def reports_read(query: dict) -> bool:
        with CaptureQueriesContext(connection) as context:
            assert api.get(url, query).status_code == 200
        return any("companies_report" in q["sql"] for q in context.captured_queries)

    assert not reports_read(query)
    if "as_of" in query:
        assert reports_read({**query, "q": "a"})


@pytest.mark.parametrize("url", [STATS, YEARS, COUNTRIES, SECTORS])
def test_a_bad_filter_answers_400_naming_it(api, three_residents_and_a_draft, url):
    response = api.get(url, {"country": "XX"})
    assert response.status_code == 400
    assert "country" in response.json()
