"""What needs an editor's attention: each health check against a crafted register, the
admin index's counts and the lists they link to, and `manage.py register_health`."""

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from companies import health
from companies.models import Company, ImportRecord
from tests.factories import ClaimFactory, CompanyFactory, ReportFactory, UserFactory
from tests.test_import_command import ROOT, database_url_for_commands

TODAY = timezone.localdate()


def days_ago(days: int):
    return TODAY - timedelta(days=days)


def names(queryset) -> set[str]:
    return {str(record) for record in queryset}


@pytest.fixture
def crafted(db):
    """A register with exactly one record for each check, and near misses beside it."""
    old = CompanyFactory(name="Old Report", resident_since=days_ago(2000))
    ReportFactory(company=old, reported_on=days_ago(400))
    fresh = CompanyFactory(name="Fresh Report", resident_since=days_ago(2000))
    ReportFactory(company=fresh, reported_on=days_ago(400))
    ReportFactory(company=fresh, reported_on=days_ago(30))
    # Neither an applicant nor a former resident is expected to report.
    CompanyFactory(name="Applicant", applicant=True)
    CompanyFactory(name="Former", exited=True)

    gap = CompanyFactory(name="Latest Lacks Jobs", resident_since=days_ago(2000))
    ReportFactory(company=gap, reported_on=days_ago(400))
    ReportFactory(company=gap, reported_on=days_ago(20), direct_jobs=None)
    mended = CompanyFactory(name="Earlier Lacked Jobs", resident_since=days_ago(2000))
    ReportFactory(company=mended, reported_on=days_ago(400), direct_jobs=None)
    ReportFactory(company=mended, reported_on=days_ago(20))

    CompanyFactory(name="Draft", is_published=False, applicant=True)

    fell = CompanyFactory(name="Fell Sharply", resident_since=days_ago(2000))
    ReportFactory(company=fell, reported_on=days_ago(700), realised_investment=Decimal("900000"))
    # A report without the figure in between: the fall is measured against the one before.
    ReportFactory(
        company=fell, reported_on=days_ago(400), realised_investment=None, direct_jobs=10
    )
    ReportFactory(company=fell, reported_on=days_ago(10), realised_investment=Decimal("90000"))
    eased = CompanyFactory(name="Eased Slightly", resident_since=days_ago(2000))
    ReportFactory(company=eased, reported_on=days_ago(400), direct_jobs=100)
    ReportFactory(company=eased, reported_on=days_ago(10), direct_jobs=80)

    residents = Company.objects.resident_on(days_ago(5)).filter(is_published=True).count()
    ClaimFactory(statement="Wrong count", claimed_on=days_ago(5), companies=residents + 5)
    ClaimFactory(statement="Right count", claimed_on=days_ago(5), companies=residents)
    ClaimFactory(
        statement="Wrong but withdrawn",
        claimed_on=days_ago(5),
        companies=residents + 5,
        is_published=False,
    )

    editor = UserFactory(username="importer")
    ImportRecord.objects.create(
        user=editor, sheet="reports", file_name="recent.csv", made_at=timezone.now()
    )
    ImportRecord.objects.create(
        user=editor,
        sheet="reports",
        file_name="old.csv",
        made_at=timezone.now() - timedelta(days=45),
    )


def test_residents_without_a_report_in_the_last_12_months(crafted):
    assert names(health.companies_without_recent_report()) == {"Old Report"}


def test_residents_missing_a_figure_in_their_latest_report(crafted):
    assert names(health.companies_missing_latest_figure()) == {"Latest Lacks Jobs"}


def test_drafts_waiting_to_be_published(crafted):
    assert names(health.companies_drafts()) == {"Draft"}


def test_companies_whose_figures_fell_sharply_between_two_reports(crafted):
    assert names(health.companies_with_sharp_fall()) == {"Fell Sharply"}
    # A stricter reading of "sharply" (a fall of more than 10%) finds the 20% fall too.
    assert names(health.companies_with_sharp_fall(fall=Decimal("0.1"))) == {
        "Fell Sharply",
        "Eased Slightly",
    }


def test_published_claims_the_register_no_longer_agrees_with(crafted):
    assert [c.statement for c in health.claims_disagreeing()] == ["Wrong count"]


def test_imports_of_the_last_30_days_with_who_made_them(crafted):
    found = list(health.imports_recent())
    assert [(r.file_name, r.user.username) for r in found] == [("recent.csv", "importer")]


def test_the_admin_index_counts_each_check_and_links_to_the_filtered_list(crafted, editor_client):
    page = editor_client.get(reverse("admin:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Needs attention" in html
    assert "recent.csv" in html and "importer" in html
    rows = page.context["found"]["rows"]
    counts = {row["finding"].check.key: row["finding"].count for row in rows}
    assert counts == {
        "without_recent_report": 1,
        "missing_figure": 1,
        "drafts": 1,
        "sharp_fall": 1,
        "disagreeing_claims": 1,
        "recent_imports": 1,
    }
    for row in rows:
        assert f'<a href="{row["url"]}">{row["finding"].count}</a>'.replace("&", "&amp;") in html
        listed = editor_client.get(row["url"])
        assert listed.status_code == 200, row["url"]
        assert listed.context["cl"].result_count == 1, row["url"]
        # The list's own filter says what it shows.
        assert str(row["finding"].check.label) in listed.content.decode()


def test_the_index_marks_a_count_above_its_threshold(crafted, editor_client, settings):
    settings.REGISTER_HEALTH_THRESHOLDS = {**settings.REGISTER_HEALTH_THRESHOLDS, "drafts": 0}
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert html.count('class="attention-crossed"') == 3  # drafts, sharp falls, claims
    assert "above 0" in html


def run_command(*args) -> tuple[dict | str, int]:
    out = io.StringIO()
    try:
        call_command("register_health", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_register_health_json_gives_every_count_and_exits_1_above_a_threshold(crafted, settings):
    settings.REGISTER_HEALTH_THRESHOLDS = {
        "without_recent_report": 5,
        "missing_figure": None,
        "drafts": 0,
        "sharp_fall": 1,
        "disagreeing_claims": 1,
    }
    output, status = run_command("--json")
    report = json.loads(output)
    assert status == 1
    assert report["crossed"] == ["drafts"]
    assert report["checks"]["drafts"] == {
        "label": "Drafts waiting to be published",
        "count": 1,
        "threshold": 0,
        "crossed": True,
    }
    assert report["checks"]["missing_figure"]["threshold"] is None
    assert {key: check["count"] for key, check in report["checks"].items()} == {
        "without_recent_report": 1,
        "missing_figure": 1,
        "drafts": 1,
        "sharp_fall": 1,
        "disagreeing_claims": 1,
        "recent_imports": 1,
    }


def test_register_health_exits_0_when_nothing_crosses_a_threshold(crafted, settings):
    settings.REGISTER_HEALTH_THRESHOLDS = {}
    output, status = run_command()
    assert status == 0
    assert "drafts: 1" in output.splitlines()


def test_register_health_thresholds_come_from_the_environment(transactional_db):
    CompanyFactory(name="Draft", is_published=False)
    command = [sys.executable, "manage.py", "register_health", "--json"]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url_for_commands(),
    }
    calm = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=environment)
    assert calm.returncode == 0, calm.stderr
    alarmed = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**environment, "DJANGO_HEALTH_MAX_DRAFTS": "0"},
    )
    assert alarmed.returncode == 1
    assert json.loads(alarmed.stdout)["crossed"] == ["drafts"]
    assert "above the threshold: drafts" in alarmed.stderr
