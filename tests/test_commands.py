"""Management commands as they are run from a shell."""

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import CompanyFactory, ReportFactory

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        timeout=60,
    )


@pytest.fixture
def two_residents(db):
    company = CompanyFactory(country="CN", resident_since=date(2019, 1, 1))
    ReportFactory(
        company=company,
        reported_on=date(2019, 12, 31),
        declared_investment=Decimal("1500000.50"),
        realised_investment=Decimal("200000"),
        direct_jobs=12,
    )
    CompanyFactory(country="BY", resident_since=date(2020, 5, 1))


def test_park_stats_prints_one_figure_per_line(two_residents, capsys):
    call_command("park_stats", as_of=date(2020, 1, 1))
    assert capsys.readouterr().out.splitlines() == [
        "as of: 2020-01-01",
        "resident companies: 1",
        "countries: 1",
        "declared investment USD: 1500000.50",
        "realised investment USD: 200000.00",
        "direct jobs: 12",
    ]


def test_park_stats_prints_json(two_residents, capsys):
    call_command("park_stats", "--as-of", "2020-06-01", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "as_of": "2020-06-01",
        "companies": 2,
        "countries": 2,
        "declared_investment": "1500000.50",
        "realised_investment": "200000.00",
        "direct_jobs": 12,
    }


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2021-02-30", "'2021-02-30' is not a date; write it YYYY-MM-DD."),
        ("yesterday", "'yesterday' is not a date; write it YYYY-MM-DD."),
        ("20210630", "'20210630' is not a date; write it YYYY-MM-DD."),
        ("2999-01-01", "--as-of cannot be after today ({today}): the register has no future."),
        ("2009-12-31", "--as-of cannot be before 2010-01-01: the register has no figures so old."),
    ],
)
def test_park_stats_refuses_a_bad_date_with_exit_status_2(value, reason):
    reason = reason.format(today=timezone.localdate().isoformat())
    result = manage("park_stats", "--as-of", value)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"error: argument --as-of: {reason}")
    assert result.stdout == ""


def test_load_demo_refuses_the_demo_editor_without_debug():
    result = manage("load_demo", "--with-editor", DJANGO_DEBUG="0")
    assert result.returncode == 1
    assert "only created with DJANGO_DEBUG on" in result.stderr


def test_load_demo_refuses_a_non_positive_size():
    result = manage("load_demo", "--companies", "0")
    assert result.returncode == 1
    assert "--companies: must be a positive number" in result.stderr
