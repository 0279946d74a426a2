"""Figures in the admin: formatted where they are read, typed with or without
separators where they are entered, and refused with the field's name when unclear."""

import html
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from companies.models import Report
from tests.factories import CompanyFactory, ReportFactory, SectorFactory
from tests.test_admin import ADD, company_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2500000.50", Decimal("2500000.50")),
        ("2,500,000.50", Decimal("2500000.50")),
        ("2 500 000,50", Decimal("2500000.50")),
        ("2.500.000,50", Decimal("2500000.50")),
        ("2,500,000", Decimal("2500000")),
    ],
)
def test_amounts_are_accepted_with_or_without_separators(editor_client, typed, stored):
    form = company_form(SectorFactory(), **{"reports-0-declared_investment": typed})
    assert editor_client.post(ADD, form).status_code == 302
    assert Report.objects.get().declared_investment == stored


@pytest.mark.parametrize("typed", ["2,500", "2.500", "2,50,0", "2.5.0", "lots"])
def test_an_unclear_amount_is_refused_naming_the_field(editor_client, typed):
    form = company_form(SectorFactory(), **{"reports-0-declared_investment": typed})
    response = editor_client.post(ADD, form)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    (message,) = errors["declared_investment"]
    assert message.startswith(f"Declared investment, USD: “{typed}” is ambiguous") or (
        message.startswith("Declared investment, USD: enter an amount such as")
    )
    assert not Report.objects.exists()


def test_the_company_list_shows_the_figures_formatted(editor_client):
    company = CompanyFactory(name="Huaxin Telecom")
    ReportFactory(
        company=company,
        reported_on=date(2020, 12, 31),
        declared_investment=Decimal("12372123"),
        realised_investment=Decimal("1500.50"),
        direct_jobs=1200,
    )
    page = editor_client.get(reverse("admin:companies_company_changelist")).content.decode()
    row = page[page.index('<td class="action-checkbox">') :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r'<td class="field-(\w+)[^"]*">(.*?)</td>', row, re.S)
    assert [name for name, _ in cells] == [
        "country",
        "sector",
        "status",
        "declared",
        "realised",
        "jobs",
        "is_published",
    ]
    figures = {name: re.sub(r"<[^>]+>", " ", value).split() for name, value in cells}
    assert (figures["declared"], figures["realised"], figures["jobs"]) == (
        ["12,372,123", "reported", "2020-12-31"],
        ["1,500.50", "reported", "2020-12-31"],
        ["1,200", "reported", "2020-12-31"],
    )


def test_the_change_page_says_add_another_report_and_shows_the_figures_formatted(
    editor_client,
):
    company = CompanyFactory()
    ReportFactory(
        company=company,
        reported_on=date(2020, 12, 31),
        declared_investment=Decimal("12372123"),
        source="Annual report 2020",
    )
    page = editor_client.get(reverse("admin:companies_company_change", args=[company.pk]))
    text = page.content.decode()
    data = re.search(r'data-inline-formset="([^"]+)"', text).group(1)
    assert json.loads(html.unescape(data))["options"]["addText"] == "Add another report"
    assert (
        '<div class="readonly">12,372,123<span class="figure-day">reported 2020-12-31 · '
        "Annual report 2020</span></div>"
    ) in text
