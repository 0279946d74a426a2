"""The admin in a real browser (tests/browser.py): the company list fits a laptop's
width, and the editors' pages have no accessibility violations (axe-core)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from companies import services
from companies.models import Company
from tests.factories import CompanyFactory, ReportFactory, SectorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "assets" / "axe.min.js"
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map((node) => node.target.join(" "))}));
}"""
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def long_names_and_figures(transactional_db):
    """Companies with long names, countries and sectors, and nine-digit figures."""
    sector = SectorFactory(name_en="Electronics and telecommunications")
    for n, country in enumerate(["AE", "CN", "BY", "DE", "US"]):
        company = CompanyFactory(
            name=f"Great Stone Precision Instruments and Machinery {n}",
            country=country,
            sector=sector,
        )
        ReportFactory(
            company=company,
            reported_on=date(2020, 12, 31),
            declared_investment=Decimal("123456789.50"),
            realised_investment=Decimal("98765432.10"),
            direct_jobs=12345,
        )
    return Company.objects.first()


@pytest.fixture
def signed_in(browser, live_server, long_names_and_figures):
    UserFactory(username="olga", is_staff=True, password="a-long-staff-password").groups.add(
        services.editors_group_sync()
    )
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP, bypass_csp=True)
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", "a-long-staff-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    yield page
    context.close()


def test_the_company_list_at_1366_px_shows_every_column_without_sideways_scrolling(signed_in):
    page = signed_in
    page.goto(reverse("admin:companies_company_changelist"))
    widths = page.evaluate(
        """() => ({
            page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
            table: [document.querySelector(".results").scrollWidth,
                    document.querySelector(".results").clientWidth],
        })"""
    )
    assert widths["page"][0] <= widths["page"][1], widths
    assert widths["table"][0] <= widths["table"][1], widths
    for column in ("name", "country", "sector", "status", "declared", "realised", "jobs"):
        right = page.evaluate(
            f"() => document.querySelector('th.column-{column}').getBoundingClientRect().right"
        )
        assert right <= LAPTOP["width"], column
    assert page.locator("td.field-declared").first.inner_text().startswith("123,456,789.50")


def test_the_change_page_shows_no_time_zone_note_under_dates(signed_in, long_names_and_figures):
    page = signed_in
    # The browser's clock three hours from the park's, as in the report that asked for this.
    page.goto(reverse("admin:companies_company_change", args=[long_names_and_figures.pk]))
    page.wait_for_load_state("load")
    visible = page.evaluate(
        """() => [...document.querySelectorAll('.timezonewarning')]
            .filter((note) => note.offsetParent !== null).length"""
    )
    assert visible <= 1


def admin_pages(long_names_and_figures) -> list[str]:
    return [
        reverse("admin:index"),
        reverse("admin:companies_company_changelist"),
        reverse("admin:companies_company_history", args=[long_names_and_figures.pk]),
        reverse("admin:companies_company_import"),
    ]


def test_the_editors_pages_have_no_accessibility_violations(signed_in, long_names_and_figures):
    """The index (what needs attention), the list, history and import pages."""
    page = signed_in
    found = {}
    for path in admin_pages(long_names_and_figures):
        page.goto(path)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(AXE_RUN)
        if violations:
            found[path] = violations
    assert not found, found
