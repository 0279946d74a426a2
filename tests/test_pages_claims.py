"""The claims page: published claims beside the register's own figures."""

import json
import re
from datetime import UTC, date, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import selectors
from companies.models import Claim
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


# The claims, the register's totals as of all their dates at once (the ledger), and the
# register's revision for the footer.
CLAIMS_PAGE_QUERIES = 3


def test_claims_page_reads_the_totals_of_every_claim_date_in_one_query(
    client, claims, django_assert_num_queries
):
    for year in range(2015, 2026):
        ClaimFactory(statement=f"Claim of {year}", claimed_on=date(year, 6, 30), companies=2)
    dates = Claim.objects.filter(is_published=True).values("claimed_on").distinct().count()
    assert dates > CLAIMS_PAGE_QUERIES
    with django_assert_num_queries(CLAIMS_PAGE_QUERIES):
        assert client.get("/en/claims/").status_code == 200


def test_no_claims_says_so(client, db):
    assert "No claims have been published yet." in text(client.get("/en/claims/"))


def test_a_resident_count_that_falls_is_a_contradiction_however_far_apart(db):
    earlier = ClaimFactory(claimed_on=date(2019, 5, 31), companies=56)
    later = ClaimFactory(claimed_on=date(2019, 10, 31), companies=55)
    ClaimFactory(claimed_on=date(2020, 5, 1), companies=60)

    found = selectors.claims_contradictions(claims=list(Claim.objects.all()))

    assert [(c.earlier, c.later, c.figure, c.kind) for c in found] == [
        (earlier, later, "companies", "falls")
    ]


def test_qualified_counts_fall_only_when_no_reading_of_them_rises(db):
    ClaimFactory(claimed_on=date(2016, 9, 29), companies=10, companies_qualifier="more_than")
    ClaimFactory(claimed_on=date(2017, 5, 31), companies=11)
    ClaimFactory(claimed_on=date(2017, 6, 30), companies=11, companies_qualifier="about")

    assert selectors.claims_contradictions(claims=list(Claim.objects.all())) == []


def test_two_figures_for_the_same_month_contradict_but_a_rising_resident_count_does_not(db):
    december = ClaimFactory(
        claimed_on=date(2020, 12, 31), companies=68, direct_jobs=6000,
        direct_jobs_qualifier="more_than",
    )  # fmt: skip
    january = ClaimFactory(
        claimed_on=date(2021, 1, 1), companies=75, direct_jobs=1000,
        direct_jobs_qualifier="more_than", countries=14,
    )  # fmt: skip
    ClaimFactory(claimed_on=date(2021, 3, 1), countries=11)

    found = selectors.claims_contradictions(claims=list(Claim.objects.all()))

    assert [(c.earlier, c.later, c.figure, c.kind) for c in found] == [
        (december, january, "direct_jobs", "same_month")
    ]


def test_claims_page_names_the_claims_each_contradicts(client, db):
    ClaimFactory(claimed_on=date(2019, 5, 31), companies=56, speaker="Euromoney")
    ClaimFactory(claimed_on=date(2019, 10, 31), companies=55, speaker="Belarus 24")

    page = text(client.get("/en/claims/"))

    assert "1 pair of claims contradict each other." in page
    assert "Contradicts 31 October 2019, Belarus 24 : the number of residents falls" in page
    assert "Contradicts 31 May 2019, Euromoney : the number of residents falls" in page


def test_claims_timeline_gives_each_figure_on_a_time_axis(client, claims):
    response = client.get("/en/claims/")
    chart = json.loads(
        re.search(
            r'<script id="chart-timeline-companies" type="application/json">(.*?)</script>',
            response.content.decode(),
            flags=re.S,
        ).group(1)
    )
    assert [tick["label"] for tick in chart["time"]["ticks"]] == ["2020", "2021"]
    residents_and_a_draft, agrees, disagrees = chart["datasets"]
    moment = datetime(2020, 12, 31, tzinfo=UTC).timestamp() * 1000
    assert residents_and_a_draft["data"] == [{"x": moment, "y": 2, "day": "31 December 2020"}]
    assert agrees["data"] == [{"x": moment, "y": 2, "day": "31 December 2020"}]
    assert disagrees["data"] == []


def test_russian_claims_page_reads_neutrally_and_keeps_the_year_mark_with_the_year(client, claims):
    page = client.get("/ru/claims/").content.decode()
    assert "Опубликованные заявления, сверенные с реестром" in page
    assert "громк" not in page
    assert "2020\u00a0г." in page
    home = client.get("/ru/").content.decode()
    assert "г.." not in home and "2026\u00a0г." in home


def test_amounts_are_single_unbreakable_pieces_in_every_language(client, claims):
    for language in ("en", "ru", "zh-hans"):
        page = client.get(f"/{language}/claims/").content.decode()
        amounts = re.findall(r'<span class="nowrap">([^<]*)</span>', page)
        assert amounts, language
        assert not [a for a in amounts if " " in a or "\u202f" in a], language
