"""Exit reasons and report sources per language: entered in the admin, the API and the
sheets, shown in the visitor's language with English where a translation is missing,
and kept in the history."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from companies.models import Company, Report
from tests.adminforms import form_data
from tests.factories import CompanyFactory, ReportFactory, SectorFactory
from tests.pages import text
from tests.sheets import company_row, csv_bytes, register_dump, report_row
from tests.test_admin import ADD, company_form
from tests.test_audit import changes
from tests.test_opendata_downloads import body

pytestmark = pytest.mark.django_db

LIST = "/api/v1/companies/"
LEFT = {"en": "Moved to Minsk.", "ru": "Переехала в Минск."}
SOURCE = {"en": "Annual report 2020", "ru": "Годовой отчёт за 2020 год"}


@pytest.fixture
def exited(db):
    """A published company that exited, its reason and its report's source in English
    and Russian, none in Chinese."""
    company = CompanyFactory(
        name="Huaxin Telecom",
        slug="huaxin",
        exited=True,
        exit_reason_en=LEFT["en"],
        exit_reason_ru=LEFT["ru"],
    )
    ReportFactory(
        company=company,
        reported_on=date(2020, 12, 31),
        direct_jobs=12,
        source_en=SOURCE["en"],
        source_ru=SOURCE["ru"],
    )
    return Company.objects.get(pk=company.pk)


# --- Entered in the admin ---------------------------------------------------------------


def test_the_admin_takes_the_exit_reason_and_the_report_source_per_language(editor_client):
    sector = SectorFactory()
    form = company_form(
        sector,
        status="exited",
        exited_on="2021-03-01",
        exit_reason_en=LEFT["en"],
        exit_reason_ru=LEFT["ru"],
        **{"reports-0-source_en": SOURCE["en"], "reports-0-source_zh_hans": "2020年年度报告"},
    )
    response = editor_client.post(ADD, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    company = Company.objects.get()
    assert (company.exit_reason_en, company.exit_reason_ru, company.exit_reason_zh_hans) == (
        LEFT["en"],
        LEFT["ru"],
        "",
    )
    report = company.reports.get()
    assert (report.source_en, report.source_ru or "", report.source_zh_hans) == (
        SOURCE["en"],
        "",
        "2020年年度报告",
    )
    # The company's copy of its figure's source follows the report's translations.
    assert company.direct_jobs_source == SOURCE["en"]
    assert company.direct_jobs_source_zh_hans == "2020年年度报告"
    page = editor_client.get(reverse("admin:companies_company_change", args=[company.pk]))
    html = page.content.decode()
    for name in ("exit_reason_ru", "exit_reason_zh_hans", "reports-0-source_ru"):
        assert f'name="{name}"' in html


def test_an_exit_needs_its_reason_in_english_whatever_the_other_languages_say(editor_client):
    form = company_form(
        SectorFactory(), status="exited", exited_on="2021-03-01", exit_reason_ru=LEFT["ru"]
    )
    response = editor_client.post(ADD, form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "exit_reason_en": ["Record why the company exited."]
    }
    assert not Company.objects.exists()


def test_a_report_needs_its_source_in_english(editor_client):
    response = editor_client.post(
        ADD,
        company_form(SectorFactory(), **{"reports-0-source_en": "", "reports-0-source_ru": "x"}),
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert list(errors) == ["source_en"]


# --- Shown in the visitor's language ------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "reason", "source"),
    [
        ("en", LEFT["en"], SOURCE["en"]),
        ("ru", LEFT["ru"], SOURCE["ru"]),
        ("zh-hans", LEFT["en"], SOURCE["en"]),  # no Chinese: English
    ],
)
def test_the_company_page_says_why_it_left_and_where_figures_come_from_in_its_language(
    client, exited, language, reason, source
):
    page = text(client.get(f"/{language}/companies/{exited.slug}/"))
    assert reason in page
    assert source in page
    other = "ru" if language != "ru" else "en"
    assert LEFT[other] not in page
    assert SOURCE[other] not in page


@pytest.mark.parametrize(("language", "source"), [("ru", SOURCE["ru"]), ("zh-hans", SOURCE["en"])])
def test_the_directory_names_each_figures_source_in_the_visitors_language(
    client, exited, language, source
):
    response = client.get(f"/{language}/companies/", {"status": "exited"})
    assert response.status_code == 200
    assert source in response.content.decode()


def test_a_past_days_figures_name_their_source_in_the_visitors_language(client, exited):
    html = client.get("/ru/companies/", {"as_of": "2021-01-31"}).content.decode()
    assert SOURCE["ru"] in html
    html = client.get("/zh-hans/companies/", {"as_of": "2021-01-31"}).content.decode()
    assert SOURCE["en"] in html


# --- The API and its exports ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "reason", "source"),
    [
        ("en", LEFT["en"], SOURCE["en"]),
        ("ru", LEFT["ru"], SOURCE["ru"]),
        ("zh-hans", LEFT["en"], SOURCE["en"]),
    ],
)
def test_the_api_answers_in_the_language_asked_for_under_the_same_names(
    api, exited, language, reason, source
):
    company = api.get(f"{LIST}huaxin/", HTTP_ACCEPT_LANGUAGE=language).json()
    assert (company["exit_reason"], company["direct_jobs_source"]) == (reason, source)
    past = api.get(f"{LIST}huaxin/", {"as_of": "2021-01-31"}, HTTP_ACCEPT_LANGUAGE=language)
    assert past.json()["direct_jobs_source"] == source
    reports = api.get(f"{LIST}huaxin/reports/", HTTP_ACCEPT_LANGUAGE=language).json()
    assert [r["source"] for r in reports["results"]] == [source]
    exported = api.get(f"{LIST}export.csv", HTTP_ACCEPT_LANGUAGE=language)
    (row,) = csv.DictReader(io.StringIO(body(exported).decode("utf-8-sig")))
    assert (row["exit_reason"], row["direct_jobs_source"]) == (reason, source)


def test_the_api_writes_each_language_and_names_the_english_exit_reason_as_it_reads(editor_api):
    sector = SectorFactory(slug="electronics")
    new = {
        "name": "Neman Optics",
        "country": "BY",
        "sector": sector.slug,
        "status": "exited",
        "resident_since": "2019-01-01",
        "exited_on": "2021-01-01",
        "exit_reason_ru": LEFT["ru"],
    }
    refused = editor_api.post(LIST, new, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 400
    assert list(refused.json()) == ["exit_reason"]

    created = editor_api.post(LIST, {**new, "exit_reason": LEFT["en"]}, HTTP_ACCEPT_LANGUAGE="ru")
    assert created.status_code == 201, created.content
    assert created.json()["exit_reason"] == LEFT["ru"]
    company = Company.objects.get()
    assert (company.exit_reason_en, company.exit_reason_ru) == (LEFT["en"], LEFT["ru"])

    reports = f"{LIST}{company.slug}/reports/"
    report = {"reported_on": "2020-12-31", "direct_jobs": 4, "source": SOURCE["en"]}
    response = editor_api.post(reports, {**report, "source_ru": SOURCE["ru"]})
    assert response.status_code == 201, response.content
    saved = Report.objects.get()
    assert (saved.source_en, saved.source_ru, saved.source_zh_hans) == (
        SOURCE["en"],
        SOURCE["ru"],
        None,
    )
    refused = editor_api.post(reports, {**report, "reported_on": "2019-12-31", "source": ""})
    assert refused.status_code == 400
    assert "source" in refused.json()


# --- Downloads and sheets -----------------------------------------------------------------------


def test_the_downloads_keep_the_english_columns_and_append_the_translations(client, exited):
    exited.is_published = True
    exited.save()
    companies = client.get("/data/companies.csv")
    (company,) = csv.DictReader(io.StringIO(body(companies).decode()))
    assert list(company)[-8:] == [
        "exit_reason_ru",
        "exit_reason_zh_hans",
        "declared_investment_source_ru",
        "declared_investment_source_zh_hans",
        "realised_investment_source_ru",
        "realised_investment_source_zh_hans",
        "direct_jobs_source_ru",
        "direct_jobs_source_zh_hans",
    ]
    assert (company["exit_reason"], company["exit_reason_ru"], company["exit_reason_zh_hans"]) == (
        LEFT["en"],
        LEFT["ru"],
        "",
    )
    assert (company["direct_jobs_source"], company["direct_jobs_source_ru"]) == (
        SOURCE["en"],
        SOURCE["ru"],
    )
    reports = client.get("/data/reports.csv")
    (report,) = csv.DictReader(io.StringIO(body(reports).decode()))
    assert list(report)[-3:] == ["source", "source_ru", "source_zh_hans"]
    assert (report["source"], report["source_ru"]) == (SOURCE["en"], SOURCE["ru"])


def test_sheets_round_trip_the_translations(tmp_path, exited, editor_client):
    exports = {}
    for model in ("company", "report"):
        url = reverse(f"admin:companies_{model}_export")
        exports[model] = editor_client.post(url, {"format": "0", "resource": "0"}).content
    before = register_dump()
    for model, content in exports.items():
        path = tmp_path / f"{model}.csv"
        path.write_bytes(content)
        call_command("import_register", str(path), verbosity=0)
    after = register_dump()
    after.pop("companies.ImportRecord"), before.pop("companies.ImportRecord")
    assert after == before  # an export imported back changes nothing

    companies = tmp_path / "companies.csv"
    companies.write_bytes(
        csv_bytes(
            [
                company_row(
                    slug="huaxin",
                    name="Huaxin Telecom",
                    sector=exited.sector.slug,
                    status="exited",
                    exited_on=exited.exited_on.isoformat(),
                    exit_reason=LEFT["en"],
                    exit_reason_zh_hans="迁往明斯克。",
                )
            ]
        )
    )
    call_command("import_register", str(companies), verbosity=0)
    reports = tmp_path / "reports.csv"
    reports.write_bytes(csv_bytes([report_row(company="huaxin", source_ru="Письмо")]))
    call_command("import_register", str(reports), verbosity=0)
    company = Company.objects.get()
    # A column the sheet leaves out keeps what the company has.
    assert (company.exit_reason_ru, company.exit_reason_zh_hans) == (LEFT["ru"], "迁往明斯克。")
    assert company.reports.get(reported_on=date(2020, 12, 31)).source_ru == "Письмо"


# --- History ----------------------------------------------------------------------------------


def test_the_history_shows_each_language_of_a_change(editor_client, exited):
    url = reverse("admin:companies_company_change", args=[exited.pk])
    page = editor_client.get(url)
    edits = {"exit_reason_zh_hans": "迁往明斯克。", "reports-0-source_ru": "Письмо"}
    assert editor_client.post(url, form_data(page, **edits)).status_code == 302

    history = editor_client.get(reverse("admin:companies_company_history", args=[exited.pk]))
    # Beside the change of the copied source, which the report's change made.
    assert any(
        ("Exit reason [zh-hans]", "—", "迁往明斯克。") in entry for entry in changes(history)
    )
    report = exited.reports.get()
    history = editor_client.get(reverse("admin:companies_report_history", args=[report.pk]))
    assert changes(history)[0] == [("Source [ru]", SOURCE["ru"], "Письмо")]
    assert report.history.first().source_ru == "Письмо"
