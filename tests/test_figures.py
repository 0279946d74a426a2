"""Figures as of a date and the park's totals, hand-computed on small registers."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from companies import selectors, services
from companies.models import PROVENANCE, Claim, Company
from tests.factories import ClaimFactory, CompanyFactory, ReportFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_companies_and_a_draft():
    """Three published companies and a draft, with reports over the years.

    - alpha (CN): resident since 2016, reports 2017 and 2019 (2019 without jobs);
    - beta (BY): resident 2018-2020, exited 2020-06-30;
    - gamma (BY): resident since 2019-07-01;
    - draft (DE): resident since 2016, unpublished.
    """
    electronics = SectorFactory(slug="electronics")
    logistics = SectorFactory(slug="logistics")
    alpha = CompanyFactory(
        name="Alpha", country="CN", sector=electronics, resident_since=date(2016, 5, 1)
    )
    ReportFactory(
        company=alpha,
        reported_on=date(2017, 12, 31),
        declared_investment=Decimal("10000000"),
        realised_investment=Decimal("1000000"),
        direct_jobs=20,
    )
    ReportFactory(
        company=alpha,
        reported_on=date(2019, 12, 31),
        declared_investment=Decimal("12000000"),
        realised_investment=Decimal("4000000"),
        direct_jobs=None,
    )
    beta = CompanyFactory(
        name="Beta",
        country="BY",
        sector=logistics,
        resident_since=date(2018, 3, 1),
        exited=True,
        exited_on=date(2020, 6, 30),
    )
    ReportFactory(
        company=beta,
        reported_on=date(2018, 12, 31),
        declared_investment=Decimal("5000000"),
        realised_investment=None,
        direct_jobs=8,
    )
    gamma = CompanyFactory(
        name="Gamma", country="BY", sector=electronics, resident_since=date(2019, 7, 1)
    )
    ReportFactory(
        company=gamma,
        reported_on=date(2019, 7, 1),
        declared_investment=Decimal("3000000"),
        realised_investment=Decimal("0"),
        direct_jobs=5,
    )
    draft = CompanyFactory(
        name="Draft", country="DE", sector=logistics, is_published=False,
        resident_since=date(2016, 1, 1),
    )  # fmt: skip
    ReportFactory(company=draft, reported_on=date(2017, 1, 1), direct_jobs=100)
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "draft": draft}


def totals(day, **kwargs):
    t = selectors.park_totals(as_of=day, **kwargs)
    return (t.companies, t.countries, t.declared_investment, t.realised_investment, t.direct_jobs)


def test_totals_before_any_report_count_companies_but_no_figures(three_companies_and_a_draft):
    assert totals(date(2016, 12, 31)) == (1, 1, Decimal(0), Decimal(0), 0)


def test_totals_take_each_figure_from_the_latest_report_that_has_it(three_companies_and_a_draft):
    # alpha 2019 report has no jobs: its jobs come from 2017; beta left on 2020-06-30.
    assert totals(date(2019, 12, 31)) == (
        3, 2, Decimal("20000000.00"), Decimal("4000000.00"), 20 + 8 + 5
    )  # fmt: skip
    assert totals(date(2020, 6, 29))[0] == 3
    assert totals(date(2020, 6, 30)) == (2, 2, Decimal("15000000.00"), Decimal("4000000.00"), 25)


def test_a_company_counts_from_the_day_it_became_resident(three_companies_and_a_draft):
    assert totals(date(2019, 6, 30))[:2] == (2, 2)
    assert totals(date(2019, 7, 1))[:2] == (3, 2)


def test_drafts_count_only_for_those_who_may_see_them(three_companies_and_a_draft):
    assert totals(date(2017, 6, 30)) == (1, 1, Decimal("0.00"), Decimal("0.00"), 0)
    everyone = Company.objects.all()
    assert totals(date(2017, 6, 30), companies=everyone)[:2] == (2, 2)
    assert totals(date(2017, 6, 30), companies=everyone)[4] == 100


def test_totals_today_from_derived_columns_match_totals_from_reports(three_companies_and_a_draft):
    today = timezone.localdate()
    from_reports = selectors.park_totals(as_of=date(today.year - 1, 12, 31))
    assert selectors.park_totals() == selectors.ParkTotals(
        **{**from_reports.__dict__, "as_of": today}
    )


def test_totals_by_country_and_by_sector(three_companies_and_a_draft):
    by_country = selectors.park_totals_by(group="country", as_of=date(2019, 12, 31))
    assert [(r["country"], r["companies"], r["direct_jobs"]) for r in by_country] == [
        ("BY", 2, 13),
        ("CN", 1, 20),
    ]
    by_sector = selectors.park_totals_by(group="sector", as_of=date(2019, 12, 31))
    assert [(r["sector"], r["declared_investment"]) for r in by_sector] == [
        ("electronics", Decimal("15000000.00")),
        ("logistics", Decimal("5000000.00")),
    ]


def test_series_by_year_counts_joins_exits_and_year_end_totals(three_companies_and_a_draft):
    series = {row["year"]: row for row in selectors.park_totals_by_year(until=date(2020, 12, 31))}
    assert list(series) == [2016, 2017, 2018, 2019, 2020]
    assert (series[2018]["joined"], series[2018]["companies"]) == (1, 2)
    assert (series[2020]["exited"], series[2020]["companies"]) == (1, 2)
    assert series[2019]["direct_jobs"] == 33


def test_saving_and_deleting_a_report_refreshes_the_current_figures(three_companies_and_a_draft):
    alpha = three_companies_and_a_draft["alpha"]
    alpha.refresh_from_db()
    assert (alpha.declared_investment, alpha.direct_jobs) == (Decimal("12000000"), 20)
    report = ReportFactory(company=alpha, reported_on=date(2021, 3, 1), direct_jobs=40)
    alpha.refresh_from_db()
    assert alpha.direct_jobs == 40
    services.report_delete(report=report)
    alpha.refresh_from_db()
    assert alpha.direct_jobs == 20


def test_refresh_leaves_an_unchanged_company_alone(three_companies_and_a_draft):
    alpha = Company.objects.get(name="Alpha")
    assert services.company_refresh_figures(company_id=alpha.pk) is False
    assert Company.objects.get(pk=alpha.pk).version == alpha.version


def test_bulk_refresh_agrees_with_per_company_refresh(three_companies_and_a_draft):
    derived = [f"{f}{suffix}" for f in selectors.FIGURES for suffix in PROVENANCE]
    expected = list(Company.objects.order_by("pk").values_list(*derived))
    Company.objects.update(**dict.fromkeys(derived))
    services.companies_refresh_figures()
    assert list(Company.objects.order_by("pk").values_list(*derived)) == expected


@pytest.mark.parametrize(
    ("qualifier", "stated", "agrees"),
    [
        (Claim.Qualifier.EXACTLY, 33, True),
        (Claim.Qualifier.EXACTLY, 34, False),
        (Claim.Qualifier.MORE_THAN, 32, True),
        (Claim.Qualifier.MORE_THAN, 33, False),
        (Claim.Qualifier.AT_LEAST, 33, True),
        (Claim.Qualifier.ABOUT, 34, True),
        (Claim.Qualifier.ABOUT, 30, False),
    ],
)
def test_claim_agrees_when_the_register_satisfies_each_stated_figure(
    three_companies_and_a_draft, qualifier, stated, agrees
):
    claim = ClaimFactory(
        claimed_on=date(2019, 12, 31),
        companies=3,
        countries=2,
        direct_jobs=stated,
        direct_jobs_qualifier=qualifier,
    )
    check = selectors.claim_check(claim=claim)
    assert [c.figure for c in check.figures] == ["companies", "countries", "direct_jobs"]
    assert check.agrees is agrees


@pytest.mark.parametrize("size", [None, 400])
def test_series_by_year_agrees_with_the_totals_as_of_each_year_end(db, size):
    # The demo register (exits, drafts, reports missing figures), or a synthetic one.
    call_command("load_demo", verbosity=0, **({"companies": size} if size else {}))
    until = date(2025, 8, 15)
    series = selectors.park_totals_by_year(until=until)
    assert [row["year"] for row in series] == list(range(2014, 2026))
    for row in series:
        totals = selectors.park_totals(as_of=row["as_of"])
        assert row == {"year": row["year"], "joined": row["joined"], "exited": row["exited"],
                       **totals.__dict__}  # fmt: skip
    assert series[-1]["as_of"] == until
