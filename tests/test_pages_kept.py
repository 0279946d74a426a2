"""Kept copies of the register's pages: a repeated anonymous visit is answered from the
copy kept for the register's revision, with the visitor's own CSRF token; any change to
the register shows at once; signed-in users always get a freshly rendered page."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import CompanyFactory
from tests.pages import text

PAGES = ["/en/", "/en/companies/", "/en/countries/", "/en/countries/BY/", "/en/sectors/",
         "/en/sectors/logistics/", "/en/companies/?as_of=2020-12-31"]  # fmt: skip
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize("address", PAGES)
def test_a_repeated_visit_is_answered_from_the_kept_copy(client, residents_and_a_draft, address):
    first = client.get(address)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(address)
    assert again.status_code == 200
    assert len(queries) == 1  # the register's revision
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(residents_and_a_draft):
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get("/en/companies/").content.decode()
        token = TOKEN.search(html).group(1)
        tokens.append(token)
        switched = visitor.post(
            "/i18n/setlang/",
            {"language": "ru", "next": "/en/companies/", "csrfmiddlewaretoken": token},
        )
        assert switched.status_code == 302
    assert tokens[0] != tokens[1]


def test_a_change_to_the_register_shows_at_once(client, residents_and_a_draft):
    assert "Zeta Robotics" not in text(client.get("/en/companies/"))
    CompanyFactory(name="Zeta Robotics", country="BY")
    assert "Zeta Robotics" in text(client.get("/en/companies/"))


def test_a_bad_as_of_is_not_kept(client, residents_and_a_draft):
    for _ in range(2):
        assert client.get("/en/?as_of=2019-02-30").status_code == 400


def test_signed_in_users_get_a_freshly_rendered_page(editor_client, residents_and_a_draft):
    editor_client.get("/en/companies/")
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get("/en/companies/").status_code == 200
    assert len(queries) > 1
