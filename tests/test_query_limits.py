"""Every query parameter is bounded in size and complexity, on the API and the directory
page alike: beyond a bound the answer is a 400 naming the parameter, and the most
expensive request that is accepted stays cheap (counted in queries and SQL, not time).
A blank parameter means the parameter was not given, on both surfaces."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from companies import params
from companies.models import Company
from tests.factories import CompanyFactory, ReportFactory, SectorFactory

LIST = "/api/v1/companies/"
PAGE = "/en/companies/"


@pytest.fixture
def small_register(db):
    logistics = SectorFactory(slug="logistics", name_en="Logistics")
    for number, (name, country) in enumerate([("Zubr Rail", "BY"), ("Amur Freight", "CN")]):
        company = CompanyFactory(name=name, country=country, sector=logistics)
        ReportFactory(company=company, reported_on=date(2020, 1, 1), direct_jobs=10 + number)
    return logistics


def api_names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def page_names(response) -> list[str]:
    return [row["name"] for row in response.context["page_obj"].object_list]


TOO_BIG = [
    pytest.param({"q": " ".join(["word"] * (params.MAX_WORDS + 1))}, "q", id="too-many-words"),
    pytest.param({"q": "x" * (params.MAX_LENGTH + 1)}, "q", id="too-long-search"),
    pytest.param(
        {"country": [code for code, _ in countries][: params.MAX_REPEATS + 1]},
        "country",
        id="too-many-countries",
    ),
    pytest.param(
        {"sector": ["logistics"] * (params.MAX_REPEATS + 1)}, "sector", id="too-many-sectors"
    ),
    pytest.param(
        {"ordering": ",".join(["name"] * (params.MAX_ORDERINGS + 1))},
        "ordering",
        id="too-many-orderings",
    ),
    pytest.param({"q": ["rail", "freight"]}, "q", id="single-parameter-repeated"),
    pytest.param(
        {f"unknown{n}": "1" for n in range(params.MAX_VALUES + 1)}, "query", id="too-many-values"
    ),
]


@pytest.mark.parametrize(("query", "parameter"), TOO_BIG)
def test_a_parameter_beyond_its_bound_is_a_400_naming_it_on_the_api(
    api, small_register, query, parameter
):
    response = api.get(LIST, query)
    assert response.status_code == 400, response.content
    assert parameter in response.json()


@pytest.mark.parametrize(("query", "parameter"), TOO_BIG)
def test_a_parameter_beyond_its_bound_is_a_400_page_naming_it(
    client, small_register, query, parameter
):
    response = client.get(PAGE, query)
    assert response.status_code == 400
    html = response.content.decode()
    label = {"q": "Search", "country": "Country", "sector": "Sector", "ordering": "Order by"}
    # A filter's error is shown by its label, a bound of the query by the parameter.
    assert f"{label.get(parameter, parameter)}: " in html


def test_a_search_at_its_bounds_is_accepted_on_both_surfaces(api, client, small_register):
    query = {"q": " ".join(["rail"] * params.MAX_WORDS)}
    assert api_names(api.get(LIST, query)) == ["Zubr Rail"]
    assert page_names(client.get(PAGE, query)) == ["Zubr Rail"]


def test_a_blank_parameter_means_the_parameter_was_not_given_on_both_surfaces(
    api, client, small_register
):
    names = ("q", "country", "sector", "status", "ordering", "direct_jobs_min",
             "updated_since", "page_size", "fields")  # fmt: skip
    blank = dict.fromkeys(names, "")
    everyone = ["Amur Freight", "Zubr Rail"]
    api_response = api.get(LIST, blank)
    assert api_response.status_code == 200
    assert api_names(api_response) == everyone
    assert set(api_response.json()["results"][0]) == set(api.get(LIST).json()["results"][0])
    page = client.get(PAGE, blank)
    assert page.status_code == 200
    assert page_names(page) == everyone
    # A blank beside a value is dropped, the value kept.
    one = {"country": ["", "BY"]}
    assert api_names(api.get(LIST, one)) == page_names(client.get(PAGE, one)) == ["Zubr Rail"]


def _worst_accepted_query(sectors: list[str]) -> dict:
    """Every filter at its largest accepted size, the largest page, sorted."""
    word = "w" * (params.MAX_LENGTH // params.MAX_WORDS - 1)
    return {
        "q": " ".join([word] * params.MAX_WORDS),
        "country": [code for code, _ in countries][: params.MAX_REPEATS],
        "sector": sectors[: params.MAX_REPEATS],
        "status": [choice for choice, _ in Company.Status.choices],
        "resident_since_after": "2012-06-01",
        "resident_since_before": "2030-01-01",
        "declared_investment_min": "0",
        "declared_investment_max": "99999999999999.99",
        "realised_investment_min": "0",
        "realised_investment_max": "99999999999999.99",
        "direct_jobs_min": "0",
        "direct_jobs_max": "2147483647",
        "updated_since": "2012-06-01T00:00:00+03:00",
        "ordering": "-declared_investment",
    }


# What the worst accepted list request may cost: the queries of a list page, and SQL
# text of a few kilobytes (a search over five columns per word dominates).
# The page reads the register's revision once, for its kept copy and its footer.
MAX_QUERIES = {LIST: 6, PAGE: 6}
MAX_SQL_CHARACTERS = 20_000


@pytest.mark.parametrize(
    ("path", "extra"),
    [(LIST, {"page_size": "500"}), (LIST, {"page": "1", "page_size": "500"}), (PAGE, {})],
)
def test_the_worst_accepted_request_stays_cheap(client, small_register, path, extra):
    sectors = [SectorFactory(slug=f"s-{n}").slug for n in range(params.MAX_REPEATS)]
    query = {**_worst_accepted_query(sectors), **extra}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    assert response.status_code == 200, response.content[:500]
    sql = sum(len(query["sql"]) for query in queries.captured_queries)
    assert len(queries) <= MAX_QUERIES[path], [q["sql"][:200] for q in queries.captured_queries]
    assert sql <= MAX_SQL_CHARACTERS, sql
