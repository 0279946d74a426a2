"""The home page: headline figures as of today and the charts' data, drafts left out."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from tests.factories import CompanyFactory, ReportFactory
from tests.pages import chart_data, clear_caches, text


def test_home_shows_the_parks_headline_figures_as_of_today(client, residents_and_a_draft):
    response = client.get("/en/")
    assert response.status_code == 200
    page = text(response)
    assert "The park in figures" in page
    totals = response.context["totals"]
    # Alpha and Gamma are residents today; Beta exited, Delta applies, the draft is hidden.
    assert (totals.companies, totals.countries, totals.direct_jobs) == (2, 2, 27)
    assert "$15,000,000" in page  # declared: 12m + 3m
    assert "$4,500,000" in page  # realised: 4m + 0.5m, shown apart from the declared
    assert f"As of {date_format(totals.as_of, 'DATE_FORMAT')}." in page


def test_drafts_count_in_no_figure_or_chart_of_the_home_page(client, residents_and_a_draft):
    response = client.get("/en/")
    page = text(response)
    assert "Secret Draft" not in page
    assert "$900,000,000" not in page
    countries = chart_data(response, "chart-by-country")
    assert "Germany" not in countries["labels"]
    assert "Germany" not in page


def test_investment_chart_shows_declared_and_realised_side_by_side_per_country(
    client, residents_and_a_draft
):
    chart = chart_data(client.get("/en/"), "chart-by-country")
    assert chart["labels"] == ["China", "Belarus"]
    declared, realised = chart["datasets"]
    assert (declared["label"], declared["data"]) == ("Declared investment", [12e6, 3e6])
    assert (realised["label"], realised["data"]) == ("Realised investment", [4e6, 5e5])


def test_residents_and_jobs_chart_has_a_point_per_year_since_the_first_resident(
    client, residents_and_a_draft
):
    response = client.get("/en/")
    chart = chart_data(response, "chart-by-year")
    years = chart["labels"]
    assert years[0] == "2016"
    residents = dict(zip(years, chart["datasets"][0]["data"], strict=True))
    jobs = dict(zip(years, chart["datasets"][1]["data"], strict=True))
    # End of 2018: Alpha and Beta; end of 2020: Alpha and Gamma (Beta left in June).
    assert (residents["2018"], residents["2020"]) == (2, 2)
    assert (jobs["2018"], jobs["2020"]) == (28, 27)
    # The same figures are in the table beside the chart.
    assert "Residents and jobs at the end of each year" in text(response)


def test_sector_chart_counts_current_residents_by_translated_sector_name(
    client, residents_and_a_draft
):
    chart = chart_data(client.get("/en/"), "chart-by-sector")
    assert dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True)) == {
        "Electronics": 1,
        "Logistics": 1,
    }


def test_charts_are_drawn_from_the_projects_own_static_files(client, residents_and_a_draft):
    html = client.get("/en/").content.decode()
    assert '<script src="/static/companies/vendor/chart.umd.min.js" defer>' in html
    assert "https://" not in html.split("<body>")[0]


def test_newest_residents_link_to_their_pages(client, residents_and_a_draft):
    html = client.get("/en/").content.decode()
    assert f'href="{residents_and_a_draft.gamma.get_absolute_url()}"' in html
    assert 'href="/en/companies/delta-pharma/"' not in html  # an applicant, not a resident


def test_home_figures_are_cached_until_the_register_changes(client, residents_and_a_draft):
    with CaptureQueriesContext(connection) as cold:
        client.get("/en/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/en/")
    assert len(warm) < len(cold)
    newcomer = CompanyFactory(name="Epsilon Data", country="UZ")
    ReportFactory(company=newcomer, direct_jobs=3)
    response = client.get("/en/")
    assert response.context["totals"].companies == 3
    assert "Uzbekistan" in chart_data(response, "chart-by-country")["labels"]


def test_home_query_count_does_not_grow_with_the_register(
    client, residents_and_a_draft, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as small:
        client.get("/en/")
    for n in range(20):
        CompanyFactory(name=f"Extra {n}", sector=residents_and_a_draft.logistics)
    clear_caches()
    with django_assert_max_num_queries(len(small)):
        client.get("/en/")
