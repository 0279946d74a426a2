"""The change feed: every way a slug leaves the register is recorded, whichever surface
made the change."""

import pytest

from companies import services
from companies.models import Company, CompanyRemoval
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def removals():
    return list(CompanyRemoval.objects.values_list("slug", "reason", "public"))


def test_deleting_unpublishing_and_renaming_a_company_each_record_a_removal():
    alpha = CompanyFactory(slug="alpha")
    services.company_update(company=alpha, fields={"slug": "alpha-2"})
    services.companies_set_published(companies=Company.objects.all(), published=False)
    services.company_delete(company=Company.objects.get())
    assert removals() == [
        ("alpha", "renamed", True),
        ("alpha-2", "unpublished", True),
        ("alpha-2", "deleted", False),
    ]


def test_saving_a_published_company_unchanged_or_publishing_it_records_nothing():
    draft = CompanyFactory(is_published=False)
    services.companies_set_published(companies=Company.objects.all(), published=True)
    services.company_update(company=draft, fields={"legal_name": "Other LLC"})
    assert removals() == []


def test_the_admins_bulk_delete_records_each_company(editor_client):
    selected = [CompanyFactory(slug="a").pk, CompanyFactory(slug="b", is_published=False).pk]
    response = editor_client.post(
        "/admin/companies/company/",
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Company.objects.exists()
    assert sorted(removals()) == [("a", "deleted", True), ("b", "deleted", False)]
