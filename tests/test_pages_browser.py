"""The public pages in a real browser: Debian's chromium, driven by Playwright.

A visitor finds a resident from the home page, in three languages, on a desktop and on a
phone, with no request leaving the site; axe-core checks the main pages' accessibility.
Screenshots go to artifacts/screenshots/. The browser: tests/browser.py.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from companies.demo import demo_load
from tests.browser import LOCAL_HOSTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
AXE = Path(__file__).parent / "assets" / "axe.min.js"
PHONE = {"width": 360, "height": 740}

CHARTS_DRAWN = """() => {
    const canvases = [...document.querySelectorAll("canvas[data-chart]")];
    return canvases.length > 0 && canvases.every((c) => window.Chart && Chart.getChart(c));
}"""
# How many pixels of each chart are painted: a drawn chart has thousands.
PAINTED_PIXELS = """() => [...document.querySelectorAll("canvas[data-chart]")].map((canvas) => {
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
    return painted;
})"""
ROWS_GIVEN = """() => [...document.querySelectorAll(".chart-canvas[data-rows]")]
    .map((box) => box.dataset.rows)"""
ROWS_SET = """() => [...document.querySelectorAll(".chart-canvas[data-rows]")]
    .map((box) => getComputedStyle(box).getPropertyValue("--rows").trim())"""
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    }));
}"""


@pytest.fixture
def demo(transactional_db):
    demo_load()


class Visit:
    """A browser context that records every request, script error and failed asset, and
    blocks any request that would leave this machine."""

    def __init__(self, browser, base_url: str, **options):
        self.base_url = base_url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(locale="en-US", **options)
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route(re.compile(r"^(?!https?://(localhost|127\.0\.0\.1)[:/])"), _abort)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message):
        # Failed loads are told apart below: a 404 page is fine, a missing script is not.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.errors.append(f"{response.status} {response.url}")

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response.ok, f"{path}: {response.status}"
        return self.page

    def screenshot(self, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def close(self):
        self.context.close()
        foreign = [url for url in self.requests if urlsplit(url).hostname not in LOCAL_HOSTS]
        assert not foreign, f"requests left the site: {foreign}"
        assert not self.errors, f"errors in the browser console: {self.errors}"


def _abort(route):
    route.abort()


@pytest.fixture
def visit(browser, live_server, demo):
    visits = []

    def start(**options) -> Visit:
        visits.append(Visit(browser, live_server.url, **options))
        return visits[-1]

    yield start
    for opened in visits:
        opened.close()


def assert_charts_drawn(page):
    page.wait_for_function(CHARTS_DRAWN, timeout=10_000)
    painted = page.evaluate(PAINTED_PIXELS)
    assert painted and min(painted) > 1000, f"blank chart: {painted}"
    # Each chart's table stays open beside it: folding it would move the page.
    assert page.locator("details.chart-data:not([open])").count() == 0


def test_visitor_finds_a_resident_from_the_home_page_in_three_languages(visit):
    browser = visit(viewport={"width": 1280, "height": 900})
    page = browser.go("/")
    assert page.url.endswith("/en/")
    assert page.locator("h1").inner_text() == "China–Belarus Industrial Park “Great Stone”"
    assert page.locator("canvas[data-chart]").count() == 3
    assert_charts_drawn(page)
    # The charts of rows are as tall as their rows (data-rows, set by charts.js).
    assert page.evaluate(ROWS_SET) == page.evaluate(ROWS_GIVEN) != []
    browser.screenshot("01-home-en")

    page.fill("#home-q", "Logistics")
    page.press("#home-q", "Enter")
    page.wait_for_url(re.compile(r"/en/companies/\?q=Logistics"))
    assert re.fullmatch(r"\d+ compan(y matches|ies match)\.", page.inner_text(".result-count"))
    assert page.locator("tbody tr").count() > 0

    page.select_option("#id_country", "CN")
    page.select_option("#id_status", "resident")
    page.select_option("#id_ordering", "-direct_jobs")
    page.click("button:has-text('Show companies')")
    page.wait_for_url(re.compile(r"country=CN"))
    assert "q=Logistics" in page.url and "status=resident" in page.url
    countries = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert countries and set(countries) == {"China"}
    browser.screenshot("02-directory-filtered-en")

    first = page.locator("tbody tr th a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/en/companies/[\w-]+/$"))
    assert page.locator("h1").inner_text() == name
    assert_charts_drawn(page)
    browser.screenshot("03-company-en")

    page.click("button[value='ru']")
    page.wait_for_url(re.compile(r"/ru/companies/[\w-]+/$"))
    assert page.locator("h1").inner_text() == name
    assert page.locator("#over-time-heading").inner_text() == "Динамика показателей"
    assert page.locator("html").get_attribute("lang") == "ru"
    assert_charts_drawn(page)
    browser.screenshot("04-company-ru")

    page.click("button[value='zh-hans']")
    page.wait_for_url(re.compile(r"/zh-hans/companies/[\w-]+/$"))
    assert page.locator("#over-time-heading").inner_text() == "历年数据"
    browser.screenshot("05-company-zh-hans")

    page.click("a.brand")
    page.wait_for_url(re.compile(r"/zh-hans/$"))
    assert page.locator("#figures-heading").inner_text() == "园区数据一览"
    assert_charts_drawn(page)
    browser.screenshot("06-home-zh-hans")
    # The choice is remembered: "/" now leads to the Chinese pages.
    browser.go("/")
    assert page.url.endswith("/zh-hans/")


def test_pages_fit_a_phone_screen(visit):
    phone = visit(viewport=PHONE, is_mobile=True, has_touch=True)
    for path, name in [
        ("/ru/", "07-home-ru-phone"),
        ("/ru/companies/?country=BY", "08-directory-ru-phone"),
        (_first_company(phone), "09-company-en-phone"),
    ]:
        page = phone.go(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a 360px screen"
        phone.screenshot(name)


def _first_company(visit_: Visit) -> str:
    page = visit_.go("/en/companies/")
    return urlsplit(page.locator("tbody tr th a").first.get_attribute("href")).path


def test_keyboard_users_can_skip_to_the_content(visit):
    page = visit().go("/en/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("(link) => link === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_pages_work_without_javascript(visit):
    browser = visit(java_script_enabled=False)
    page = browser.go("/en/")
    # Without scripts the charts stay hidden and their tables are open.
    assert page.locator(".chart-canvas").first.is_hidden()
    assert page.locator("details.chart-data[open]").count() == 3
    assert page.locator("#by-country-caption").is_visible()
    page = browser.go("/en/companies/")
    page.select_option("#id_sector", "logistics")
    page.click("button:has-text('Show companies')")
    page.wait_for_url(re.compile(r"sector=logistics"))
    assert page.locator("tbody tr").count() > 0
    browser.screenshot("10-directory-without-javascript")


# Each template once, the home page in each language, and the directory's error state.
MAIN_PAGES = [
    "/en/",
    "/ru/",
    "/zh-hans/",
    "/en/companies/",
    "/en/companies/?country=XX",
    "/en/countries/",
    "/en/countries/CN/",
    "/ru/sectors/",
    "/zh-hans/sectors/logistics/",
    "/en/claims/",
    "/en/about/",
    "/zh-hans/downloads/",
    "/en/no-such-page/",
]


def test_main_pages_have_no_serious_accessibility_violations(visit):
    # axe is injected as an inline script, which the policy refuses; this test checks
    # accessibility, tests/test_csp_browser.py the policy.
    browser = visit(bypass_csp=True)
    page = browser.page
    found = {}
    for path in [*MAIN_PAGES, _first_company(browser)]:
        page.goto(browser.base_url + path)
        if page.locator("canvas[data-chart]").count():
            page.wait_for_function(CHARTS_DRAWN)
        page.add_script_tag(path=str(AXE))
        serious = [v for v in page.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
    assert not found, found


def test_the_accessibility_check_catches_a_violation(browser):
    """The check above can fail: axe flags an unlabelled image and field as serious."""
    page = browser.new_page()
    page.set_content('<html lang="en"><body><main><img src="data:,"><input></main></body></html>')
    page.add_script_tag(path=str(AXE))
    impacts = {v["id"]: v["impact"] for v in page.evaluate(AXE_RUN)}
    page.close()
    assert impacts["image-alt"] == "critical"
    assert impacts["label"] == "critical"
