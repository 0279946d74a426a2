"""The claims timeline and the phone layout of the public pages, in a real browser
(tests/browser.py), on the demo register with its published claims."""

import pytest

from tests.test_pages_browser import assert_charts_drawn, demo, visit  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "ru", "zh-hans"]

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
# Everything that would hide part of the page on a phone: the page wider than the
# screen, a table wider than its box, a number broken over two lines, a header or
# caption narrower than two characters, a chart's labels drawn outside it.
PHONE_PROBLEMS = """() => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
        problems.push(`page ${root.scrollWidth}px wide on a ${root.clientWidth}px screen`);
    }
    document.querySelectorAll(".table-scroll").forEach((box) => {
        if (box.offsetParent && box.scrollWidth > box.clientWidth + 1) {
            problems.push(`table ${box.getAttribute("aria-labelledby")} overflows its box`);
        }
    });
    document.querySelectorAll(".nowrap").forEach((number) => {
        const tops = new Set([...number.getClientRects()].map((r) => Math.round(r.top)));
        if (number.offsetParent && tops.size > 1) {
            problems.push(`number split: ${number.textContent}`);
        }
    });
    document.querySelectorAll("caption, th, dt").forEach((cell) => {
        const em = parseFloat(getComputedStyle(cell).fontSize);
        const box = cell.getBoundingClientRect();
        const long = cell.textContent.trim().length > 2;
        // A visually hidden header (a stacked table's) is 1 px wide on purpose.
        if (cell.offsetParent && box.width > 1 && box.width < 2 * em && long) {
            problems.push(`squeezed: ${cell.textContent.trim()}`);
        }
    });
    document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
        const chart = Chart.getChart(canvas);
        Object.values(chart.scales).forEach((scale) => {
            if (scale.left < 0 || scale.right > chart.width + 1) {
                problems.push(`${canvas.dataset.chart}: axis ${scale.id} drawn outside the chart`);
            }
            const ctx = chart.ctx;
            scale.getLabelItems().forEach((item) => {
                const label = [].concat(item.label).join(" ");
                ctx.font = item.font.string;
                const width = ctx.measureText(label).width;
                const [x] = item.options.translation;
                const left = item.options.textAlign === "right" ? x - width
                    : item.options.textAlign === "center" ? x - width / 2 : x;
                if (left < -1 || left + width > chart.width + 1) {
                    problems.push(`${canvas.dataset.chart}: label cut: ${label}`);
                }
            });
        });
    });
    return problems;
}"""


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


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ["claims/"])
def test_pages_fit_a_phone_without_hidden_columns_split_numbers_or_cut_labels(
    visit,  # noqa: F811
    language,
    path,
):
    browser = visit(viewport=PHONE, is_mobile=True, has_touch=True)
    page = browser.go(f"/{language}/{path}")
    if page.locator("canvas[data-chart]").count():
        assert_charts_drawn(page)
    problems = page.evaluate(PHONE_PROBLEMS)
    assert problems == [], problems[:10]
    browser.screenshot(f"phone-{language}-{path.strip('/') or 'home'}")
