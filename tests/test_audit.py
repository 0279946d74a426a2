"""The audit trail: who changed what and when, per record, and restoring a version."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies import imports, selectors
from companies.models import Claim, Company, Report, Sector
from tests.adminforms import form_data
from tests.factories import CompanyFactory, ReportFactory, SectorFactory, UserFactory
from tests.sheets import csv_bytes, report_row

pytestmark = pytest.mark.django_db


def admin_url(record, view="change", *args) -> str:
    return reverse(f"admin:companies_{record._meta.model_name}_{view}", args=[record.pk, *args])


def changes(response) -> list[list[tuple]]:
    """The history page's diffs, newest first: (field, old, new) per entry."""
    return [
        [(c["field"], c["old"], c["new"]) for c in getattr(record, "history_delta_changes", [])]
        for record in response.context["page_obj"]
    ]


@pytest.fixture
def company(db):
    return CompanyFactory(
        name="Huaxin Telecom",
        country="CN",
        sector=SectorFactory(name_en="Electronics"),
        legal_name="Huaxin LLC",
    )


def test_admin_changes_are_recorded_with_the_editor_and_shown_as_a_readable_diff(
    editor_client, editor, company
):
    page = editor_client.get(admin_url(company))
    logistics = SectorFactory(name_en="Logistics")
    edits = {
        "country": "BY",
        "sector": str(logistics.pk),
        "status": "exited",
        "exited_on": "2021-03-01",
        "exit_reason_en": "Moved to Minsk.",
        "is_published": None,
    }
    assert editor_client.post(admin_url(company), form_data(page, **edits)).status_code == 302

    response = editor_client.get(admin_url(company, "history"))

    assert response.status_code == 200
    latest = Company.objects.get().history.first()
    assert (latest.history_user, latest.history_type) == (editor, "~")
    assert changes(response)[0] == [
        ("Country", "China", "Belarus"),
        ("Primary sector", "Electronics", "Logistics"),
        ("Status", "Resident", "Exited"),
        ("Exited on", "—", "2021-03-01"),
        ("Exit reason [en]", "—", "Moved to Minsk."),
        ("Published", "yes", "no"),
    ]
    page = response.content.decode()
    assert "Belarus" in page
    assert "editor" in page


def test_figures_from_a_new_report_enter_the_company_history_by_whom_added_it(
    editor_client, editor, company
):
    add = reverse("admin:companies_report_add")
    data = {
        "company": company.pk,
        "reported_on": "2020-12-31",
        "declared_investment": "5000000",
        "realised_investment": "",
        "direct_jobs": "40",
        "source_en": "Annual report",
    }
    assert editor_client.post(add, data).status_code == 302

    response = editor_client.get(admin_url(company, "history"))

    latest = Company.objects.get().history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        editor,
        "figures from its reports",
    )
    assert changes(response)[0] == [
        ("Declared investment, USD", "—", "5,000,000"),
        ("Direct jobs", "—", "40"),
        ("Declared investment reported on", "—", "2020-12-31"),
        ("Declared investment source", "—", "Annual report"),
        ("Direct jobs reported on", "—", "2020-12-31"),
        ("Direct jobs source", "—", "Annual report"),
    ]
    report = Report.objects.get()
    assert (report.history.get().history_user, report.history.get().history_type) == (editor, "+")


def test_creating_changing_and_deleting_sectors_and_claims_is_recorded(editor_client, editor):
    sector_form = {"slug": "biomed", "name_en": "Biomedicine", "name_ru": "", "name_zh_hans": ""}
    editor_client.post(reverse("admin:companies_sector_add"), sector_form)
    sector = Sector.objects.get()
    page = editor_client.get(admin_url(sector))
    editor_client.post(admin_url(sector), form_data(page, name_en="Biomedicine and pharma"))
    sector.refresh_from_db()
    editor_client.post(
        admin_url(sector, "delete"), {"post": "yes", "loaded_version": sector.version}
    )

    claim_form = {
        "statement_en": "Over 1,000 jobs.",
        "claimed_on": "2021-06-30",
        "speaker_en": "BelTA",
        "source_en": "Press release",
        "direct_jobs": "1000",
        "direct_jobs_qualifier": "more_than",
        "companies_qualifier": "exactly",
        "countries_qualifier": "exactly",
        "declared_investment_qualifier": "exactly",
        "is_published": "on",
    }
    editor_client.post(reverse("admin:companies_claim_add"), claim_form)
    claim = Claim.objects.get()
    editor_client.post(
        admin_url(claim, "delete"), {"post": "yes", "loaded_version": claim.version}
    )

    for model, types in ((Sector, ["-", "~", "+"]), (Claim, ["-", "+"])):
        history = model.history.all()
        assert [(h.history_type, h.history_user) for h in history] == [(t, editor) for t in types]
    assert Sector.history.all()[1].name_en == "Biomedicine and pharma"


def test_deleting_a_company_records_it_and_its_reports(editor_client, editor, company):
    ReportFactory(company=company)
    company.refresh_from_db()
    response = editor_client.post(
        admin_url(company, "delete"), {"post": "yes", "loaded_version": company.version}
    )
    assert response.status_code == 302
    assert not Company.objects.exists()
    assert Company.history.first().history_type == "-"
    assert Company.history.first().history_user == editor
    assert [(h.history_type, h.history_user) for h in Report.history.all()] == [
        ("-", editor),
        ("+", None),
    ]


def test_history_page_query_count_does_not_grow_with_its_entries(editor_client, company):
    url = admin_url(company, "history")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        return len(captured)

    for i in range(3):
        company.legal_name = f"Name {i}"
        company.save()
    few = queries()
    for _ in range(20):
        company.sector = SectorFactory()
        company.save()
    assert queries() == few


# --- Restoring an earlier version ---------------------------------------------------------


def restore_page(client, record, entry):
    return client.get(admin_url(record, "simple_history", entry.history_id))


def test_restoring_an_earlier_company_version_keeps_the_figures_and_raises_the_version(
    editor_client, editor, company
):
    first = company.history.get()
    company.legal_name = "Huaxin Telecom JSC"
    company.website = "https://huaxin.example"
    company.save()
    ReportFactory(company=company, direct_jobs=25, declared_investment=Decimal("3000000"))
    current = Company.objects.get()
    revision = selectors.register_revision().number

    page = restore_page(editor_client, company, first)
    assert page.status_code == 200
    assert page.context["adminform"].form["legal_name"].value() == "Huaxin LLC"
    response = editor_client.post(
        admin_url(company, "simple_history", first.history_id), form_data(page)
    )

    assert response.status_code == 302
    restored = Company.objects.get()
    assert (restored.legal_name, restored.website) == ("Huaxin LLC", "")
    # The figures still follow the reports, and the version moves on, never back.
    assert (restored.direct_jobs, restored.declared_investment) == (25, Decimal("3000000"))
    assert restored.version == current.version + 1
    assert selectors.register_revision().number > revision
    entry = restored.history.first()
    assert entry.history_user == editor
    assert entry.history_change_reason.startswith("restored the version of ")
    delta = entry.diff_against(entry.prev_record)
    assert {(c.field, c.old, c.new) for c in delta.changes if c.old or c.new} == {
        ("legal_name", "Huaxin Telecom JSC", "Huaxin LLC"),
        ("website", "https://huaxin.example", ""),
    }


def test_restoring_an_earlier_report_version_restores_the_company_figures(editor_client, company):
    report = ReportFactory(company=company, direct_jobs=10, source="First count")
    first = report.history.get()
    page = editor_client.get(admin_url(report))
    editor_client.post(admin_url(report), form_data(page, direct_jobs="30", source="Recount"))
    assert Company.objects.get().direct_jobs == 30

    page = restore_page(editor_client, report, first)
    response = editor_client.post(
        admin_url(report, "simple_history", first.history_id), form_data(page)
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.direct_jobs, report.source, report.version) == (10, "First count", 3)
    assert Company.objects.get().direct_jobs == 10


def test_restoring_over_a_change_made_meanwhile_is_refused(editor_client, company):
    first = company.history.get()
    company.legal_name = "Second LLC"
    company.save()
    page = restore_page(editor_client, company, first)
    someone = UserFactory(username="bob")
    company = Company.objects.get()
    company.website = "https://bob.example"
    company._history_user = someone
    company.save()

    response = editor_client.post(
        admin_url(company, "simple_history", first.history_id), form_data(page)
    )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "was changed by bob since you read it" in errors
    assert "website" in errors
    assert Company.objects.get().legal_name == "Second LLC"


def test_history_shows_an_import_with_the_editor_and_the_file(editor_client, editor, company):
    content = csv_bytes([report_row(company=company.slug, reported_on="2021-01-31")])
    previewed = editor_client.post(
        reverse("admin:companies_report_import"),
        {"format": "0", "import_file": SimpleUploadedFile("january.csv", content)},
    )
    form = previewed.context["confirm_form"]
    editor_client.post(
        reverse("admin:companies_report_process_import"),
        {name: form[name].value() for name in form.fields},
    )

    report = Report.objects.get(reported_on=date(2021, 1, 31))
    response = editor_client.get(admin_url(report, "history"))
    assert "import of january.csv" in response.content.decode()
    entry = Company.objects.get().history.first()
    assert (entry.history_user, entry.direct_jobs, entry.prev_record.direct_jobs) == (
        editor,
        14,
        None,
    )


def test_an_import_records_each_company_figures_once(editor, company):
    rows = [
        report_row(company=company.slug, reported_on=f"20{year}-12-31", direct_jobs=str(year))
        for year in (18, 19, 20)
    ]
    dataset = imports.sheet_read(content=csv_bytes(rows))
    imports.RESOURCES["reports"]().import_data(dataset, user=editor, file_name="years.csv")

    history = Company.objects.get().history.all()
    assert [(h.history_change_reason, h.direct_jobs) for h in history] == [
        ("figures from its reports", 20),
        (None, None),
    ]
    assert history[0].history_user == editor
