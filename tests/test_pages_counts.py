"""Every count on the home, directory, country and sector pages says what it counts, and
the same question gets the same number on the pages and in the API, today and as of a
day, on the demo register (surfaces compared with each other, no totals pinned)."""

import pytest

from companies.demo import demo_load

pytestmark = pytest.mark.django_db

DAYS = ["", "as_of=2021-06-30", "as_of=2019-12-31"]


@pytest.fixture
def demo(db):
    demo_load()


def _and(query: str, extra: str) -> str:
    return "&".join(part for part in (query, extra) if part)


def api_count(api, query: str) -> int:
    """The API's count of the companies list for `query` (paged by number, which counts)."""
    response = api.get(f"/api/v1/companies/?{_and(query, 'page=1&page_size=1')}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def page_count(client, address: str, query: str) -> int:
    response = client.get(f"{address}?{query}")
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


@pytest.mark.parametrize("day", DAYS)
def test_residents_on_the_day_agree_on_home_directory_and_api(client, api, demo, day):
    home = client.get(f"/en/?{day}").context["totals"]
    stats = api.get(f"/api/v1/stats/?{day}").json()
    assert (home.companies, home.countries) == (stats["companies"], stats["countries"])
    assert str(home.declared_investment) == stats["declared_investment"]
    assert home.direct_jobs == stats["direct_jobs"]
    residents = _and("status=resident", day)
    assert page_count(client, "/en/companies/", residents) == home.companies
    assert api_count(api, residents) == home.companies


@pytest.mark.parametrize("day", DAYS)
def test_the_directory_and_the_api_count_the_same_companies(client, api, demo, day):
    for query in ("", "country=CN", "sector=logistics", "status=exited", "q=tech"):
        query = _and(query, day)
        assert page_count(client, "/en/companies/", query) == api_count(api, query), query


@pytest.mark.parametrize("day", DAYS)
def test_countries_page_lists_the_apis_countries_with_the_same_figures(client, api, demo, day):
    page = client.get(f"/en/countries/?{day}").context["rows"]
    listed = api.get(f"/api/v1/countries/?{day}").json()["results"]
    assert [(r["country"], r["companies"]) for r in page] == [
        (r["code"], r["companies"]) for r in listed
    ]
    assert all(row["companies"] > 0 for row in page)


@pytest.mark.parametrize("day", DAYS)
def test_country_pages_agree_with_the_api(client, api, demo, day):
    listed = api.get(f"/api/v1/countries/?{day}").json()["results"]
    for row in listed[:4]:
        code = row["code"]
        response = client.get(f"/en/countries/{code}/?{day}")
        assert response.context["totals"].companies == row["companies"]
        assert str(response.context["totals"].declared_investment) == row["declared_investment"]
        count = response.context["page_obj"].paginator.count
        assert count == api_count(api, _and(f"country={code}", day))
        assert count == page_count(client, "/en/companies/", _and(f"country={code}", day))


@pytest.mark.parametrize("day", DAYS)
def test_sector_pages_agree_with_the_api(client, api, demo, day):
    listed = api.get(f"/api/v1/sectors/?{day}").json()["results"]
    page = {row["slug"]: row for row in client.get(f"/en/sectors/?{day}").context["rows"]}
    for row in listed:
        assert page[row["slug"]].get("companies", 0) == row["companies"]
    for row in listed[:3]:
        response = client.get(f"/en/sectors/{row['slug']}/?{day}")
        assert response.context["totals"].companies == row["companies"]
        count = response.context["page_obj"].paginator.count
        assert count == api_count(api, _and(f"sector={row['slug']}", day))


def test_each_count_says_what_it_counts(client, demo):
    directory = client.get("/en/companies/").content.decode()
    assert "Counted: companies of any status (residents, former residents and applicants)." in (
        directory
    )
    home = client.get("/en/").content.decode()
    assert "Resident companies: those resident that day" in home
    countries = client.get("/en/countries/").content.decode()
    assert "A country is listed while at least one of its companies is a resident" in countries
