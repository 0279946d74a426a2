"""The directory (/companies/): the API's query string, paging, errors, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import views
from tests.factories import CompanyFactory, ReportFactory, SectorFactory
from tests.pages import clear_caches, text

A, B, D, G = "Alpha Telecom", "Beta Freight", "Delta Pharma", "Gamma Logistics"


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def test_directory_lists_published_companies_by_name_with_their_count(
    client, residents_and_a_draft
):
    response = client.get("/en/companies/")
    assert response.status_code == 200
    assert names(response) == ["Alpha Telecom", "Beta Freight", "Delta Pharma", "Gamma Logistics"]
    assert "4 companies match." in text(response)


def test_draft_company_is_absent_from_anonymous_list(client, residents_and_a_draft):
    response = client.get("/en/companies/?q=Secret")
    assert names(response) == []
    assert "0 companies match." in text(response)
    assert "Secret Draft" not in response.content.decode()


def test_drafts_stay_hidden_from_editors_on_public_pages(editor_client, residents_and_a_draft):
    assert "Secret Draft" not in editor_client.get("/en/companies/").content.decode()
    assert editor_client.get(residents_and_a_draft.draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=BY", ["Beta Freight", "Gamma Logistics"]),
        ("country=CN&country=BY", [A, B, D, G]),
        ("sector=logistics", ["Beta Freight", "Gamma Logistics"]),
        ("status=resident", ["Alpha Telecom", "Gamma Logistics"]),
        ("status=exited", ["Beta Freight"]),
        ("country=BY&status=resident", ["Gamma Logistics"]),
        ("q=5G", ["Alpha Telecom"]),
        ("q=железнодорожные", ["Gamma Logistics"]),
        ("q=freight+rail", ["Gamma Logistics"]),
        # Missing figures come last whatever the direction, as in the API.
        ("ordering=-direct_jobs", [A, B, G, D]),
        ("ordering=-resident_since", [G, B, A, D]),
        ("ordering=-name", [G, D, B, A]),
    ],
)  # fmt: skip
def test_directory_filters_mean_what_they_mean_in_the_api(
    client, residents_and_a_draft, query, expected
):
    response = client.get(f"/en/companies/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_filter_form_shows_the_chosen_filters_and_offers_only_published_countries(
    client, residents_and_a_draft
):
    html = client.get("/en/companies/?country=BY&sector=logistics&q=rail").content.decode()
    assert '<option value="BY" selected>Belarus</option>' in html
    assert '<option value="logistics" selected>Logistics</option>' in html
    assert 'name="q" value="rail"' in html
    assert '<option value="DE"' not in html  # only a draft comes from Germany
    assert "Clear filters" in html


def test_blank_fields_of_the_submitted_form_mean_no_filter(client, residents_and_a_draft):
    response = client.get("/en/companies/?q=&country=&sector=logistics&status=&ordering=")
    assert response.status_code == 200
    assert names(response) == ["Beta Freight", "Gamma Logistics"]


def test_the_directory_works_as_a_plain_get_form(client, residents_and_a_draft):
    html = client.get("/en/companies/").content.decode()
    assert '<form class="filters" method="get" action="/en/companies/"' in html
    for name in ("q", "country", "sector", "status", "ordering"):
        assert f'name="{name}"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=XX", "Country: Select a valid choice. XX is not one of the available choices."),
        ("sector=no-such-sector", "Sector: Select a valid choice. no-such-sector is not one of"),
        ("status=sleeping", "Status: Select a valid choice. sleeping is not one of"),
        ("ordering=-shoe_size", "Order by: Select a valid choice. -shoe_size is not one of"),
        ("direct_jobs_min=many", "Direct jobs: Enter a whole number."),
    ],
)
def test_invalid_filters_are_a_400_naming_the_field_and_the_reason(
    client, residents_and_a_draft, query, message
):
    response = client.get(f"/en/companies/?{query}")
    assert response.status_code == 400
    page = text(response)
    assert "Some filters could not be applied" in page
    assert message in page
    assert "Alpha Telecom" not in page


def test_pages_keep_the_filters_and_an_out_of_range_page_is_a_404(
    client, residents_and_a_draft, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    first = client.get("/en/companies/?status=resident&status=exited")
    assert names(first) == ["Alpha Telecom", "Beta Freight"]
    html = first.content.decode()
    assert 'href="?status=resident&amp;status=exited&amp;page=2" rel="next"' in html
    assert "Page 1 of 2" in text(first)
    second = client.get("/en/companies/?status=resident&status=exited&page=2")
    assert names(second) == ["Gamma Logistics"]
    assert "3 companies match." in text(second)
    assert client.get("/en/companies/?page=3").status_code == 404
    assert client.get("/en/companies/?page=abc").status_code == 404
    assert client.get("/en/companies/?page=last").status_code == 200


def test_no_match_says_so(client, residents_and_a_draft):
    page = text(client.get("/en/companies/?q=zeppelin"))
    assert "No company matches these filters." in page


def test_directory_query_count_does_not_grow_with_page_size(client, db, monkeypatch):
    sector = SectorFactory(slug="machines")
    for n in range(30):
        company = CompanyFactory(
            name=f"Company {n:02d}", country=["CN", "BY", "KZ"][n % 3], sector=sector
        )
        ReportFactory(company=company)
    counts = {}
    for size in (3, 30):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        clear_caches()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/en/companies/?sector=machines&ordering=-direct_jobs")
        assert len(response.context["rows"]) == size
        counts[size] = len(queries)
    assert counts[3] == counts[30]
    # The revision (for the kept page and for the kept countries), countries, sectors,
    # the sector filter, count, rows, and the footer's register status.
    assert counts[30] <= 8
