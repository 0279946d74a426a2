"""A company's figures over time in a real browser: the reference table marks values
carried forward from an earlier report (visibly and for screen readers), and the chart
puts each report at its date on a time axis to scale, drawing carried points apart.
The browser: tests/browser.py."""

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.factories import CompanyFactory, ReportFactory
from tests.test_pages_browser import CHARTS_DRAWN, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Drawn chart state: each dataset's point positions and fills, and the x axis' type.
CHART_STATE = """() => {
    const chart = Chart.getChart(document.querySelector("canvas[data-chart]"));
    return {
        axis: chart.scales.x.type,
        points: chart.data.datasets.map((dataset, index) =>
            chart.getDatasetMeta(index).data.map((point) => ({
                x: point.x, skipped: point.skip, fill: point.options.backgroundColor,
            }))),
    };
}"""


@pytest.fixture
def reporter(transactional_db):
    """Three reports at uneven intervals; the second gives no jobs, the third no
    realised investment."""
    company = CompanyFactory(name="Uneven Reporter", resident_since=date(2018, 1, 1))
    for day, declared, realised, jobs in (
        (date(2019, 10, 19), "1000000", "100000", 12),
        (date(2019, 12, 31), "2000000", "300000", None),
        (date(2022, 12, 31), "2500000", None, 40),
    ):
        ReportFactory(
            company=company,
            reported_on=day,
            declared_investment=Decimal(declared),
            realised_investment=Decimal(realised) if realised else None,
            direct_jobs=jobs,
            source=f"Report {day.isoformat()}",
        )
    return company


@pytest.fixture
def page(browser, live_server, reporter):
    visit = Visit(browser, live_server.url, viewport={"width": 1280, "height": 900})
    yield visit.go(reporter.get_absolute_url())
    visit.close()


def test_reference_table_marks_carried_values_for_eyes_and_screen_readers(page):
    # The table stays open beside the chart.
    assert page.locator("details.chart-data[open]").count() == 1
    rows = page.locator("table.over-time tbody tr")
    assert rows.count() == 3
    carried = page.locator("table.over-time td.carried")
    assert carried.count() == 2
    # Seen: the mark beside the value, and the legend that explains it.
    assert carried.nth(0).locator(".carried-mark").is_visible()
    assert page.locator("#carried-legend").is_visible()
    assert "Carried forward" in page.inner_text("#carried-legend")
    # Heard: the cell's accessible name says where the value comes from.
    jobs = page.get_by_role(
        "cell", name=re.compile(r"^12 Carried forward from the report of 19 October 2019")
    )
    assert jobs.count() == 1
    realised = page.get_by_role(
        "cell", name=re.compile(r"Carried forward from the report of 31 December 2019 \(Report")
    )
    assert realised.count() == 1
    assert page.locator("table.over-time").get_attribute("aria-describedby") == "carried-legend"


def test_chart_puts_reports_on_a_time_axis_to_scale_and_draws_carried_points_apart(page):
    page.wait_for_function(CHARTS_DRAWN, timeout=10_000)
    assert page.locator("figcaption.legend").is_visible()
    state = page.evaluate(CHART_STATE)
    assert state["axis"] == "linear"
    declared, realised, jobs = state["points"]
    first, second, third = (point["x"] for point in declared)
    # 73 days, then 1,096 days: the gaps on screen keep that ratio.
    assert (third - second) / (second - first) == pytest.approx(1096 / 73, rel=0.02)
    assert [point["fill"] for point in jobs][1] == "#fff"  # the 2019-12-31 jobs: carried
    assert len({point["fill"] for point in declared}) == 1  # nothing carried
    assert realised[2]["fill"] == "#fff"
