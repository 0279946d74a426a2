"""How the public pages lay out in a real browser (tests/browser.py), on the demo
register: on a phone 390 px wide in each language nothing is hidden, split or cut, and
no page moves as it loads (Cumulative Layout Shift, measured by the browser)."""

from urllib.parse import urlsplit

import pytest

from tests.test_pages_browser import assert_charts_drawn, demo, visit  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LANGUAGES = ["en", "ru", "zh-hans"]
# Every kind of public page; the company page is the directory's first company.
PAGES = [
    "",
    "companies/",
    "countries/CN/",
    "sectors/logistics/",
    "claims/",
    "downloads/",
    "about/",
]

# Everything that would hide part of a page on a phone: the page wider than the screen,
# a table wider than its box (a table reflows to fit rather than hide columns), a number
# broken over two lines, a header or caption narrower than two characters (Chinese one
# character a line), a chart's labels drawn outside it, a Russian year mark ("г.") on a  # noqa: RUF003
# line of its own or written twice.
PHONE_PROBLEMS = r"""() => {
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
        if (!chart) {
            problems.push(`${canvas.dataset.chart}: not drawn`);
            return;
        }
        Object.values(chart.scales).forEach((scale) => {
            if (scale.left < 0 || scale.right > chart.width + 1) {
                problems.push(`${canvas.dataset.chart}: axis ${scale.id} drawn outside the chart`);
            }
            const ctx = chart.ctx;
            scale.getLabelItems().forEach((item) => {
                const lines = [].concat(item.label);
                const label = lines.join(" ");
                ctx.font = item.font.string;
                const width = Math.max(...lines.map((line) => ctx.measureText(line).width));
                const [x] = item.options.translation;
                const left = item.options.textAlign === "right" ? x - width
                    : item.options.textAlign === "center" ? x - width / 2 : x;
                if (left < -1 || left + width > chart.width + 1) {
                    problems.push(`${canvas.dataset.chart}: label cut: ${label}`);
                }
            });
        });
    });
    // A year's mark stays with its year ("2019 г." on one line) and is written once.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement || !node.parentElement.offsetParent) continue;
        if (/г\.\s*г\.|г\.\./.test(node.data)) {
            problems.push(`year mark doubled: ${node.data.trim()}`);
        }
        for (const found of node.data.matchAll(/\d{4}\s?г\./g)) {
            const range = document.createRange();
            range.setStart(node, found.index);
            range.setEnd(node, found.index + found[0].length);
            const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            if (tops.size > 1) {
                problems.push(`year mark alone on a line: ${found[0]}`);
            }
        }
    }
    return problems;
}"""

# The page's Cumulative Layout Shift so far, as the browser measured it: the sum of the
# layout shifts not caused by input (web.dev's "good" is below 0.1).
LAYOUT_SHIFT = """() => new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) total += entry.value;
        }
    }).observe({type: "layout-shift", buffered: true});
    // Two frames after the charts are drawn: every shift they caused has been reported.
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""
# A shift made on purpose: the page's first table moves down by a block inserted above it.
SHIFT_SOMETHING = """() => new Promise((resolve) => {
    const block = document.createElement("div");
    block.style.height = "400px";
    document.querySelector("main").prepend(block);
    requestAnimationFrame(() => requestAnimationFrame(resolve));
})"""
GOOD_LAYOUT_SHIFT = 0.1


def company_path(browser, language: str) -> str:
    page = browser.go(f"/{language}/companies/")
    return urlsplit(page.locator("tbody tr th a").first.get_attribute("href")).path


def shown(browser, path: str):
    page = browser.go(path)
    page.wait_for_load_state("load")
    if page.locator("canvas[data-chart]").count():
        assert_charts_drawn(page)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_a_phone_without_hidden_columns_split_numbers_or_cut_labels(
    visit,  # noqa: F811
    language,
):
    browser = visit(viewport=PHONE, is_mobile=True, has_touch=True)
    found = {}
    for path in [*(f"/{language}/{page}" for page in PAGES), company_path(browser, language)]:
        problems = shown(browser, path).evaluate(PHONE_PROBLEMS)
        if problems:
            found[path] = problems
        name = path.strip("/").replace("/", "-")
        browser.screenshot(f"phone-{name}")
    assert not found, "\n".join(f"{path}: {problem}" for path, p in found.items() for problem in p)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_do_not_shift_as_they_load(visit, viewport):  # noqa: F811
    browser = visit(viewport=viewport)
    shifts = {}
    for path in ["/en/", "/ru/companies/", "/zh-hans/claims/", company_path(browser, "en")]:
        shifts[path] = shown(browser, path).evaluate(LAYOUT_SHIFT)
    assert max(shifts.values()) < GOOD_LAYOUT_SHIFT, shifts


def test_the_layout_shift_measure_sees_a_shift(visit):  # noqa: F811
    """The measure above can fail: content pushed down after load counts."""
    page = shown(visit(viewport=DESKTOP, bypass_csp=True), "/en/about/")
    page.evaluate(SHIFT_SOMETHING)
    assert page.evaluate(LAYOUT_SHIFT) >= GOOD_LAYOUT_SHIFT
