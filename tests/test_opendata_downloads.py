"""The downloads: every file of the published register checked against the database, the
Frictionless Data Package validated, and the schema.org and DCAT descriptions parsed."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from frictionless import Package, validate
from openpyxl import load_workbook
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from companies import downloads
from companies.models import Claim, Company, Report, Sector
from tests.factories import ClaimFactory, CompanyFactory, ReportFactory

SCHEMA = "https://schema.org/"
COLUMNS = {
    "sectors": ["slug", "name_en", "name_ru", "name_zh_hans"],
    "companies": [
        "slug", "name", "legal_name", "country", "sector", "status", "resident_since",
        "exited_on", "exit_reason", "description_en", "description_ru", "description_zh_hans",
        "website", "declared_investment", "declared_investment_reported_on",
        "declared_investment_source", "realised_investment", "realised_investment_reported_on",
        "realised_investment_source", "direct_jobs", "direct_jobs_reported_on",
        "direct_jobs_source", "updated_at", "exit_reason_ru", "exit_reason_zh_hans",
        "declared_investment_source_ru", "declared_investment_source_zh_hans",
        "realised_investment_source_ru", "realised_investment_source_zh_hans",
        "direct_jobs_source_ru", "direct_jobs_source_zh_hans",
    ],
    "reports": [
        "company", "reported_on", "declared_investment", "realised_investment", "direct_jobs",
        "source", "source_ru", "source_zh_hans",
    ],
    "claims": [
        "id", "claimed_on", "date_is_approximate", "speaker_en", "speaker_ru",
        "speaker_zh_hans", "statement_en", "statement_ru", "statement_zh_hans", "source_en",
        "source_ru", "source_zh_hans", "companies", "companies_qualifier", "countries",
        "countries_qualifier", "declared_investment", "declared_investment_qualifier",
        "direct_jobs", "direct_jobs_qualifier", "is_reference",
    ],
}  # fmt: skip


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def published_counts() -> dict[str, int]:
    published = Company.objects.published()
    return {
        "sectors": Sector.objects.count(),
        "companies": published.count(),
        "reports": Report.objects.filter(company__in=published).count(),
        "claims": Claim.objects.filter(is_published=True).count(),
    }


@pytest.fixture
def with_claims(residents_and_a_draft):
    ClaimFactory(statement="Three residents from two countries", companies=3)
    ClaimFactory(statement="A withdrawn statement", companies=1, is_published=False)
    return residents_and_a_draft


@pytest.mark.parametrize("name", COLUMNS)
def test_each_csv_holds_the_published_table(client, with_claims, name):
    response = client.get(f"/data/{name}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    content = body(response)
    assert not content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[0] == COLUMNS[name]
    assert len(rows) - 1 == published_counts()[name]


def test_drafts_are_in_no_download(client, with_claims):
    for url in ("/data/companies.csv", "/data/reports.csv", "/data/register.json"):
        content = body(client.get(url)).decode()
        assert "secret-draft" not in content and "Secret Draft" not in content
        assert "900000000" not in content
    assert "A withdrawn statement" not in body(client.get("/data/claims.csv")).decode()
    assert "secret-draft" not in json.dumps(client.get("/data/datapackage.json").json())


def test_companies_csv_rows_match_the_database(client, with_claims):
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/companies.csv")).decode())))
    gamma = next(row for row in rows if row["slug"] == "gamma-logistics")
    assert gamma["name"] == "Gamma Logistics"
    assert gamma["country"] == "BY"
    assert gamma["sector"] == "logistics"
    assert gamma["resident_since"] == "2019-07-01"
    assert gamma["description_ru"] == "Складские услуги и железнодорожные перевозки."
    assert gamma["description_zh_hans"] == "仓储和铁路货运。"
    alpha = next(row for row in rows if row["slug"] == "alpha-telecom")
    # Today's figures, each with the report it comes from: jobs carried from 2017.
    assert (alpha["declared_investment"], alpha["declared_investment_reported_on"]) == (
        "12000000.00",
        "2019-12-31",
    )
    assert (alpha["direct_jobs"], alpha["direct_jobs_reported_on"]) == ("20", "2017-12-31")
    assert alpha["direct_jobs_source"] == "Annual report 2017"
    assert {row["slug"] for row in rows} == set(
        Company.objects.published().values_list("slug", flat=True)
    )


def test_reports_csv_gives_each_figure_and_source(client, with_claims):
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/reports.csv")).decode())))
    alpha = [row for row in rows if row["company"] == "alpha-telecom"]
    assert [(r["reported_on"], r["declared_investment"], r["direct_jobs"]) for r in alpha] == [
        ("2017-12-31", "10000000.00", "20"),
        ("2019-12-31", "12000000.00", ""),
    ]
    assert all(row["source"] for row in rows)


@pytest.mark.parametrize("name", COLUMNS)
def test_the_excel_variant_is_the_same_table_behind_a_byte_order_mark(client, with_claims, name):
    response = client.get(f"/data/excel/{name}.csv")
    assert response["Content-Disposition"] == f'attachment; filename="{name}-excel.csv"'
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")
    plain = body(client.get(f"/data/{name}.csv")).decode("utf-8")
    assert content.decode("utf-8-sig") == plain
    with io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="") as sheet:
        assert next(csv.reader(sheet)) == COLUMNS[name]


def test_russian_and_chinese_text_survives_the_excel_variant(client, with_claims):
    content = body(client.get("/data/excel/sectors.csv"))
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert {(row["name_ru"], row["name_zh_hans"]) for row in rows} == {
        ("Электроника", "电子"),
        ("Логистика", "物流"),
    }


def test_text_a_spreadsheet_would_run_is_neutralised(client, with_claims):
    CompanyFactory(name="=HYPERLINK(1)", legal_name="+Plus LLC")
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/companies.csv")).decode())))
    assert {"'=HYPERLINK(1)", "'+Plus LLC"} <= {v for row in rows for v in row.values()}


def test_the_xlsx_workbook_has_a_sheet_per_table_matching_the_database(client, with_claims):
    response = client.get("/data/register.xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="register.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    assert workbook.sheetnames == list(COLUMNS)
    counts = published_counts()
    for name, columns in COLUMNS.items():
        rows = list(workbook[name].iter_rows(values_only=True))
        assert list(rows[0]) == columns
        assert len(rows) - 1 == counts[name]
    reports = {
        (row[0], row[1].date().isoformat()): row
        for row in workbook["reports"].iter_rows(min_row=2, values_only=True)
    }
    assert reports[("gamma-logistics", "2019-12-31")][2:5] == (3000000, 500000, 7)


def test_a_table_longer_than_a_sheet_continues_on_the_next(
    client, residents_and_a_draft, monkeypatch
):
    monkeypatch.setattr(downloads, "XLSX_ROWS_PER_SHEET", 2)
    workbook = load_workbook(io.BytesIO(body(client.get("/data/register.xlsx"))), read_only=True)
    assert workbook.sheetnames[:4] == ["sectors", "companies", "companies (2)", "reports"]
    companies = [
        row[0]
        for sheet in ("companies", "companies (2)")
        for row in workbook[sheet].iter_rows(min_row=2, values_only=True)
    ]
    assert len(companies) == published_counts()["companies"]


def test_the_json_file_holds_every_table_with_metadata(client, with_claims):
    response = client.get("/data/register.json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(body(response))
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["is_demo"] is False
    for name, count in published_counts().items():
        assert len(data[name]) == count
        assert all(list(record) == COLUMNS[name] for record in data[name])
    alpha = [r for r in data["reports"] if r["company"] == "alpha-telecom"]
    assert alpha[0]["declared_investment"] == "10000000.00"  # exact, as in the API
    assert Decimal(alpha[1]["realised_investment"]) == Decimal(4000000)


def test_the_json_file_streams_many_rows_in_chunks(client, residents_and_a_draft):
    for n in range(downloads.ROWS_PER_CHUNK + 3):
        CompanyFactory(name=f"Bulk {n}", sector=residents_and_a_draft.logistics)
    data = json.loads(body(client.get("/data/register.json")))
    assert len(data["companies"]) == published_counts()["companies"]


def test_downloads_answer_304_until_the_register_changes(client, residents_and_a_draft):
    first = client.get("/data/companies.csv")
    again = client.get("/data/companies.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    CompanyFactory(name="Newcomer")
    assert client.get("/data/companies.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_an_unknown_table_is_a_404(client, residents_and_a_draft):
    assert client.get("/data/users.csv").status_code == 404


def test_downloads_page_links_every_file_and_counts_rows(client, with_claims):
    response = client.get("/en/downloads/")
    html = response.content.decode()
    for name in COLUMNS:
        assert f'href="/data/{name}.csv"' in html
        assert f'href="/data/excel/{name}.csv"' in html
    for url in ("/data/register.xlsx", "/data/register.json", "/data/datapackage.json"):
        assert f'href="{url}"' in html
    assert 'href="/catalog.ttl"' in html and 'href="/catalog.jsonld"' in html
    assert [row["rows"] for row in response.context["tables"]] == list(published_counts().values())


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_the_header_of_every_page_links_the_downloads(client, residents_and_a_draft, language):
    for path in ("", "companies/", "about/"):
        header = client.get(f"/{language}/{path}").content.decode().split("</header>")[0]
        assert f'href="/{language}/downloads/"' in header


# --- The data package ---------------------------------------------------------------------


def save_package(client, folder) -> Package:
    """datapackage.json and its CSV files, downloaded into `folder`."""
    descriptor = client.get("/data/datapackage.json").json()
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    for resource in descriptor["resources"]:
        (folder / resource["path"]).write_bytes(body(client.get(f"/data/{resource['path']}")))
    return descriptor


def test_the_data_package_of_the_demo_register_is_valid(client, db, tmp_path):
    call_command("load_demo", verbosity=0)
    descriptor = save_package(client, tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [task.stats["rows"] for task in report.tasks] == list(published_counts().values())
    assert descriptor["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert descriptor["sources"]


def test_the_data_package_declares_types_keys_and_constraints(client, with_claims):
    resources = {r["name"]: r for r in client.get("/data/datapackage.json").json()["resources"]}
    companies = resources["companies"]["schema"]
    fields = {field["name"]: field for field in companies["fields"]}
    assert [field["name"] for field in companies["fields"]] == COLUMNS["companies"]
    assert companies["primaryKey"] == ["slug"]
    assert companies["foreignKeys"] == [
        {"fields": "sector", "reference": {"resource": "sectors", "fields": "slug"}}
    ]
    assert fields["resident_since"]["type"] == "date"
    assert fields["status"]["constraints"]["enum"] == ["applicant", "resident", "exited"]
    assert fields["country"]["constraints"]["pattern"] == "[A-Z]{2}"
    assert fields["name"]["constraints"]["required"] is True
    reports = resources["reports"]["schema"]
    report_fields = {field["name"]: field for field in reports["fields"]}
    assert reports["primaryKey"] == ["company", "reported_on"]
    assert report_fields["declared_investment"]["type"] == "number"
    assert report_fields["declared_investment"]["constraints"]["minimum"] == 0
    assert report_fields["direct_jobs"]["type"] == "integer"


def test_the_validator_refuses_a_package_whose_rows_break_its_schema(
    client, residents_and_a_draft, tmp_path
):
    save_package(client, tmp_path)
    reports = tmp_path / "reports.csv"
    reports.write_text(reports.read_text() + "nobody,2020-01-01,-5,,,Made up\n")
    report = validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    errors = {error[0] for error in report.flatten(["type"])}
    assert {"foreign-key", "constraint-error"} <= errors


# --- Schema.org and DCAT ---------------------------------------------------------------


def jsonld_of(html: str) -> Graph:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return Graph().parse(data=scripts[0], format="json-ld")


@pytest.mark.parametrize("path", ["/en/", "/en/downloads/", "/ru/downloads/"])
def test_pages_describe_the_register_as_a_schema_org_dataset(client, residents_and_a_draft, path):
    graph = jsonld_of(client.get(path).content.decode())
    dataset = graph.value(predicate=RDF.type, object=URIRef(SCHEMA + "Dataset"))
    assert dataset is not None
    assert graph.value(dataset, URIRef(SCHEMA + "license")) == Literal(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    publisher = graph.value(dataset, URIRef(SCHEMA + "publisher"))
    assert str(graph.value(publisher, URIRef(SCHEMA + "name"))).startswith("Administration")
    urls = {
        str(graph.value(node, URIRef(SCHEMA + "contentUrl")))
        for node in graph.objects(dataset, URIRef(SCHEMA + "distribution"))
    }
    assert "http://testserver/data/datapackage.json" in urls
    assert "http://testserver/data/companies.csv" in urls


@pytest.mark.parametrize(
    ("path", "format"), [("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld")]
)
def test_the_dcat_catalogue_describes_the_dataset_and_its_files(
    client, residents_and_a_draft, path, format
):
    response = client.get(path)
    assert (
        response["Content-Type"]
        == {"turtle": "text/turtle", "json-ld": "application/ld+json"}[format]
    )
    graph = Graph().parse(data=response.content.decode(), format=format)
    catalog = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    dataset = graph.value(catalog, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    for node in (catalog, dataset):
        assert graph.value(node, DCTERMS.title) is not None
        assert graph.value(node, DCTERMS.publisher) == URIRef("https://industrialpark.example/")
        assert graph.value(node, DCTERMS.license) == URIRef(
            "https://creativecommons.org/licenses/by/4.0/"
        )
        assert graph.value(node, DCTERMS.modified).toPython() is not None
    files = list(graph.objects(dataset, DCAT.distribution))
    assert len(files) == 2 * len(COLUMNS) + 3
    for file in files:
        download = str(graph.value(file, DCAT.downloadURL))
        assert str(graph.value(file, DCAT.mediaType)).startswith(
            "http://www.iana.org/assignments/media-types/"
        )
        answer = client.get(download.removeprefix("http://testserver"))
        assert answer.status_code == 200, download
        media = str(graph.value(file, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        assert answer["Content-Type"].startswith(media)


@override_settings(DOWNLOADS_XLSX_MAX_ROWS=5)
def test_a_register_too_large_for_one_workbook_offers_no_xlsx(client, with_claims):
    assert sum(published_counts().values()) > 5
    page = client.get("/en/downloads/").content.decode()
    assert 'href="/data/register.xlsx"' not in page
    assert "No XLSX workbook" in page
    response = client.get("/data/register.xlsx")
    assert response.status_code == 404
    assert "download the CSV files" in response.content.decode()
    graph = Graph().parse(data=client.get("/catalog.ttl").content.decode(), format="turtle")
    media = {str(m) for m in graph.objects(predicate=DCAT.mediaType)}
    assert not any("spreadsheetml" in m for m in media)
    assert any(m.endswith("text/csv") for m in media)


@pytest.mark.parametrize(
    "url", ["/data/companies.csv", "/data/reports.csv", "/data/register.json"]
)
def test_a_download_reads_its_rows_through_one_cursor_whatever_their_number(
    client, residents_and_a_draft, monkeypatch, url
):
    monkeypatch.setattr(downloads, "ROWS_PER_QUERY", 2)
    counts = []
    for extra in (0, 9):
        for n in range(extra):
            ReportFactory(company=CompanyFactory(name=f"Extra {extra}-{n}"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.streaming
            content = body(response)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert content.count(b"extra-9-8") >= 1
