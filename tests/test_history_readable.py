"""History an editor can read: translated labels and values, times to the second, who
changed it without a link they cannot follow, and a revert page that says what it does."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from companies.models import Claim, Company, Sector
from tests.adminforms import form_data
from tests.factories import ClaimFactory, CompanyFactory, ReportFactory, SectorFactory

pytestmark = pytest.mark.django_db

SECONDS = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def admin_url(record, view="change", *args) -> str:
    return reverse(f"admin:companies_{record._meta.model_name}_{view}", args=[record.pk, *args])


@pytest.fixture
def company(db):
    company = CompanyFactory(
        name="Huaxin Telecom", is_published=False, sector=SectorFactory(name_en="Electronics")
    )
    ReportFactory(
        company=company, reported_on=date(2020, 12, 31), declared_investment=Decimal("12372123")
    )
    return Company.objects.get(pk=company.pk)


def publish(client, company):
    page = client.get(admin_url(company))
    assert client.post(admin_url(company), form_data(page, is_published="on")).status_code == 302


def history_html(client, record, language="en") -> str:
    response = client.get(admin_url(record, "history"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_history_reads_in_words_with_times_to_the_second(editor_client, company):
    publish(editor_client, company)
    html = history_html(editor_client, company)
    assert "<strong>Published:</strong> no → yes" in html
    assert "<strong>Declared investment, USD:</strong> — → 12,372,123" in html
    assert "IS_PUBLISHED" not in html and "True" not in html
    times = re.findall(r"<time datetime=\"[^\"]+\" data-local>([^<]+)</time>", html)
    assert times and all(SECONDS.match(t) for t in times)
    assert "version 1" in html and "version 3" in html


def test_history_is_translated(editor_client, company):
    publish(editor_client, company)
    with translation.override("ru"):
        html = editor_client.get(
            admin_url(company, "history"), HTTP_ACCEPT_LANGUAGE="ru"
        ).content.decode()
    assert "<strong>Опубликовано:</strong> нет → да" in html
    assert '<th scope="col">Кем изменено</th>' in html
    assert "Published" not in html


def test_who_changed_it_is_named_without_a_link_to_the_users_admin(editor_client, company):
    publish(editor_client, company)
    html = history_html(editor_client, company)
    table = html[html.index('<table id="change-history">') :]
    assert "<td>editor</td>" in table
    assert "/admin/auth/user/" not in html


def test_a_reports_history_breadcrumb_goes_through_its_company(editor_client, company):
    report = company.reports.get()
    html = history_html(editor_client, report)
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</div>", html.index('class="breadcrumbs"'))
    ]
    assert admin_url(company) in crumbs
    assert "Huaxin Telecom" in crumbs
    assert "Historical" not in html


def test_the_revert_page_says_which_fields_it_restores_and_that_figures_follow_the_reports(
    editor_client, company
):
    first = company.history.earliest()
    publish(editor_client, company)
    response = editor_client.get(admin_url(company, "simple_history", first.history_id))
    html = response.content.decode()
    restores = html[html.index('<ul class="revert-restores">') :]
    restores = restores[: restores.index("</ul>")]
    assert "<strong>Published:</strong> yes → no" in restores
    assert "Declared investment" not in restores
    assert "a company&#x27;s figures always follow its reports" in html
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</div>", html.index('class="breadcrumbs"'))
    ]
    assert "Historical" not in crumbs
    assert admin_url(company, "history") in crumbs
    assert 'action=""' not in html


@pytest.mark.parametrize("model", ["sector", "claim"])
def test_sectors_and_claims_have_the_same_readable_history(editor_client, model):
    record = {
        "sector": lambda: SectorFactory(name_en="Logistics"),
        "claim": lambda: ClaimFactory(statement="Jobs.", direct_jobs=1000),
    }[model]()
    page = editor_client.get(admin_url(record))
    edit = {"sector": {"name_en": "Logistics and storage"}, "claim": {"direct_jobs": "1200"}}[
        model
    ]
    assert editor_client.post(admin_url(record), form_data(page, **edit)).status_code == 302
    html = history_html(editor_client, record)
    expected = {
        "sector": "<strong>Name [en]:</strong> Logistics → Logistics and storage",
        "claim": "<strong>Direct jobs:</strong> 1,000 → 1,200",
    }[model]
    assert expected in html
    assert "Updated:" not in html
    assert {"sector": Sector, "claim": Claim}[model].objects.get().version == 2
