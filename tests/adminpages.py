"""The admin's own pages as an editor opens them, for the checks that read every one of
them: the Nu HTML Checker (tests/test_admin_html.py) and axe-core in a real browser
(tests/test_admin_browser.py)."""

from django.urls import reverse

from companies.models import Claim, Company, Sector
from companies.resources import CompanyResource
from tests.sheets import csv_bytes

# The import form's formats, in the order of RegisterImportExport.import_formats.
CSV_FORMAT = "0"


def admin_pages(*, company: Company, sector: Sector, claim: Claim) -> dict[str, str]:
    """The admin pages an editor opens, by name: `company` must have a history."""

    def url(record, view, *args):
        return reverse(
            f"admin:companies_{record._meta.model_name}_{view}", args=[record.pk, *args]
        )

    return {
        "index": reverse("admin:index"),
        "company list": reverse("admin:companies_company_changelist"),
        "company change": url(company, "change"),
        "company add": reverse("admin:companies_company_add"),
        "import": reverse("admin:companies_company_import"),
        "history": url(company, "history"),
        "revert": url(company, "simple_history", company.history.earliest().history_id),
        "delete": url(company, "delete"),
        "sector change": url(sector, "change"),
        "claim change": url(claim, "change"),
    }


def import_sheets(company: Company) -> dict[str, bytes]:
    """The register's companies sheet with one row changed (`company`'s legal name), and
    the same with that row refused (an unknown country): the two kinds of preview."""
    exported = CompanyResource().export()
    rows = [dict(zip(exported.headers, row, strict=True)) for row in exported]
    changed = [
        {**row, "legal_name": "Renamed Holding LLC"} if row["slug"] == company.slug else row
        for row in rows
    ]
    refused = [{**row, "country": "ZZ"} if row["slug"] == company.slug else row for row in rows]
    return {
        "import preview": csv_bytes(changed, columns=exported.headers),
        "import refused": csv_bytes(refused, columns=exported.headers),
    }
