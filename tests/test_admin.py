"""The admin as a park editor uses it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from companies.models import Company, Report
from tests.factories import CompanyFactory, SectorFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:companies_company_changelist")
ADD = reverse("admin:companies_company_add")


def company_form(sector, **overrides):
    """The add/change form as the browser posts it, with one inline report."""
    data = {
        "name": "Svisloch Photonics",
        "slug": "svisloch-photonics",
        "legal_name": "Svisloch Photonics LLC",
        "country": "BY",
        "sector": sector.pk,
        "website": "https://svisloch.example",
        "status": "resident",
        "resident_since": "2019-04-01",
        "exited_on": "",
        "exit_reason_en": "",
        "exit_reason_ru": "",
        "exit_reason_zh_hans": "",
        "description_en": "Lasers.",
        "description_ru": "Лазеры.",
        "description_zh_hans": "",
        "is_published": "on",
        "reports-TOTAL_FORMS": "1",
        "reports-INITIAL_FORMS": "0",
        "reports-MIN_NUM_FORMS": "0",
        "reports-MAX_NUM_FORMS": "1000",
        "reports-0-reported_on": "2020-12-31",
        "reports-0-declared_investment": "2500000.00",
        "reports-0-realised_investment": "400000",
        "reports-0-direct_jobs": "14",
        "reports-0-source_en": "Annual report 2020",
        "reports-0-source_ru": "",
        "reports-0-source_zh_hans": "",
    }
    data.update(overrides)
    return data


def test_company_list_filters_by_country_status_and_publication(editor_client):
    CompanyFactory(name="Huaxin Telecom", country="CN")
    CompanyFactory(name="Neman Logistics", country="BY")
    CompanyFactory(name="Hidden Draft", country="BY", is_published=False)
    response = editor_client.get(CHANGELIST, {"country": "BY", "is_published__exact": "1"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("name", flat=True)) == [
        "Neman Logistics"
    ]
    response = editor_client.get(CHANGELIST, {"status__exact": "resident"})
    assert response.context["cl"].result_count == 3


def test_company_list_searches_names_and_legal_names(editor_client):
    CompanyFactory(name="Huaxin Telecom", legal_name="Huaxin (Belarus) Co")
    CompanyFactory(name="Neman Logistics", legal_name="Neman LLC")
    response = editor_client.get(CHANGELIST, {"q": "belarus"})
    assert [c.name for c in response.context["cl"].result_list] == ["Huaxin Telecom"]


def test_company_list_sorts_by_current_figures(editor_client):
    small = CompanyFactory(name="Small")
    big = CompanyFactory(name="Big")
    small.reports.create(reported_on=date(2020, 1, 1), direct_jobs=3, source="s")
    big.reports.create(reported_on=date(2020, 1, 1), direct_jobs=300, source="s")
    columns = editor_client.get(CHANGELIST).context["cl"].list_display
    response = editor_client.get(CHANGELIST, {"o": f"-{columns.index('jobs')}"})
    assert [c.name for c in response.context["cl"].result_list] == ["Big", "Small"]


def test_editor_adds_a_company_with_an_inline_report(editor_client, editor):
    sector = SectorFactory()
    response = editor_client.post(ADD, company_form(sector))
    assert response.status_code == 302
    company = Company.objects.get(slug="svisloch-photonics")
    assert company.reports.get().direct_jobs == 14
    # The derived current figures follow the report saved inline.
    assert (company.declared_investment, company.direct_jobs) == (Decimal("2500000"), 14)
    # Created, then its figures from the report: both by the editor.
    assert [(h.history_type, h.history_user) for h in company.history.all()] == [
        ("~", editor),
        ("+", editor),
    ]


def test_an_invalid_entry_shows_the_errors_and_saves_nothing(editor_client):
    sector = SectorFactory()
    response = editor_client.post(
        ADD,
        company_form(
            sector,
            status="exited",
            exited_on="2018-01-01",
            exit_reason_en="",
            **{"reports-0-direct_jobs": "-3"},
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "exit_reason_en": ["Record why the company exited."],
        "__all__": ["The exit date cannot be before the residence date."],
    }
    assert "The exit date cannot be before the residence date." in response.content.decode()
    assert response.context["inline_admin_formsets"][0].formset.errors[0] == {
        "direct_jobs": ["Ensure this value is greater than or equal to 0."]
    }
    assert not Company.objects.exists()
    assert not Report.objects.exists()


def test_history_shows_who_changed_what(editor_client, editor):
    sector = SectorFactory()
    editor_client.post(ADD, company_form(sector))
    company = Company.objects.get()
    change = reverse("admin:companies_company_change", args=[company.pk])
    form = company_form(
        sector,
        legal_name="Svisloch Photonics JSC",
        loaded_version=company.version,
        **{"reports-TOTAL_FORMS": "0"},
    )
    assert editor_client.post(change, form).status_code == 302
    history = editor_client.get(reverse("admin:companies_company_history", args=[company.pk]))
    assert history.status_code == 200
    latest = company.history.first()
    assert latest.history_user == editor
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("legal_name", "Svisloch Photonics LLC", "Svisloch Photonics JSC")
    ]
    assert "editor" in history.content.decode()


def test_publish_and_unpublish_are_bulk_actions(editor_client):
    drafts = [CompanyFactory(is_published=False) for _ in range(2)]
    response = editor_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [c.pk for c in drafts]}
    )
    assert response.status_code == 302
    assert Company.objects.filter(is_published=True).count() == 2
    assert drafts[0].history.first().history_user.username == "editor"
    editor_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert list(Company.objects.filter(is_published=True)) == [drafts[1]]


def test_an_editor_cannot_manage_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    for model in ("company", "report", "sector", "claim"):
        assert editor_client.get(reverse(f"admin:companies_{model}_add")).status_code == 200


def test_editors_group_is_created_idempotently(editor):
    from companies import services

    group = services.editors_group_sync()
    again = services.editors_group_sync()
    assert group == again
    codenames = set(again.permissions.values_list("codename", flat=True))
    assert "change_company" in codenames
    assert "delete_report" in codenames
    assert not any("user" in codename for codename in codenames)
