"""The claims timeline in a real browser (tests/browser.py), on the demo register with its
published claims; the phone layout of every page is in test_pages_browser_layout.py."""

import pytest

from tests.test_pages_browser import assert_charts_drawn, demo, visit  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pixels per year along each timeline's x axis, year by year: a time axis to scale has
# the same for every year.
YEAR_WIDTHS = """() => [...document.querySelectorAll("canvas[data-chart]")].map((canvas) => {
    const x = Chart.getChart(canvas).scales.x;
    const widths = [];
    for (let year = 2016; year <= 2025; year++) {
        const start = x.getPixelForValue(Date.UTC(year, 0, 1));
        widths.push(x.getPixelForValue(Date.UTC(year + 1, 0, 1)) - start);
    }
    return widths;
})"""
POINTS = """() => [...document.querySelectorAll("canvas[data-chart]")].map((canvas) =>
    Chart.getChart(canvas).data.datasets.map((d) => d.data.length))"""


def test_claims_timeline_draws_each_figure_to_scale(visit):  # noqa: F811
    browser = visit(viewport={"width": 1280, "height": 900})
    page = browser.go("/en/claims/")
    assert page.locator("canvas[data-chart]").count() == 4
    assert_charts_drawn(page)
    for widths in page.evaluate(YEAR_WIDTHS):
        assert max(widths) - min(widths) < 1.5, widths
    # The register's line, and the claims it agrees and disagrees with, on every chart.
    assert all(
        residents_and_a_draft > 0 and sum(stated) > 0
        for residents_and_a_draft, *stated in page.evaluate(POINTS)
    )
    browser.screenshot("claims-timeline-en")
