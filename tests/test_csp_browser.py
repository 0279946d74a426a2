"""The Content Security Policy in a real browser: the admin and the API docs work under
it, and nothing violates it. Debian's chromium, driven by Playwright; skipped where
either is missing."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from companies import services
from tests.factories import CompanyFactory, UserFactory

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(f"no browser at {CHROMIUM}", allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True)

# Collected before any page script runs; init scripts are not subject to the page's CSP.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
    );
});
"""


@pytest.fixture(scope="module")
def browser():
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an event loop in this thread; Django's ORM refuses
        # to run there unless told that nothing runs concurrently (true here).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync"],
            )  # fmt: skip
            yield browser
            browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.ROOT_URLCONF = "tests.urls_docs"
    settings.SPECTACULAR_SETTINGS = {
        **getattr(django_settings, "SPECTACULAR_SETTINGS", {}),
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    }
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.left_the_site = []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).hostname not in ("localhost", "127.0.0.1")
            and urlsplit(request.url).scheme in ("http", "https")
            and page.left_the_site.append(request.url)
        ),
    )
    yield page
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def sign_in(page, live_server):
    UserFactory(username="olga", is_staff=True, password="a-long-staff-password").groups.add(
        services.editors_group_sync()
    )
    page.goto("/admin/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", "a-long-staff-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_the_admin_works_under_the_policy(page, live_server):
    CompanyFactory(name="Huaxin Telecom")
    sign_in(page, live_server)
    page.goto("/admin/companies/company/")
    page.get_by_role("link", name="Huaxin Telecom").wait_for()
    page.goto("/admin/companies/company/add/")
    # The admin's own scripts run: the slug follows the name as it is typed.
    page.locator("#id_name").press_sequentially("Svisloch Photonics")
    assert page.input_value("#id_slug") == "svisloch-photonics"
    # modeltranslation's tabs are built by script.
    page.locator(".ui-tabs-nav, .modeltranslation-switch").first.wait_for()
    # An inline row is added by script.
    rows = page.locator("#reports-group tbody tr.form-row:not(.empty-form)").count()
    page.click("#reports-group .add-row a")
    assert page.locator("#reports-group tbody tr.form-row:not(.empty-form)").count() == rows + 1
    assert violations(page) == []
    assert page.left_the_site == []


def test_swagger_ui_renders_the_schema_under_the_policy(page):
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
    assert violations(page) == []
    assert page.left_the_site == []


@pytest.mark.parametrize("path", ["/en/", "/en/companies/", "/ru/", "/zh-hans/"])
def test_public_pages_run_under_the_policy(page, path):
    response = page.goto(path)
    if response.status == 404:
        pytest.skip(f"{path} is not in this branch yet")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert page.left_the_site == []
