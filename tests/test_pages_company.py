"""Company, country and sector pages: what they show, drafts and unknown addresses 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import views
from tests.factories import CompanyFactory, ReportFactory, SectorFactory
from tests.pages import chart_data, clear_caches, text


def test_company_page_shows_everything_public_about_a_resident(client, residents_and_a_draft):
    response = client.get("/en/companies/alpha-telecom/")
    assert response.status_code == 200
    page = text(response)
    assert "<title>Alpha Telecom · Great Stone park directory</title>" in response.content.decode()
    for phrase in (
        "Alpha Telecom",
        "Alpha Telecom LLC",
        "Builds 5G network equipment.",
        "Resident since 1 May 2016",
        "Declared investment $12,000,000",
        "Realised investment $4,000,000",
        "Direct jobs 20",
    ):
        assert phrase in page
    html = response.content.decode()
    assert 'href="/en/countries/CN/">China</a>' in html
    assert 'href="/en/sectors/electronics/">Electronics</a>' in html


def test_company_figures_over_time_carry_a_missing_figure_forward_marked(
    client, residents_and_a_draft
):
    response = client.get("/en/companies/alpha-telecom/")
    chart = chart_data(response, "chart-company")
    declared, realised, jobs = chart["datasets"]
    assert [tick["label"] for tick in chart["time"]["ticks"]] == [
        "31 December 2017",
        "31 December 2019",
    ]
    assert [point["y"] for point in declared["data"]] == [10e6, 12e6]
    assert [point["y"] for point in realised["data"]] == [1e6, 4e6]
    assert [point["y"] for point in jobs["data"]] == [20, 20]  # the 2019 report gave no jobs
    assert (declared["carried"], jobs["carried"]) == ([False, False], [False, True])
    page = text(response)
    assert (
        "31 December 2019 $12,000,000 $4,000,000 20 * Carried forward from the report of "
        "31 December 2017 (Annual report 2017) Annual report 2019" in page
    )
    assert "* Carried forward: the report of that row left the figure out" in page
    html = response.content.decode()
    assert html.count('class="num carried"') == 1
    assert html.count('<span class="carried-mark" aria-hidden="true">*</span>') == 2


def test_company_chart_time_axis_is_to_scale(client, db):
    company = CompanyFactory(name="Uneven Reporter")
    for day in ("2019-10-19", "2019-12-31", "2022-12-31"):
        ReportFactory(company=company, reported_on=day)
    chart = chart_data(client.get(company.get_absolute_url()), "chart-company")
    first, second, third = (tick["value"] for tick in chart["time"]["ticks"])
    day_ms = 24 * 3600 * 1000
    assert (second - first, third - second) == (73 * day_ms, 1096 * day_ms)
    for dataset in chart["datasets"]:
        assert [point["x"] for point in dataset["data"]] == [first, second, third]


def test_latest_figures_name_the_date_and_source_of_their_reports(client, residents_and_a_draft):
    page = text(client.get("/en/companies/alpha-telecom/"))
    assert (
        "Declared investment $12,000,000 From the report of 31 December 2019 "
        "Source: Annual report 2019" in page
    )
    assert "Direct jobs 20 From the report of 31 December 2017 Source: Annual report 2017" in page


def test_former_resident_shows_when_and_why_it_left(client, residents_and_a_draft):
    page = text(client.get(residents_and_a_draft.beta.get_absolute_url()))
    assert "Exited on 30 June 2020" in page
    assert "Reason for leaving Moved to another free economic zone." in page


def test_company_without_reports_says_so_and_loads_no_chart(client, residents_and_a_draft):
    response = client.get(residents_and_a_draft.delta.get_absolute_url())
    assert "This company has reported no figures yet." in text(response)
    assert "chart.umd.min.js" not in response.content.decode()


def test_draft_and_unknown_companies_are_a_friendly_404(client, residents_and_a_draft):
    for address in (
        residents_and_a_draft.draft.get_absolute_url(),
        "/en/companies/no-such-company/",
    ):
        response = client.get(address)
        assert response.status_code == 404
        assert "Page not found" in text(response)
        assert "Secret Draft" not in response.content.decode()


def test_country_page_lists_its_companies_and_current_residents_totals(
    client, residents_and_a_draft
):
    response = client.get("/en/countries/BY/")
    assert response.status_code == 200
    page = text(response)
    assert "Companies from Belarus" in page
    assert [row["name"] for row in response.context["rows"]] == [
        "Beta Freight",
        "Gamma Logistics",
    ]
    totals = response.context["totals"]
    assert (totals.companies, totals.declared_investment, totals.direct_jobs) == (1, 3000000, 7)
    assert 'href="/en/companies/?country=BY"' in response.content.decode()


@pytest.mark.parametrize("code", ["DE", "ZZ", "by", "XK1"])
def test_country_page_of_drafts_only_or_unknown_codes_is_a_404(
    client, residents_and_a_draft, code
):
    assert client.get(f"/en/countries/{code}/").status_code == 404


def test_country_list_shows_countries_of_published_companies_only(client, residents_and_a_draft):
    response = client.get("/en/countries/")
    rows = {row["country"]: row for row in response.context["rows"]}
    assert set(rows) == {"CN", "BY"}
    assert (rows["CN"]["companies"], rows["BY"]["companies"]) == (1, 1)
    assert "Germany" not in text(response)


def test_sector_page_lists_its_published_companies_and_totals(client, residents_and_a_draft):
    response = client.get("/en/sectors/logistics/")
    assert response.status_code == 200
    page = text(response)
    assert "Beta Freight" in page and "Gamma Logistics" in page
    assert "Secret Draft" not in page
    assert response.context["totals"].companies == 1


def test_sector_without_published_companies_still_has_a_page(client, residents_and_a_draft):
    SectorFactory(slug="big-data", name_en="Big data")
    response = client.get("/en/sectors/big-data/")
    assert response.status_code == 200
    assert "No published company works in this sector yet." in text(response)


def test_unknown_sector_is_a_404(client, residents_and_a_draft):
    assert client.get("/en/sectors/no-such-sector/").status_code == 404


def test_sector_list_shows_every_sector_with_its_residents(client, residents_and_a_draft):
    rows = client.get("/en/sectors/").context["rows"]
    assert {row["slug"]: row.get("companies", 0) for row in rows} == {
        "electronics": 1,
        "logistics": 1,
    }


@pytest.mark.parametrize(
    "address", ["/en/countries/CN/", "/en/sectors/machines/", "/en/countries/", "/en/sectors/"]
)
def test_country_and_sector_query_counts_do_not_grow_with_page_size(
    client, db, monkeypatch, address
):
    sector = SectorFactory(slug="machines")
    for n in range(12):
        ReportFactory(company=CompanyFactory(name=f"Company {n:02d}", sector=sector))
    counts = []
    for size in (2, 12):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        clear_caches()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    # At most: the revision (the kept page), whether the country has companies, sectors,
    # count, rows, totals, and the footer's register status (its last change, whether it
    # is the demo).
    assert counts[0] == counts[1] <= 7


def test_company_page_query_count_does_not_grow_with_its_reports(client, db):
    company = CompanyFactory(name="Busy Reporter")
    counts = []
    for year in (2018, 2019, 2020, 2021, 2022):
        ReportFactory(company=company, reported_on=f"{year}-12-31")
        with CaptureQueriesContext(connection) as queries:
            client.get(company.get_absolute_url())
        counts.append(len(queries))
    assert len(set(counts)) == 1


def test_company_chart_leaves_a_gap_before_a_figure_is_first_reported(
    client, residents_and_a_draft
):
    chart = chart_data(client.get(residents_and_a_draft.beta.get_absolute_url()), "chart-company")
    declared, realised, jobs = chart["datasets"]
    assert [[p["y"] for p in d["data"]] for d in (declared, realised, jobs)] == [
        [5e6],
        [None],
        [8],
    ]
