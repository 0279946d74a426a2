"""The claims page: published claims beside the register's own figures."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ClaimFactory
from tests.pages import text


def test_claims_page_shows_each_published_claim_with_the_registers_verdict(client, claims):
    response = client.get("/en/claims/")
    assert response.status_code == 200
    page = text(response)
    assert "Two residents from two countries." in page
    assert "The register agrees with this claim." in page
    assert "More than 100 jobs." in page
    assert "The register does not agree with this claim." in page
    assert "Direct jobs more than 100 27 ✗ no" in page
    assert "Resident companies exactly 2 2 ✓ yes" in page


def test_draft_claims_are_not_shown(client, claims):
    assert "An unchecked rumour." not in text(client.get("/en/claims/"))


def test_claims_page_query_count_grows_with_claim_dates_not_claims(client, claims):
    with CaptureQueriesContext(connection) as before:
        client.get("/en/claims/")
    for n in range(5):
        ClaimFactory(statement=f"Claim {n}", claimed_on=claims.agreeing.claimed_on, companies=2)
    with CaptureQueriesContext(connection) as after:
        client.get("/en/claims/")
    assert len(after) == len(before)


def test_no_claims_says_so(client, db):
    assert "No claims have been published yet." in text(client.get("/en/claims/"))
