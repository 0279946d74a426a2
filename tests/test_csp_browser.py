"""The Content Security Policy in a real browser: the admin (with its translation tabs,
import, export and history), the API docs and the public pages work under it, and
nothing violates it or leaves the site. The browser: tests/browser.py."""

from urllib.parse import urlsplit

import pytest

from companies import services
from companies.demo import demo_load
from companies.models import Company
from tests.browser import LOCAL_HOSTS
from tests.factories import CompanyFactory, SectorFactory, UserFactory
from tests.sheets import company_row, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collected before any page script runs; init scripts are not subject to the page's CSP.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
    );
});
"""
CHARTS_DRAWN = """() => {
    const canvases = [...document.querySelectorAll("canvas[data-chart]")];
    return canvases.length > 0 && canvases.every((c) => window.Chart && Chart.getChart(c));
}"""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.left_the_site = []
    page.script_errors = []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).hostname not in LOCAL_HOSTS
            and urlsplit(request.url).scheme in ("http", "https")
            and page.left_the_site.append(request.url)
        ),
    )
    page.on("pageerror", lambda error: page.script_errors.append(str(error)))
    yield page
    context.close()


def assert_nothing_refused(page):
    """No violation on the page open now, no script error, no request off the site."""
    assert page.evaluate("window.__violations") == []
    assert page.script_errors == []
    assert page.left_the_site == []


def sign_in(page):
    UserFactory(username="olga", is_staff=True, password="a-long-staff-password").groups.add(
        services.editors_group_sync()
    )
    page.goto("/admin/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", "a-long-staff-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_the_admin_works_under_the_policy(page):
    CompanyFactory(name="Huaxin Telecom")
    sign_in(page)
    page.goto("/admin/companies/company/")
    page.get_by_role("link", name="Huaxin Telecom").wait_for()
    assert_nothing_refused(page)
    page.goto("/admin/companies/company/add/")
    # The admin's own scripts run: the slug follows the name as it is typed.
    page.locator("#id_name").press_sequentially("Svisloch Photonics")
    assert page.input_value("#id_slug") == "svisloch-photonics"
    # modeltranslation's tabs are built by script (a set for each translated field), and
    # switching them shows the language.
    description = page.locator(".ui-tabs", has=page.locator("#id_description_en"))
    description.locator("li.ui-tabs-tab a", has_text="ru").click()
    assert page.locator("#id_description_ru").is_visible()
    assert not page.locator("#id_description_en").is_visible()
    # An inline row is added by script.
    rows = page.locator("#reports-group tbody tr.form-row:not(.empty-form)").count()
    page.click("#reports-group .add-row a")
    assert page.locator("#reports-group tbody tr.form-row:not(.empty-form)").count() == rows + 1
    assert_nothing_refused(page)


def test_import_export_and_history_work_under_the_policy(page):
    SectorFactory(slug="electronics")
    sign_in(page)
    page.goto("/admin/companies/company/import/")
    page.set_input_files(
        "#id_import_file",
        {"name": "companies.csv", "mimeType": "text/csv", "buffer": csv_bytes([company_row()])},
    )
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    page.locator(".import-summary").wait_for()
    assert "1 to create, 0 to update, 0 unchanged, 0 refused." in page.inner_text(
        ".import-summary"
    )
    assert_nothing_refused(page)
    page.click("input[name=confirm]")
    page.locator(".messagelist .success").wait_for()
    assert Company.objects.filter(slug="svisloch-photonics").exists()

    page.goto("/admin/companies/company/export/")
    page.select_option("#id_format", label="csv")
    with page.expect_download() as download:
        page.click("input[type=submit]")
    assert download.value.suggested_filename.endswith(".csv")
    assert_nothing_refused(page)

    company = Company.objects.get(slug="svisloch-photonics")
    page.goto(f"/admin/companies/company/{company.pk}/history/")
    page.locator("#change-history").wait_for()
    assert_nothing_refused(page)


def test_swagger_ui_renders_the_schema_under_the_policy(page):
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
    page.locator(".opblock-summary-path", has_text="/api/v1/companies/").first.wait_for()
    assert_nothing_refused(page)


@pytest.fixture
def demo(transactional_db):
    demo_load()


@pytest.mark.parametrize(
    "path",
    ["/en/", "/ru/", "/zh-hans/", "/en/companies/", "a company's page",
     "/en/countries/", "/en/sectors/", "/en/claims/", "/en/about/", "/en/downloads/",
     "/en/no-such-page/"],
)  # fmt: skip
def test_public_pages_run_under_the_policy(page, demo, path):
    if path == "a company's page":
        path = f"/en/companies/{Company.objects.published().first().slug}/"
    response = page.goto(path)
    assert response.status == (404 if "no-such" in path else 200)
    if page.locator("canvas[data-chart]").count():
        page.wait_for_function(CHARTS_DRAWN, timeout=10_000)
    page.wait_for_load_state("networkidle")
    assert_nothing_refused(page)
