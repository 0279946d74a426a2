"""The demo register reproduces the park's published snapshot, and loads idempotently."""

import csv
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from companies import demo as demo_module
from companies import selectors
from companies.models import Claim, Company, Report, Sector

pytestmark = pytest.mark.django_db

SNAPSHOT = date(2021, 6, 30)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def reference_rows() -> list[dict]:
    with demo_module.CLAIMS_FILE.open(encoding="utf-8") as sheet:
        return [row for row in csv.DictReader(sheet) if row["reference"] == "yes"]


def verdicts() -> dict[date, bool]:
    return {check.claim.claimed_on: check.agrees for check in selectors.claims_checked()}


def test_the_demo_claims_are_the_published_statements(demo):
    with demo_module.CLAIMS_FILE.open(encoding="utf-8") as sheet:
        rows = list(csv.DictReader(sheet))
    assert Claim.objects.count() == len(rows)
    assert Claim.objects.filter(is_reference=True).count() == len(reference_rows())


def test_demo_agrees_with_every_reference_claim(demo):
    checks = [check for check in selectors.claims_checked() if check.claim.is_reference]
    assert [check.claim.claimed_on for check in checks] == [
        date.fromisoformat(row["claimed_on"]) for row in reference_rows()
    ]
    disagreeing = [
        (check.claim.claimed_on, figure.figure, figure.stated, figure.register)
        for check in checks
        for figure in check.figures
        if not figure.agrees
    ]
    assert disagreeing == []


def test_demo_reproduces_the_2021_snapshot_with_every_figure(demo):
    snapshot = Claim.objects.get(claimed_on=SNAPSHOT)
    check = selectors.claim_check(claim=snapshot)
    assert check.agrees
    assert {c.figure for c in check.figures} == {
        "companies", "countries", "declared_investment", "direct_jobs"
    }  # fmt: skip
    # Realised investment is a fraction of the declared, as public reports say.
    assert check.totals.realised_investment < check.totals.declared_investment / 2


def test_demo_disagrees_where_the_sources_contradict_each_other(demo):
    verdict = verdicts()
    # The resident count falls from 56 (May 2019) to 55 (October 2019): the register
    # follows the later, reference statement.
    assert verdict[date(2019, 10, 31)] and not verdict[date(2019, 5, 31)]
    # 13, 11 and 15 countries within three months.
    assert verdict[date(2019, 10, 31)]
    assert not verdict[date(2019, 12, 31)] and not verdict[date(2020, 1, 10)]
    # More than 6,000 and more than 1,000 jobs at the turn of 2021.
    assert not verdict[date(2020, 12, 31)]
    jobs = selectors.park_totals(as_of=date(2020, 12, 31)).direct_jobs
    assert jobs < 1000


def test_demo_has_the_shape_of_the_real_park(demo):
    leaders = selectors.park_totals_by(group="country", as_of=SNAPSHOT)[:2]
    assert [row["country"] for row in leaders] == ["CN", "BY"]
    assert Company.objects.filter(status="exited").count() >= 5
    assert Company.objects.filter(is_published=False).exists()
    first = Company.objects.filter(resident_since__isnull=False).order_by("resident_since")[0]
    assert first.resident_since.year == 2014
    assert Report.objects.filter(direct_jobs__isnull=True).exists()
    # Drafts exist among residents on the snapshot day but are not counted publicly.
    published = selectors.park_totals(as_of=SNAPSHOT)
    everyone = selectors.park_totals(as_of=SNAPSHOT, companies=Company.objects.all())
    assert everyone.companies == published.companies + 1


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
    call_command("load_demo", companies=250, verbosity=0)
    assert Company.objects.count() == 250
    synthetic = Company.objects.filter(slug__startswith="synthetic-")
    sample = synthetic.order_by("pk").first()
    assert sample.reports.exists()
    assert sample.direct_jobs == sample.reports.order_by("-reported_on").first().direct_jobs
    # Synthetic residents joined after the snapshot, so the first claim still holds.
    assert selectors.park_totals(as_of=SNAPSHOT).companies == 71
    call_command("load_demo", companies=250, verbosity=0)
    assert Company.objects.count() == 250


def _synthetic_rows() -> dict[str, tuple[dict, list[dict]]]:
    """Every synthetic company and its reports, by slug, without ids and timestamps."""
    skip = {"id", "created_at", "updated_at", "company_id"}
    company_fields = [f.attname for f in Company._meta.concrete_fields if f.attname not in skip]
    report_fields = [f.attname for f in Report._meta.concrete_fields if f.attname not in skip]
    companies = Company.objects.filter(slug__startswith="synthetic-")
    rows = {row["slug"]: (row, []) for row in companies.values(*company_fields)}
    reports = Report.objects.filter(company__in=companies).order_by("reported_on")
    for report in reports.values("company__slug", *report_fields):
        rows[report.pop("company__slug")][1].append(report)
    return rows


def test_synthetic_companies_are_saved_as_the_orm_builds_them(demo):
    demo_size = Company.objects.count()
    demo_module.synthetic_load(total=demo_size + 14, batch_size=6)
    demo_module.synthetic_load(total=demo_size + 44, batch_size=7)
    rows = _synthetic_rows()
    assert sorted(rows) == [f"synthetic-{n:07d}" for n in range(1, 44 + 1)]
    sectors = list(Sector.objects.all())
    today = timezone.localdate()
    # A sample across both loads and several batches, field for field.
    for index in (0, 5, 6, 13, 14, 20, 43):
        values, reports = demo_module.synthetic_values(
            index=index, sector=sectors[index % len(sectors)], today=today
        )
        expected = Company(**values)
        row, saved_reports = rows[values["slug"]]
        assert row == {name: getattr(expected, name) for name in row}
        assert saved_reports == [
            {name: getattr(Report(**report), name) for name in saved_reports[0]}
            for report in reports
        ]
    company = Company.objects.get(slug="synthetic-0000044")
    assert timezone.now() - timedelta(minutes=1) < company.created_at <= company.updated_at


def test_synthetic_figures_agree_with_their_reports(demo):
    demo_module.synthetic_load(total=Company.objects.count() + 65, batch_size=10)
    today = timezone.localdate()
    synthetic = Company.objects.filter(slug__startswith="synthetic-")
    for company in synthetic:
        columns = selectors.company_figure_columns_as_of(company_id=company.pk, day=today)
        assert columns == {name: getattr(company, name) for name in columns}, company.slug
    assert synthetic.filter(declared_investment__isnull=False).count() > 20


def test_a_synthetic_load_raises_the_register_revision_once(demo):
    before = selectors.register_revision().number
    batches = []
    total = Company.objects.count() + 34
    added = demo_module.synthetic_load(total=total, batch_size=10, progress=batches.append)
    assert added == 34
    assert batches == [10, 10, 10, 4]
    assert selectors.register_revision().number == before + 1
    assert demo_module.synthetic_load(total=total) == 0
    assert selectors.register_revision().number == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_writes_the_same_rows_as_bulk_create(demo):
    total = Company.objects.count() + 54
    demo_module.synthetic_load(total=total, batch_size=20, use_copy=True)
    copied = _synthetic_rows()
    Company.objects.filter(slug__startswith="synthetic-").delete()
    demo_module.synthetic_load(total=total, batch_size=20, use_copy=False)
    assert _synthetic_rows() == copied
    assert len(copied) == 54
    assert sum(len(reports) for _, reports in copied.values()) > 54
