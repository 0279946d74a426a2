"""GET /api/v1/companies/ and /api/v1/companies/{slug}/: fields, filters, search, ordering,
both kinds of paging, sparse fields, drafts, conditional requests and query counts."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import filters, services
from companies.models import Company
from tests.factories import CompanyFactory, ReportFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/companies/"


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [company["slug"] for company in response.json()["results"]]


def report(company, declared=None, jobs=None, realised=None, day=date(2020, 12, 31)):
    ReportFactory(
        company=company,
        reported_on=day,
        declared_investment=declared,
        realised_investment=realised,
        direct_jobs=jobs,
    )


@pytest.fixture
def four_companies_and_a_draft():
    """Four published companies and a draft:

    - alpha (CN, electronics), since 2016, declared 10M, 20 jobs;
    - beta (BY, logistics), since 2018, declared 5M, no jobs reported;
    - Gamma (BY, electronics), since 2019-07-01, no reports;
    - delta (DE, logistics), an applicant, declared 7M, 3 jobs;
    - Drafty (CN, electronics), unpublished, since 2017, declared 99M.
    """
    electronics = SectorFactory(slug="electronics", name_en="Electronics", name_ru="Электроника")
    logistics = SectorFactory(slug="logistics", name_en="Logistics", name_ru="Логистика")
    alpha = CompanyFactory(
        name="alpha", slug="alpha", country="CN", sector=electronics,
        resident_since=date(2016, 5, 1), description_en="Makes 5G routers.",
        description_ru="Производит маршрутизаторы 5G.", website="https://alpha.example",
    )  # fmt: skip
    report(alpha, declared=Decimal("10000000"), jobs=20, realised=Decimal("1000000"))
    beta = CompanyFactory(
        name="beta", slug="beta", country="BY", sector=logistics, resident_since=date(2018, 3, 1),
        description_en="Rail freight and warehouses.",
    )  # fmt: skip
    report(beta, declared=Decimal("5000000"))
    gamma = CompanyFactory(
        name="Gamma", slug="gamma", country="BY", sector=electronics,
        resident_since=date(2019, 7, 1), legal_name="Gamma Optics JSC",
    )  # fmt: skip
    delta = CompanyFactory(
        name="delta", slug="delta", country="DE", sector=logistics, applicant=True
    )
    report(delta, declared=Decimal("7000000"), jobs=3)
    drafty = CompanyFactory(
        name="Drafty", slug="drafty", country="CN", sector=electronics, is_published=False,
        resident_since=date(2017, 1, 1), description_en="Secret routers.",
    )  # fmt: skip
    report(drafty, declared=Decimal("99000000"), jobs=500)
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta, "drafty": drafty}


@pytest.fixture
def reader():
    """A signed-in user with no permissions on the register."""
    return UserFactory(username="reader")


# --- Fields --------------------------------------------------------------------------


def test_company_detail_has_every_field_with_current_figures_and_their_provenance(
    api, four_companies_and_a_draft
):
    body = api.get(f"{LIST}alpha/").json()

    assert body == {
        "slug": "alpha",
        "url": "http://testserver/api/v1/companies/alpha/",
        "name": "alpha",
        "legal_name": "alpha LLC",
        "country": {"code": "CN", "name": "China", "flag": "🇨🇳"},
        "sector": {"slug": "electronics", "name": "Electronics"},
        "status": "resident",
        "resident_since": "2016-05-01",
        "exited_on": None,
        "exit_reason": "",
        "description": "Makes 5G routers.",
        "website": "https://alpha.example",
        "declared_investment": "10000000.00",
        "realised_investment": "1000000.00",
        "direct_jobs": 20,
        "is_published": True,
        "version": four_companies_and_a_draft["alpha"].__class__.objects.get(slug="alpha").version,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "reports_url": "http://testserver/api/v1/companies/alpha/reports/",
        "as_of": timezone.localdate().isoformat(),
        "declared_investment_reported_on": "2020-12-31",
        "declared_investment_source": "Annual report",
        "realised_investment_reported_on": "2020-12-31",
        "realised_investment_source": "Annual report",
        "direct_jobs_reported_on": "2020-12-31",
        "direct_jobs_source": "Annual report",
    }
    created = datetime.fromisoformat(body["created_at"])
    assert created.utcoffset() == timedelta(hours=3)  # Europe/Minsk, as reports give it
    assert created <= timezone.now()


def test_names_are_in_the_language_asked_for_and_fall_back_to_english(
    api, four_companies_and_a_draft
):
    alpha = api.get(f"{LIST}alpha/", HTTP_ACCEPT_LANGUAGE="ru")
    beta = api.get(f"{LIST}beta/", HTTP_ACCEPT_LANGUAGE="ru").json()

    assert alpha["Content-Language"] == "ru"
    assert alpha.json()["country"]["name"] == "Китай"
    assert alpha.json()["sector"]["name"] == "Электроника"
    assert alpha.json()["description"] == "Производит маршрутизаторы 5G."
    # beta has no Russian description: the English one stands in.
    assert beta["description"] == "Rail freight and warehouses."


def test_list_items_have_the_same_fields_as_the_detail(api, four_companies_and_a_draft):
    listed = next(c for c in api.get(LIST).json()["results"] if c["slug"] == "alpha")
    assert listed == api.get(f"{LIST}alpha/").json()


def test_sparse_fields_return_only_the_named_fields(api, four_companies_and_a_draft):
    body = api.get(LIST, {"fields": "slug,name,country"}).json()
    assert body["results"][0] == {
        "slug": "alpha",
        "name": "alpha",
        "country": {"code": "CN", "name": "China", "flag": "🇨🇳"},
    }
    assert api.get(f"{LIST}beta/", {"fields": "direct_jobs"}).json() == {"direct_jobs": None}


@pytest.mark.parametrize("fields", ["name,colour", ",", "password"])
def test_unknown_sparse_field_is_refused_naming_fields(api, four_companies_and_a_draft, fields):
    response = api.get(LIST, {"fields": fields})
    assert response.status_code == 400
    assert list(response.json()) == ["fields"]
    assert api.get(f"{LIST}alpha/", {"fields": fields}).status_code == 400


# --- Filters and search --------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "BY"}, ["beta", "gamma"]),
        ({"country": ["BY", "DE"]}, ["beta", "delta", "gamma"]),
        ({"sector": "logistics"}, ["beta", "delta"]),
        ({"status": "applicant"}, ["delta"]),
        ({"status": ["resident", "applicant"], "country": "DE"}, ["delta"]),
        ({"resident_since_after": "2017-01-01"}, ["beta", "gamma"]),
        ({"resident_since_before": "2018-03-01"}, ["alpha", "beta"]),
        ({"declared_investment_min": "6000000"}, ["alpha", "delta"]),
        ({"declared_investment_max": "7000000"}, ["beta", "delta"]),
        ({"direct_jobs_min": "1", "direct_jobs_max": "5"}, ["delta"]),
        ({"realised_investment_min": "1"}, ["alpha"]),
    ],
)
def test_filters_select_the_matching_companies(api, four_companies_and_a_draft, params, expected):
    assert slugs(api.get(LIST, params)) == expected


def test_updated_since_returns_only_companies_changed_since(api, four_companies_and_a_draft):
    since = timezone.now()
    services.company_update(
        company=four_companies_and_a_draft["gamma"], fields={"website": "https://g.example"}
    )
    assert slugs(api.get(LIST, {"updated_since": since.isoformat()})) == ["gamma"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("routers", ["alpha"]),  # English description
        ("маршрутизаторы", ["alpha"]),  # Russian description
        ("optics", ["gamma"]),  # legal name
        ("BETA", ["beta"]),  # name, any case
        ("rail warehouses", ["beta"]),  # every word
        ("rail routers", []),
    ],
)
def test_search_finds_words_in_names_and_descriptions(
    api, four_companies_and_a_draft, q, expected
):
    assert slugs(api.get(LIST, {"q": q})) == expected


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("country", "XX"),
        ("sector", "no-such-sector"),
        ("status", "bankrupt"),
        ("resident_since_after", "2020-13-01"),
        ("declared_investment_min", "lots"),
        ("updated_since", "yesterday"),
        ("ordering", "colour"),
        ("page_size", "0"),
        ("page_size", "501"),
        ("page_size", "ten"),
        ("page", "0"),
        ("cursor", "not-a-cursor"),
        ("format", "xml"),
    ],
)
def test_bad_query_parameter_answers_400_naming_it(api, four_companies_and_a_draft, param, value):
    response = api.get(LIST, {param: value})
    assert response.status_code == 400
    body = response.json()
    assert param.split("_after")[0].split("_min")[0] in body
    assert all(isinstance(reason, str) and reason for reason in next(iter(body.values())))


def test_an_unknown_query_parameter_is_refused_naming_it_and_the_closest_known_one(
    api, four_companies_and_a_draft
):
    response = api.get(LIST, {"country": "CN", "jobs_min": "101", "xyzzy": "1"})
    assert response.status_code == 400
    body = response.json()
    assert body == {
        "jobs_min": ["Unknown parameter; did you mean direct_jobs_min?"],
        "xyzzy": body["xyzzy"],
    }
    assert body["xyzzy"][0].startswith("Unknown parameter; this endpoint takes: ")
    assert "direct_jobs_min, fields, format" in body["xyzzy"][0]


# --- Ordering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["alpha", "beta", "delta", "gamma"]),  # names, case-insensitively
        ("name", ["alpha", "beta", "delta", "gamma"]),
        ("-name", ["gamma", "delta", "beta", "alpha"]),
        ("resident_since", ["alpha", "beta", "gamma", "delta"]),  # applicant last
        ("-resident_since", ["gamma", "beta", "alpha", "delta"]),
        ("declared_investment", ["beta", "delta", "alpha", "gamma"]),  # unknown last
        ("-declared_investment", ["alpha", "delta", "beta", "gamma"]),
        ("-direct_jobs", ["alpha", "delta", "gamma", "beta"]),  # ties newest first
    ],
)
@pytest.mark.parametrize("paging", [{}, {"page": "1"}])
def test_ordering_sorts_with_missing_figures_last(
    api, four_companies_and_a_draft, ordering, expected, paging
):
    params = {**paging, **({"ordering": ordering} if ordering else {})}
    assert slugs(api.get(LIST, params)) == expected


# --- Paging --------------------------------------------------------------------------


def walk(api, params) -> list[str]:
    """Follow the next links from the first page to the last."""
    seen, url, pages = [], LIST, 0
    response = api.get(url, params)
    while True:
        pages += 1
        seen += slugs(response)
        next_url = response.json()["next"]
        if next_url is None:
            return seen
        assert f'<{next_url}>; rel="next"' in response["Link"]
        assert pages < 500
        response = api.get(next_url)


@pytest.fixture
def many():
    """40 published residents with many equal and many missing figures."""
    sector = SectorFactory(slug="many")
    for n in range(40):
        company = CompanyFactory(
            name=f"Co {n:02d}", sector=sector, resident_since=date(2015, 1, 1) + timedelta(n % 7)
        )
        if n % 3:
            report(company, declared=Decimal(1000 * (n % 4)), jobs=n % 5 or None)
    return Company.objects.all()


def expected_order(companies, field, descending):
    """By the field, ties by primary key, both in the sort's direction; missing last."""
    valued = [c for c in companies if getattr(c, field) is not None]
    missing = [c for c in companies if getattr(c, field) is None]
    valued.sort(key=lambda c: (getattr(c, field), c.pk), reverse=descending)
    missing.sort(key=lambda c: c.pk, reverse=descending)
    return [c.slug for c in valued + missing]


@pytest.mark.parametrize(
    "ordering",
    [None, "-name", "declared_investment", "-declared_investment", "-direct_jobs",
     "resident_since", "-resident_since"],
)  # fmt: skip
def test_cursor_paging_walks_every_company_once_in_order(api, many, ordering):
    params = {"page_size": 3, **({"ordering": ordering} if ordering else {})}
    walked = walk(api, params)

    numbered = slugs(api.get(LIST, {**params, "page_size": 500, "page": 1}))
    assert walked == numbered
    assert len(walked) == len(set(walked)) == 40
    if ordering and ordering.lstrip("-") != "name":
        field = ordering.lstrip("-")
        assert walked == expected_order(many, field, ordering.startswith("-"))


@pytest.mark.parametrize(
    "ordering", [None, "-name", "declared_investment", "-direct_jobs", "resident_since"]
)
def test_a_search_pages_in_the_same_order_as_the_list(api, many, ordering):
    """A search that narrows sorts its matches in a shape of its own (filters.sort_expression);
    the order, ties and cursors are the list's."""
    CompanyFactory(name="Co hidden", sector=many.first().sector, description_en="Not here.")
    params = {"page_size": 4, **({"ordering": ordering} if ordering else {})}
    listed = [slug for slug in walk(api, params) if slug != "co-hidden"]
    assert walk(api, {**params, "q": "things"}) == listed
    assert slugs(api.get(LIST, {**params, "q": "things", "page_size": 500, "page": 1})) == listed


def plan_with_sorting_dear(sql: str) -> str:
    """PostgreSQL's plan of `sql` with sorting made as dear as it can be."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_a_search_is_matched_before_it_is_sorted(api, many):
    """The planner may not walk the name index filtering row by row (a word's matches
    cluster in name order, so the walk can cross the whole register): even with sorting
    made dear, the plan finds the matches and sorts them."""
    with CaptureQueriesContext(connection) as captured:
        assert len(slugs(api.get(LIST, {"q": "things", "country": "CN", "page_size": 5}))) == 5
    listing = next(q["sql"] for q in captured.captured_queries if "LIKE" in q["sql"])
    plan = plan_with_sorting_dear(listing)
    assert "company_name_ci_idx" not in plan
    assert "Sort" in plan


@pytest.mark.parametrize("ordering", [None, "-name", "declared_investment", "resident_since"])
@pytest.mark.parametrize("few", [True, False])
def test_a_list_as_of_a_day_pages_in_one_order_however_it_is_planned(
    api, many, monkeypatch, ordering, few
):
    """With few companies resident by the day the list finds them before it sorts them
    (filters.FEW_REGISTERED), else it walks the sort's index: the same rows, order and
    cursors either way."""
    monkeypatch.setattr(filters, "FEW_REGISTERED", 1_000 if few else 0)
    params = {
        "page_size": 3,
        "as_of": "2015-01-05",
        **({"ordering": ordering} if ordering else {}),
    }
    expected = slugs(api.get(LIST, {**params, "page_size": 500, "page": 1}))
    assert len(expected) == 30  # resident from 1 to 5 January 2015
    assert walk(api, params) == expected
    if ordering in (None, "-name"):
        assert expected == sorted(expected, reverse=ordering == "-name")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_a_list_as_of_an_early_day_is_matched_before_it_is_sorted(api, many):
    """The few residents of an early day cluster in name order (the oldest names first),
    so a walk of the name index filtering by residence can cross the whole register."""
    with CaptureQueriesContext(connection) as captured:
        assert len(slugs(api.get(LIST, {"as_of": "2015-01-02", "page_size": 5}))) == 5
    listing = next(q["sql"] for q in captured.captured_queries if "LIMIT 6" in q["sql"])
    plan = plan_with_sorting_dear(listing)
    assert "company_name_ci_idx" not in plan
    assert "Sort" in plan


def test_cursor_paging_deep_in_the_rows_without_a_figure(api, many):
    """Pages that start inside the missing-figure segment continue by primary key."""
    walked = walk(api, {"page_size": 1, "ordering": "-direct_jobs"})
    assert walked == expected_order(many, "direct_jobs", True)


def test_cursor_paging_has_no_count_and_links_first_and_next(api, many):
    response = api.get(LIST, {"page_size": 10})
    body = response.json()
    assert "count" not in body
    assert body["previous"] is None
    assert 'rel="first"' in response["Link"]
    assert "cursor=" in body["next"]


def test_cursor_made_for_another_ordering_is_refused(api, many):
    next_url = api.get(LIST, {"page_size": 5, "ordering": "-direct_jobs"}).json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    response = api.get(LIST, {"page_size": 5, "ordering": "name", "cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_cursor_paging_by_several_fields_is_refused(api, many):
    response = api.get(LIST, {"ordering": "resident_since,name"})
    assert response.status_code == 400
    assert "ordering" in response.json()
    assert api.get(LIST, {"ordering": "resident_since,name", "page": 1}).status_code == 200


def test_page_number_paging_counts_and_links_every_page(api, many):
    response = api.get(LIST, {"page": 2, "page_size": 15})
    body = response.json()
    assert body["count"] == 40
    assert len(body["results"]) == 15
    assert body["next"].endswith("page=3&page_size=15")
    assert body["previous"].endswith("page=1&page_size=15")
    for rel in ("first", "last", "next", "prev"):
        assert f'rel="{rel}"' in response["Link"]
    assert len(api.get(LIST, {"page": 3, "page_size": 15}).json()["results"]) == 10


def test_page_beyond_the_last_answers_404_naming_page(api, many):
    response = api.get(LIST, {"page": 4, "page_size": 15})
    assert response.status_code == 404
    assert response.json() == {"page": ["Page 4 is beyond the last page, 3."]}


def test_first_page_of_an_empty_list_is_empty_not_missing(api, many):
    response = api.get(LIST, {"page": 1, "country": "FR"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_default_page_holds_50_companies(api):
    sector = SectorFactory(slug="bulk")
    Company.objects.bulk_create(
        Company(name=f"Bulk {n}", slug=f"bulk-{n}", country="CN", sector=sector,
                status="resident", resident_since=date(2020, 1, 1), is_published=True)
        for n in range(60)
    )  # fmt: skip
    assert len(api.get(LIST).json()["results"]) == 50


# --- Drafts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "Drafty"}, {"q": "secret"}, {"country": "CN"}, {"page": 1},
     {"ordering": "-declared_investment"}, {"declared_investment_min": "50000000"}],
)  # fmt: skip
def test_draft_company_is_absent_from_anonymous_list(api, four_companies_and_a_draft, params):
    assert "drafty" not in slugs(api.get(LIST, params))


def test_draft_is_absent_from_the_count_of_numbered_pages(api, four_companies_and_a_draft):
    assert api.get(LIST, {"page": 1}).json()["count"] == 4


def test_draft_detail_answers_404_exactly_like_a_missing_company(api, four_companies_and_a_draft):
    draft = api.get(f"{LIST}drafty/")
    missing = api.get(f"{LIST}no-such-company/")
    assert draft.status_code == missing.status_code == 404
    assert draft.content == missing.content
    assert api.get(f"{LIST}drafty/reports/").content == missing.content


def test_draft_is_hidden_from_a_reader_without_permissions(
    reader, token_for, four_companies_and_a_draft
):
    client = token_for(reader)
    assert "drafty" not in slugs(client.get(LIST))
    assert client.get(f"{LIST}drafty/").status_code == 404


def test_editor_sees_drafts_in_lists_and_details(editor_api, four_companies_and_a_draft):
    assert "drafty" in slugs(editor_api.get(LIST))
    assert editor_api.get(f"{LIST}drafty/").json()["is_published"] is False
    assert editor_api.get(LIST, {"page": 1}).json()["count"] == 5


def test_a_detail_read_by_an_editor_and_then_by_anyone_keeps_each_to_their_own(
    api, editor_api, four_companies_and_a_draft
):
    # The detail's rows are built once per process for each visibility (todays_rows).
    for _ in range(2):
        assert editor_api.get(f"{LIST}drafty/").status_code == 200
        assert api.get(f"{LIST}drafty/").status_code == 404
        assert api.get(f"{LIST}alpha/").json()["is_published"] is True


# --- Conditional requests ------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, f"{LIST}alpha/", f"{LIST}alpha/reports/"])
def test_repeated_read_with_its_etag_answers_304(api, four_companies_and_a_draft, url):
    first = api.get(url)
    assert first.status_code == 200
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    by_date = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304


def test_304_does_not_run_the_list_query(
    api, four_companies_and_a_draft, django_assert_max_num_queries
):
    etag = api.get(LIST)["ETag"]
    with django_assert_max_num_queries(1):  # the register's revision
        assert api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_etag_changes_when_the_register_changes(api, four_companies_and_a_draft):
    first = api.get(f"{LIST}alpha/")
    services.company_update(
        company=four_companies_and_a_draft["beta"], fields={"website": "https://b.example"}
    )
    after = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert api.get(f"{LIST}alpha/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_etag_differs_by_language_and_by_who_may_see_drafts(
    api, editor_api, four_companies_and_a_draft
):
    english = api.get(LIST)["ETag"]
    assert api.get(LIST, HTTP_ACCEPT_LANGUAGE="ru")["ETag"] != english
    assert editor_api.get(LIST)["ETag"] != english
    assert api.get(LIST, HTTP_IF_NONE_MATCH=editor_api.get(LIST)["ETag"]).status_code == 200


def test_head_answers_like_get_without_a_body(api, four_companies_and_a_draft):
    get, head = api.get(LIST), api.head(LIST)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]


def test_responses_vary_by_language_and_credentials(api, four_companies_and_a_draft):
    vary = api.get(LIST)["Vary"]
    for header in ("Accept", "Accept-Language", "Authorization"):
        assert header in vary


# --- Query counts --------------------------------------------------------------------


def queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    if response.streaming:
        b"".join(response.streaming_content)
    return len(context)


@pytest.fixture
def sixty():
    sectors = [SectorFactory(slug=f"s{n}") for n in range(3)]
    for n in range(60):
        company = CompanyFactory(name=f"Firm {n:02d}", sector=sectors[n % 3])
        if n % 2:
            report(company, declared=Decimal(n), jobs=n)


@pytest.mark.parametrize(
    "params",
    [{}, {"ordering": "-resident_since"}, {"page": 1}, {"q": "firm", "country": "CN"},
     {"ordering": "direct_jobs", "page": 2}, {"format": "csv"}, {"format": "ndjson"}],
)  # fmt: skip
def test_list_query_count_does_not_grow_with_page_size(
    api, sixty, params, django_assert_max_num_queries
):
    small = queries(api, LIST, {**params, "page_size": 5})
    with django_assert_max_num_queries(3):
        large = queries(api, LIST, {**params, "page_size": 50})
    assert small == large


def test_cursor_page_spanning_companies_with_and_without_a_figure_costs_one_query_more(
    api, sixty, django_assert_max_num_queries
):
    # 30 of the 60 have reported: a page of 5 reads one segment, a page of 50 both.
    ordering = {"ordering": "-declared_investment"}
    within = queries(api, LIST, {**ordering, "page_size": 5})
    with django_assert_max_num_queries(3):
        spanning = queries(api, LIST, {**ordering, "page_size": 50})
    assert spanning == within + 1


def test_editor_list_query_count_does_not_grow_with_page_size(
    editor_api, sixty, django_assert_max_num_queries
):
    small = queries(editor_api, LIST, {"page_size": 5})
    with django_assert_max_num_queries(8):
        assert queries(editor_api, LIST, {"page_size": 50}) == small


@pytest.mark.parametrize("url", [LIST, f"{LIST}alpha/", "/api/v1/stats/"])
def test_unacceptable_accept_header_answers_406_in_json(api, four_companies_and_a_draft, url):
    response = api.get(url, HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
