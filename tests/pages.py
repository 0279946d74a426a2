"""Shared fixtures and helpers of the public pages' tests (tests/test_pages_*.py)."""

import json
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import caches

from tests.factories import ClaimFactory, CompanyFactory, ReportFactory, SectorFactory


def clear_caches() -> None:
    """Empty every cache: throttle counts, and values kept per revision (a test's
    rollback can repeat a revision)."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def residents_and_a_draft(db):
    """Two current residents, a former one, an applicant and a resident draft.

    - Alpha Telecom (CN, electronics): resident since 2016, declared $12m, 20 jobs;
    - Beta Freight (BY, logistics): exited in 2020, declared $5m;
    - Gamma Logistics (BY, logistics): resident since 2019, declared $3m, 7 jobs,
      Russian and Chinese descriptions;
    - Delta Pharma (CN, electronics): a published applicant;
    - Secret Draft (DE, logistics): resident, unpublished, declared $900m, 500 jobs.
    """
    electronics = SectorFactory(
        slug="electronics",
        name_en="Electronics",
        name_ru="Электроника",
        name_zh_hans="电子",
    )
    logistics = SectorFactory(
        slug="logistics", name_en="Logistics", name_ru="Логистика", name_zh_hans="物流"
    )
    alpha = CompanyFactory(
        name="Alpha Telecom",
        country="CN",
        sector=electronics,
        resident_since=date(2016, 5, 1),
        description_en="Builds 5G network equipment.",
    )
    _report(alpha, date(2017, 12, 31), "10000000", "1000000", 20)
    _report(alpha, date(2019, 12, 31), "12000000", "4000000", None)
    beta = CompanyFactory(
        name="Beta Freight",
        country="BY",
        sector=logistics,
        resident_since=date(2018, 3, 1),
        exited=True,
        exited_on=date(2020, 6, 30),
        exit_reason="Moved to another free economic zone.",
    )
    _report(beta, date(2018, 12, 31), "5000000", None, 8)
    gamma = CompanyFactory(
        name="Gamma Logistics",
        country="BY",
        sector=logistics,
        resident_since=date(2019, 7, 1),
        description_en="Warehousing and rail freight.",
        description_ru="Складские услуги и железнодорожные перевозки.",
        description_zh_hans="仓储和铁路货运。",
    )
    _report(gamma, date(2019, 12, 31), "3000000", "500000", 7)
    delta = CompanyFactory(name="Delta Pharma", country="CN", sector=electronics, applicant=True)
    draft = CompanyFactory(
        name="Secret Draft",
        country="DE",
        sector=logistics,
        resident_since=date(2017, 1, 1),
        is_published=False,
    )
    _report(draft, date(2019, 12, 31), "900000000", "100000000", 500)
    return SimpleNamespace(
        electronics=electronics,
        logistics=logistics,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        delta=delta,
        draft=draft,
    )


@pytest.fixture
def claims(residents_and_a_draft):
    """A published claim the register agrees with, one it does not, and a draft claim."""
    return SimpleNamespace(
        agreeing=ClaimFactory(
            statement="Two residents from two countries.",
            claimed_on=date(2020, 12, 31),
            companies=2,
            countries=2,
        ),
        disagreeing=ClaimFactory(
            statement="More than 100 jobs.",
            claimed_on=date(2020, 12, 31),
            direct_jobs=100,
            direct_jobs_qualifier="more_than",
        ),
        draft=ClaimFactory(statement="An unchecked rumour.", companies=9, is_published=False),
    )


def _report(company, day, declared, realised, jobs):
    ReportFactory(
        company=company,
        reported_on=day,
        declared_investment=Decimal(declared),
        realised_investment=Decimal(realised) if realised else None,
        direct_jobs=jobs,
        source=f"Annual report {day.year}",
    )


def chart_data(response, chart_id: str) -> dict:
    """The JSON a page embeds (json_script) for one of its charts."""
    html = response.content.decode()
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no chart {chart_id} on the page"
    return json.loads(match.group(1))


def text(response) -> str:
    """The page's text without tags and with whitespace collapsed, for phrase checks."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
