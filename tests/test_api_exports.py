"""The companies list as streamed CSV and NDJSON exports, with the list's filters."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from companies.api import exports
from tests.factories import CompanyFactory, ReportFactory, SectorFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/companies/"
COLUMNS = [
    "slug", "name", "legal_name", "country", "country_name", "sector", "sector_name", "status",
    "resident_since", "exited_on", "exit_reason", "description", "website",
    "declared_investment", "realised_investment", "direct_jobs", "is_published", "updated_at",
    # Appended: the day the row answers for, and where each figure comes from.
    "as_of", "declared_investment_reported_on", "declared_investment_source",
    "realised_investment_reported_on", "realised_investment_source", "direct_jobs_reported_on",
    "direct_jobs_source",
]  # fmt: skip


@pytest.fixture
def companies_with_formulas():
    sector = SectorFactory(slug="chemistry", name_en="Chemistry", name_ru="Химия")
    alpha = CompanyFactory(
        name="Alpha", slug="alpha", country="CN", sector=sector, legal_name="=HYPERLINK(1)",
        description_en="+1 formula", website="https://alpha.example",
    )  # fmt: skip
    ReportFactory(
        company=alpha, reported_on=date(2020, 1, 1), declared_investment=Decimal("1500000.50"),
        realised_investment=None, direct_jobs=12,
    )  # fmt: skip
    CompanyFactory(
        name="@Beta", slug="beta", country="BY", sector=sector, exited=True,
        exit_reason="-moved", description_en="",
    )  # fmt: skip
    CompanyFactory(name="Draft", slug="draft", sector=sector, is_published=False)


def streamed(response) -> str:
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_csv_export_has_the_documented_columns_and_values(api, companies_with_formulas):
    response = api.get(LIST, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="companies.csv"'
    rows = list(csv.DictReader(io.StringIO(streamed(response))))

    assert list(rows[0]) == COLUMNS
    # By name, case-insensitively ("@" sorts before letters); no draft.
    assert [row["slug"] for row in rows] == ["beta", "alpha"]
    alpha = rows[1]
    assert alpha["country"] == "CN"
    assert alpha["country_name"] == "Китай"
    assert alpha["sector_name"] == "Химия"
    assert alpha["declared_investment"] == "1500000.50"
    assert alpha["realised_investment"] == ""
    assert alpha["direct_jobs"] == "12"
    assert alpha["resident_since"] == "2018-01-01"
    assert alpha["is_published"] == "true"
    assert alpha["updated_at"].startswith(str(date.today().year)[:2])


def test_csv_cells_that_a_spreadsheet_would_execute_are_neutralised(api, companies_with_formulas):
    rows = list(csv.DictReader(io.StringIO(streamed(api.get(LIST, {"format": "csv"})))))
    beta, alpha = rows
    assert alpha["legal_name"] == "'=HYPERLINK(1)"
    assert alpha["description"] == "'+1 formula"
    assert beta["name"] == "'@Beta"
    assert beta["exit_reason"] == "'-moved"
    assert alpha["website"] == "https://alpha.example"


def test_export_applies_the_lists_filters_and_ordering(api, companies_with_formulas):
    rows = list(csv.DictReader(io.StringIO(streamed(
        api.get(LIST, {"format": "csv", "status": "exited"})
    ))))  # fmt: skip
    assert [row["slug"] for row in rows] == ["beta"]
    text = streamed(api.get(LIST, {"format": "csv", "ordering": "-declared_investment"}))
    assert [row["slug"] for row in csv.DictReader(io.StringIO(text))] == ["alpha", "beta"]


@pytest.mark.parametrize("format", ["csv", "ndjson"])
def test_export_is_not_paged_and_streams_in_chunks(api, monkeypatch, format):
    monkeypatch.setattr(exports, "ROWS_PER_CHUNK", 50)
    sector = SectorFactory(slug="bulk")
    for n in range(120):
        CompanyFactory(name=f"Bulk {n:03d}", sector=sector)
    response = api.get(LIST, {"format": format})
    chunks = list(response.streaming_content)
    lines = b"".join(chunks).decode().splitlines()
    assert len(lines) == 120 + (format == "csv")  # and a header
    assert len(chunks) == 3


def test_editor_export_includes_drafts(editor_api, companies_with_formulas):
    text = streamed(editor_api.get(LIST, {"format": "csv"}))
    draft = next(row for row in csv.DictReader(io.StringIO(text)) if row["slug"] == "draft")
    assert draft["is_published"] == "false"


def test_ndjson_export_has_one_company_per_line_with_sparse_fields(api, companies_with_formulas):
    response = api.get(LIST, {"format": "ndjson", "fields": "slug,declared_investment"})
    assert response["Content-Type"] == "application/x-ndjson"
    lines = streamed(response).splitlines()
    assert [json.loads(line) for line in lines] == [
        {"slug": "beta", "declared_investment": None},
        {"slug": "alpha", "declared_investment": "1500000.50"},
    ]


def test_ndjson_lines_equal_the_list_items(api, companies_with_formulas):
    lines = streamed(api.get(LIST, {"format": "ndjson"})).splitlines()
    assert [json.loads(line) for line in lines] == api.get(LIST).json()["results"]


@pytest.mark.parametrize(
    ("path", "params"), [("export.csv", {}), ("export.ndjson", {}), ("", {"format": "csv"})]
)
def test_export_operations_answer_like_the_format_parameter(
    api, companies_with_formulas, path, params
):
    response = api.get(f"{LIST}{path}", {"country": "CN", **params})
    text = streamed(response)
    if path.endswith("ndjson"):
        assert [json.loads(line)["slug"] for line in text.splitlines()] == ["alpha"]
        assert response["Content-Type"] == "application/x-ndjson"
    else:
        assert text == streamed(api.get(LIST, {"country": "CN", "format": "csv"}))
        assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_export_operation_refuses_a_bad_filter_in_json(api, companies_with_formulas):
    response = api.get(f"{LIST}export.csv", {"country": "XX"})
    assert response.status_code == 400
    assert response.json() == {
        "country": ["Select a valid choice. XX is not one of the available choices."]
    }


def test_csv_is_chosen_by_accept_header_too(api, companies_with_formulas):
    response = api.get(LIST, HTTP_ACCEPT="text/csv")
    assert streamed(response).startswith("slug,name,")


def test_bad_filter_on_an_export_answers_400_in_json(api, companies_with_formulas):
    response = api.get(LIST, {"format": "csv", "country": "XX"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "country" in response.json()


def test_export_of_an_unchanged_register_answers_304(api, companies_with_formulas):
    etag = api.get(LIST, {"format": "csv"})["ETag"]
    assert api.get(LIST, {"format": "csv"}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.get(LIST, {"format": "ndjson"}, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/stats/", f"{LIST}alpha/"])
def test_other_endpoints_refuse_the_export_formats(api, companies_with_formulas, url):
    response = api.get(url, {"format": "csv"})
    assert response.status_code == 400
    assert "format" in response.json()
