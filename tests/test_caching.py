"""Answers kept between requests: anonymous API reads replayed from a worker's copy,
computed figures shared between workers; never stale, bounded in memory."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import services
from companies.api.views import CompanyViewSet
from tests.factories import CompanyFactory, SectorFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/companies/"


def test_a_repeated_anonymous_read_is_answered_from_the_kept_copy(
    api, django_assert_max_num_queries
):
    CompanyFactory.create_batch(3)
    first = api.get(LIST)
    with django_assert_max_num_queries(1):  # the register's revision, which names the copy
        again = api.get(LIST)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["X-Request-ID"] != first["X-Request-ID"]  # outer layers run as ever


def test_only_views_that_declare_it_are_answered_from_a_kept_copy(api, monkeypatch):
    CompanyFactory.create_batch(3)
    monkeypatch.setattr(CompanyViewSet, "kept_for_anonymous", False)
    first = api.get(LIST)
    with CaptureQueriesContext(connection) as again:
        assert api.get(LIST).content == first.content
    assert len(again.captured_queries) > 1  # the view ran: the list's own queries


def test_a_kept_copy_is_never_stale(api):
    company = CompanyFactory(name="Before")
    assert [row["name"] for row in api.get(LIST).json()["results"]] == ["Before"]
    assert api.get(f"{LIST}{company.slug}/").json()["name"] == "Before"
    services.company_update(company=company, fields={"name": "After"})
    assert [row["name"] for row in api.get(LIST).json()["results"]] == ["After"]
    assert api.get(f"{LIST}{company.slug}/").json()["name"] == "After"


def test_a_kept_copy_answers_304_to_a_client_whose_copy_is_current(api):
    company = CompanyFactory()
    first = api.get(f"{LIST}{company.slug}/")
    again = api.get(f"{LIST}{company.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert first["ETag"].startswith(f'"{company.version}.')  # If-Match reads the version


def test_kept_copies_are_per_language_scheme_and_host(api):
    CompanyFactory.create_batch(2, sector=SectorFactory(name_en="Logistics", name_ru="Логистика"))
    english = api.get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]["sector"]["name"]
    russian = api.get(LIST, HTTP_ACCEPT_LANGUAGE="ru").json()["results"][0]["sector"]["name"]
    assert (english, russian) == ("Logistics", "Логистика")
    plain = api.get(LIST, {"page_size": 1}).json()["next"]
    secure = api.get(LIST, {"page_size": 1}, secure=True).json()["next"]
    assert (plain.split(":")[0], secure.split(":")[0]) == ("http", "https")


def test_editors_never_get_the_anonymous_copy_nor_leave_theirs(api, editor_api):
    CompanyFactory(name="Public")
    CompanyFactory(name="Draft", is_published=False)
    assert [row["name"] for row in api.get(LIST).json()["results"]] == ["Public"]
    assert {row["name"] for row in editor_api.get(LIST).json()["results"]} == {"Draft", "Public"}
    assert [row["name"] for row in api.get(LIST).json()["results"]] == ["Public"]


def test_a_workers_own_cache_declines_values_too_large_to_keep():
    local = caches["local"]
    local.set("small", b"x" * 1000)
    local.set("large", b"x" * (local.max_value_bytes + 1))
    assert local.get("small") == b"x" * 1000
    assert local.get("large") is None
