"""Sectors and claims refuse stale edits like companies and reports, and every record's
delete confirmation refuses a delete after someone changed the record."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from companies import services
from companies.models import Claim, Company, Sector
from tests.adminforms import form_data
from tests.factories import ClaimFactory, CompanyFactory, SectorFactory, UserFactory
from tests.sheets import register_dump
from tests.test_stale_edits import change_url, refusal


def delete_url(record) -> str:
    return reverse(f"admin:companies_{record._meta.model_name}_delete", args=[record.pk])


@pytest.fixture
def alice(db):
    """A second editor, working at the same time."""
    user = UserFactory(username="alice", is_staff=True)
    user.groups.add(services.editors_group_sync())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sector(db):
    return SectorFactory(slug="logistics", name_en="Logistics", name_ru="Логистика")


@pytest.fixture
def claim(db):
    return ClaimFactory(statement="Many residents.", source="Press release", companies=10)


def test_saving_a_sector_that_changed_meanwhile_is_refused(editor_client, alice, sector):
    mine = editor_client.get(change_url(sector))
    theirs = alice.get(change_url(sector))
    assert (
        alice.post(change_url(sector), form_data(theirs, name_ru="Логистика и склады")).status_code
        == 302
    )
    before = register_dump()

    response = editor_client.post(change_url(sector), form_data(mine, name_en="Transport"))

    assert refusal(response) == (
        "Logistics was changed by alice since you read it (version 1, now 2): name [ru]. "
        "Reload it and apply your edits again."
    )
    assert register_dump() == before
    assert Sector.objects.get().name_en == "Logistics"


def test_saving_a_claim_that_changed_meanwhile_is_refused(editor_client, alice, claim):
    mine = editor_client.get(change_url(claim))
    theirs = alice.get(change_url(claim))
    assert alice.post(change_url(claim), form_data(theirs, companies="12")).status_code == 302
    before = register_dump()

    response = editor_client.post(change_url(claim), form_data(mine, source="Newspaper"))

    assert "was changed by alice since you read it (version 1, now 2): companies." in refusal(
        response
    )
    assert register_dump() == before
    assert Claim.objects.get().source == "Press release"


@pytest.mark.parametrize("record", ["sector", "claim"])
def test_a_fresh_sector_or_claim_form_saves_and_raises_the_version(editor_client, record, request):
    instance = request.getfixturevalue(record)
    page = editor_client.get(change_url(instance))
    edit = {"sector": {"name_en": "Logistics and storage"}, "claim": {"source": "Newspaper"}}
    response = editor_client.post(change_url(instance), form_data(page, **edit[record]))
    assert response.status_code == 302
    instance.refresh_from_db()
    assert instance.version == 2


@pytest.mark.parametrize("record", ["sector", "claim", "company"])
def test_a_delete_confirmed_after_someone_changed_the_record_is_refused(
    editor_client,
    alice,
    record,
    request,
):
    instance = {
        "sector": lambda: request.getfixturevalue("sector"),
        "claim": lambda: request.getfixturevalue("claim"),
        "company": lambda: CompanyFactory(name="Neman Logistics"),
    }[record]()
    confirmation = editor_client.get(delete_url(instance))
    assert f'name="loaded_version" value="{instance.version}"' in confirmation.content.decode()
    theirs = alice.get(change_url(instance))
    edits = {
        "sector": {"name_ru": "Склады"},
        "claim": {"companies": "12"},
        "company": {"legal_name": "Neman JSC"},
    }
    assert alice.post(change_url(instance), form_data(theirs, **edits[record])).status_code == 302
    before = register_dump()

    response = editor_client.post(
        delete_url(instance), {"post": "yes", "loaded_version": str(instance.version)}
    )

    assert response.status_code == 302
    assert response.url == delete_url(instance)
    assert register_dump() == before
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "was changed by alice since you read it" in message
    # The confirmation shown again carries the current version: deleting now works.
    again = editor_client.get(delete_url(instance))
    current = type(instance).objects.get(pk=instance.pk).version
    assert f'name="loaded_version" value="{current}"' in again.content.decode()
    done = editor_client.post(
        delete_url(instance), {"post": "yes", "loaded_version": str(current)}
    )
    assert done.status_code == 302
    assert not type(instance).objects.filter(pk=instance.pk).exists()


def test_a_delete_without_the_version_it_was_confirmed_at_is_refused(editor_client):
    company = CompanyFactory()
    response = editor_client.post(delete_url(company), {"post": "yes"})
    assert response.status_code == 302
    assert Company.objects.filter(pk=company.pk).exists()
    assert "does not say which version" in str(next(iter(get_messages(response.wsgi_request))))
