"""The register as of a day on the home, directory, country and sector pages: the
`as_of` control kept in the URL, every figure answering for that day, each figure with
its report's date and source, and a bad day a friendly 400."""

import re
from datetime import date

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from companies import views
from tests.factories import CompanyFactory, ReportFactory, SectorFactory
from tests.pages import clear_caches, text

PAGES = ["/en/", "/en/companies/", "/en/countries/", "/en/countries/BY/", "/en/sectors/",
         "/en/sectors/logistics/"]  # fmt: skip


# Computed afresh (nothing kept yet): the home page's figures, series and charts, and
# the counts of its dataset description (JSON-LD).
MAX_QUERIES = {"/en/": 16}


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def day(year: int, month: int, number: int) -> str:
    """A day as the pages write it in English."""
    return date_format(date(year, month, number))


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def statuses(response) -> dict[str, str]:
    return {row["name"]: row["status"] for row in response.context["rows"]}


@pytest.mark.parametrize("address", PAGES)
def test_every_register_page_has_the_as_of_control_and_says_what_as_of_means(
    client, residents_and_a_draft, address
):
    response = client.get(f"{address}?as_of=2019-01-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input type="date" id="id_as_of" name="as_of" value="2019-01-01"', html)
    page = text(response)
    assert "As of a day, the register holds the companies whose residence had begun" in page
    assert "Names, sectors and descriptions are today's." in page


def test_directory_as_of_a_day_lists_that_days_register_with_its_status_and_figures(
    client, residents_and_a_draft
):
    response = client.get("/en/companies/?as_of=2019-01-01")
    # Gamma's residence began later and Delta is an applicant: neither was registered yet.
    assert names(response) == ["Alpha Telecom", "Beta Freight"]
    assert statuses(response) == {"Alpha Telecom": "Resident", "Beta Freight": "Resident"}
    alpha = response.context["rows"][0]
    # Alpha's 2019 report came later: its figures are those of the 2017 report.
    assert [plain(f["text"]) for f in alpha["figures"]] == ["$10,000,000", "$1,000,000", "20"]
    assert {f["day"] for f in alpha["figures"]} == {day(2017, 12, 31)}
    assert {f["source"] for f in alpha["figures"]} == {"Annual report 2017"}
    page = text(response)
    assert "2 companies match." in page
    assert "Counted: the register as of " + day(2019, 1, 1) in page


def test_a_company_that_left_by_the_day_is_listed_as_exited(client, residents_and_a_draft):
    response = client.get("/en/companies/?as_of=2020-12-31")
    assert statuses(response) == {
        "Alpha Telecom": "Resident",
        "Beta Freight": "Exited",
        "Gamma Logistics": "Resident",
    }
    residents = client.get("/en/companies/?as_of=2020-12-31&status=resident")
    assert names(residents) == ["Alpha Telecom", "Gamma Logistics"]
    assert "Counted: the companies whose status on " + day(
        2020, 12, 31
    ) + " was: Resident." in text(residents)


def test_the_as_of_day_is_kept_in_paging_and_in_links_to_other_pages(
    client, residents_and_a_draft, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    html = client.get("/en/companies/?as_of=2020-12-31").content.decode()
    assert 'href="?as_of=2020-12-31&amp;page=2" rel="next"' in html
    home = client.get("/en/?as_of=2020-12-31").content.decode()
    assert 'href="/en/countries/BY/?as_of=2020-12-31"' in home
    assert 'href="/en/companies/?as_of=2020-12-31"' in home
    country = client.get("/en/countries/BY/?as_of=2020-12-31").content.decode()
    assert 'href="/en/companies/?country=BY&amp;as_of=2020-12-31"' in country


def test_home_as_of_a_day_answers_every_figure_for_that_day(client, api, residents_and_a_draft):
    response = client.get("/en/?as_of=2019-01-01")
    totals = response.context["totals"]
    stats = api.get("/api/v1/stats/?as_of=2019-01-01").json()
    assert (
        (totals.companies, totals.countries, totals.direct_jobs)
        == (
            stats["companies"],
            stats["countries"],
            stats["direct_jobs"],
        )
        == (2, 2, 28)
    )
    assert response.context["by_year"][-1]["year"] == 2019
    assert [row["country"] for row in response.context["by_country"]] == ["CN", "BY"]
    assert [c.name for c in response.context["recent"]] == ["Beta Freight", "Alpha Telecom"]
    assert "Newest residents on " + day(2019, 1, 1) in text(response)


def test_country_and_sector_pages_as_of_a_day(client, residents_and_a_draft):
    country = client.get("/en/countries/BY/?as_of=2019-01-01")
    assert country.context["totals"].companies == 1
    assert names(country) == ["Beta Freight"]
    assert "1 company in the register as of " + day(2019, 1, 1) in text(country)
    assert "Residents on " + day(2019, 1, 1) + " in figures" in text(country)
    sector = client.get("/en/sectors/logistics/?as_of=2021-01-01")
    assert sector.context["totals"].companies == 1  # Gamma; Beta had left
    assert statuses(sector) == {"Beta Freight": "Exited", "Gamma Logistics": "Resident"}


def test_countries_page_as_of_a_day_lists_the_countries_with_residents_that_day(
    client, residents_and_a_draft
):
    response = client.get("/en/countries/?as_of=2016-12-31")
    assert [row["country"] for row in response.context["rows"]] == ["CN"]
    assert "Countries and their residents on " + day(2016, 12, 31) in text(response)


@pytest.mark.parametrize("address", PAGES)
@pytest.mark.parametrize(
    "day", ["2019-13-01", "yesterday", "2099-01-01", "2001-01-01", "２０１９-01-01"]
)
def test_a_bad_as_of_is_a_friendly_400_naming_the_control(
    client, residents_and_a_draft, address, day
):
    response = client.get(f"{address}?as_of={day}")
    assert response.status_code == 400
    page = text(response)
    assert "Register as of" in page
    assert "Traceback" not in page


def test_pages_ignore_unknown_parameters(client, residents_and_a_draft):
    for address in PAGES:
        assert client.get(f"{address}?utm_source=newsletter&as_of=2020-01-01").status_code == 200


@pytest.mark.parametrize(
    "address", ["/en/companies/", "/en/countries/BY/", "/en/sectors/logistics/"]
)
def test_rows_show_each_figures_report_date_with_its_source(
    client, residents_and_a_draft, address
):
    html = client.get(address).content.decode()
    assert (
        '<small class="provenance" title="Source: Annual report 2019">'
        + day(2019, 12, 31)
        + "</small>"
        in html
    )


def test_a_figure_taken_from_an_older_report_shows_that_reports_date(
    client, residents_and_a_draft
):
    alpha = client.get("/en/companies/?q=Alpha").context["rows"][0]
    declared, realised, jobs = alpha["figures"]
    assert (declared["day"], realised["day"]) == (day(2019, 12, 31), day(2019, 12, 31))
    # The 2019 report gave no jobs: they come from the 2017 report, and say so.
    assert (plain(jobs["text"]), jobs["day"], jobs["source"]) == (
        "20",
        day(2017, 12, 31),
        "Annual report 2017",
    )


@pytest.mark.parametrize("address", PAGES)
@pytest.mark.parametrize("as_of", ["", "as_of=2021-01-01"])
def test_query_counts_do_not_grow_with_page_size_or_the_day(
    client, db, monkeypatch, django_assert_max_num_queries, address, as_of
):
    sector = SectorFactory(slug="logistics")
    for n in range(12):
        company = CompanyFactory(name=f"Company {n:02d}", country="BY", sector=sector)
        ReportFactory(company=company, reported_on="2020-12-31")
    counts = []
    for size in (2, 12):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        clear_caches()
        with django_assert_max_num_queries(MAX_QUERIES.get(address, 10)) as queries:
            assert client.get(f"{address}?{as_of}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_today_is_the_register_of_today(client, residents_and_a_draft):
    today = timezone.localdate().isoformat()
    with_day = client.get(f"/en/companies/?as_of={today}")
    assert names(with_day) == names(client.get("/en/companies/"))
