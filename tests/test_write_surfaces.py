"""A write keeps the same things with it whichever surface makes it: the admin, the API
and the import command each add a report and unpublish a company, and leave the same
figures, the same figure ledger (as a rebuild derives it) and the same removals feed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from companies import services
from companies.models import Company, CompanyRemoval, FigureSnapshot
from tests.adminforms import form_data
from tests.factories import CompanyFactory, ReportFactory, SectorFactory
from tests.sheets import company_row, csv_bytes, report_row
from tests.test_ledger import ledger_rows

SLUG = "svisloch-photonics"
NEW_REPORT = {
    "reported_on": "2020-12-31",
    "declared_investment": "2500000.00",
    "realised_investment": "400000.00",
    "direct_jobs": "14",
    "source": "Annual report 2020",
}


@pytest.fixture
def svisloch(db):
    sector = SectorFactory(slug="electronics")
    company = CompanyFactory(
        slug=SLUG,
        name="Svisloch Photonics",
        legal_name="Svisloch Photonics LLC",
        country="BY",
        sector=sector,
        resident_since=date(2019, 4, 1),
        description_en="Lasers.",
        description_ru="Лазеры.",
        website="https://svisloch.example",
    )
    ReportFactory(company=company, reported_on=date(2019, 12, 31), direct_jobs=5)
    CompanyFactory(name="Neman Logistics", country="CN", sector=sector)
    return company


def through_the_admin(editor_client):
    url = f"/admin/companies/company/{Company.objects.get(slug=SLUG).pk}/change/"
    page = editor_client.get(url)
    formset = page.context["inline_admin_formsets"][0].formset
    # The admin's inline has a source per language; `source` is the English one.
    new = {
        f"{formset.prefix}-{formset.initial_form_count()}-{'source_en' if k == 'source' else k}": v
        for k, v in NEW_REPORT.items()
    }
    response = editor_client.post(url, form_data(page, **new))
    assert response.status_code == 302, response.context["adminform"].form.errors
    page = editor_client.get(url)
    response = editor_client.post(url, form_data(page, is_published=None))
    assert response.status_code == 302


def through_the_api(editor_api):
    company = f"/api/v1/companies/{SLUG}/"
    report = {**NEW_REPORT, "direct_jobs": int(NEW_REPORT["direct_jobs"])}
    response = editor_api.post(f"{company}reports/", report)
    assert response.status_code == 201, response.json()
    assert editor_api.patch(company, {"is_published": False}).status_code == 200


def through_the_import_command(tmp_path):
    reports = tmp_path / "reports.csv"
    reports.write_bytes(csv_bytes([report_row(company=SLUG, **NEW_REPORT)]))
    call_command("import_register", str(reports), verbosity=0)
    companies = tmp_path / "companies.csv"
    companies.write_bytes(csv_bytes([company_row(is_published="0")]))
    call_command("import_register", str(companies), verbosity=0)


def what_the_write_kept() -> dict:
    """The company's figures, the ledger (checked against a rebuild) and the removals."""
    company = Company.objects.get(slug=SLUG)
    ledger, snapshots = ledger_rows(), ledger_rows(FigureSnapshot, "period")
    services.ledger_rebuild()
    assert ledger_rows() == ledger != []
    assert ledger_rows(FigureSnapshot, "period") == snapshots
    return {
        "figures": (
            company.declared_investment,
            company.realised_investment,
            company.direct_jobs,
            company.direct_jobs_reported_on,
            company.direct_jobs_source,
        ),
        "removals": list(CompanyRemoval.objects.values_list("slug", "reason", "public")),
    }


@pytest.mark.parametrize("surface", ["admin", "api", "import"])
def test_a_write_keeps_the_same_figures_ledger_and_removals_on_every_surface(
    surface, svisloch, editor_client, editor_api, tmp_path
):
    if surface == "admin":
        through_the_admin(editor_client)
    elif surface == "api":
        through_the_api(editor_api)
    else:
        through_the_import_command(tmp_path)
    assert what_the_write_kept() == {
        "figures": (
            Decimal("2500000.00"),
            Decimal("400000.00"),
            14,
            date(2020, 12, 31),
            "Annual report 2020",
        ),
        "removals": [(SLUG, CompanyRemoval.Reason.UNPUBLISHED, True)],
    }
