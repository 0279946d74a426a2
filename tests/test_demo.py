"""The demo register reproduces the park's published snapshot, and loads idempotently."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from companies import selectors
from companies.models import Claim, Company, Report

pytestmark = pytest.mark.django_db

SNAPSHOT = date(2021, 6, 30)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_demo_reproduces_the_2021_snapshot(demo):
    totals = selectors.park_totals(as_of=SNAPSHOT)
    assert (totals.companies, totals.countries) == (71, 13)
    assert totals.declared_investment > Decimal("1200000000")
    assert totals.direct_jobs > 1000
    # Realised investment is a fraction of the declared, as public reports say.
    assert totals.realised_investment < totals.declared_investment / 2


def test_the_snapshot_is_the_first_claim_and_the_register_agrees(demo):
    first = Claim.objects.order_by("claimed_on", "pk").first()
    assert first.claimed_on == SNAPSHOT
    assert "71 companies from 13 countries" in first.statement
    check = selectors.claim_check(claim=first)
    assert check.agrees
    assert {c.figure for c in check.figures} == {
        "companies", "countries", "declared_investment", "direct_jobs"
    }  # fmt: skip


def test_demo_has_the_shape_of_the_real_park(demo):
    leaders = selectors.park_totals_by(group="country", as_of=SNAPSHOT)[:2]
    assert [row["country"] for row in leaders] == ["CN", "BY"]
    assert Company.objects.filter(status="exited").count() >= 5
    assert Company.objects.filter(is_published=False).exists()
    first = Company.objects.filter(resident_since__isnull=False).order_by("resident_since")[0]
    assert first.resident_since.year == 2014
    assert Report.objects.filter(direct_jobs__isnull=True).exists()
    # Drafts exist among residents on the snapshot day but are not counted publicly.
    everyone = selectors.park_totals(as_of=SNAPSHOT, companies=Company.objects.all())
    assert everyone.companies == 72


def test_loading_the_demo_twice_changes_nothing(demo):
    before = (
        list(Company.objects.order_by("pk").values()),
        list(Report.objects.order_by("pk").values()),
        Claim.objects.count(),
        selectors.register_revision().number,
    )
    call_command("load_demo", verbosity=0)
    after = (
        list(Company.objects.order_by("pk").values()),
        list(Report.objects.order_by("pk").values()),
        Claim.objects.count(),
        selectors.register_revision().number,
    )
    assert after == before


def test_demo_companies_have_their_figures_and_history(demo):
    company = Company.objects.filter(status="resident").order_by("pk").first()
    latest = company.reports.order_by("-reported_on").first()
    assert company.declared_investment == latest.declared_investment
    assert company.history.count() == 1


def test_companies_option_grows_the_register_with_synthetic_residents(demo):
    call_command("load_demo", companies=150, verbosity=0)
    assert Company.objects.count() == 150
    synthetic = Company.objects.filter(slug__startswith="synthetic-")
    sample = synthetic.order_by("pk").first()
    assert sample.reports.exists()
    assert sample.direct_jobs == sample.reports.order_by("-reported_on").first().direct_jobs
    # Synthetic residents joined after the snapshot, so the first claim still holds.
    assert selectors.park_totals(as_of=SNAPSHOT).companies == 71
    call_command("load_demo", companies=150, verbosity=0)
    assert Company.objects.count() == 150
