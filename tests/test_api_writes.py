"""Writes through the API: the permission matrix, validation, optimistic concurrency
(If-Match / 412) and consistency with the admin's services (figures, history)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from companies.models import Company, Report
from tests.factories import CompanyFactory, ReportFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/companies/"


@pytest.fixture
def sector():
    return SectorFactory(slug="logistics")


@pytest.fixture
def acme(sector):
    company = CompanyFactory(name="Acme", slug="acme", sector=sector)
    ReportFactory(company=company, reported_on=date(2020, 12, 31), direct_jobs=10)
    return company


def new_company(**overrides) -> dict:
    return {
        "name": "Zubr Logistics",
        "country": "BY",
        "sector": "logistics",
        "status": "resident",
        "resident_since": "2020-02-03",
        "description_en": "Rail freight.",
        "is_published": True,
        **overrides,
    }


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- The permission matrix -----------------------------------------------------------


def _clients(editor, token_for):
    reader = UserFactory(username="reader")
    expired_user = UserFactory(username="expired", is_staff=True)
    expired_user.groups.set(editor.groups.all())
    _, expired = AuthToken.objects.create(user=expired_user, expiry=timedelta(seconds=-1))
    revoked_user = UserFactory(username="revoked")
    revoked_user.groups.set(editor.groups.all())
    revoked = token_for(revoked_user)
    revoked_user.auth_token_set.all().delete()
    return {
        "anonymous": (APIClient(), 401),
        "bad token": (client_with("0" * 64), 401),
        "expired token": (client_with(expired), 401),
        "revoked token": (revoked, 401),
        "reader": (token_for(reader), 403),
    }


def _unsafe_requests(acme):
    report = acme.reports.get()
    company_url = f"{LIST}acme/"
    report_url = f"{company_url}reports/{report.pk}/"
    report_body = {"reported_on": "2021-12-31", "direct_jobs": 12, "source": "Letter"}
    return [
        ("post", LIST, new_company()),
        ("put", company_url, new_company(name="Acme")),
        ("patch", company_url, {"website": "https://acme.example"}),
        ("post", f"{company_url}reports/", report_body),
        ("put", report_url, {**report_body, "reported_on": "2019-12-31"}),
        ("patch", report_url, {"direct_jobs": 11}),
        ("delete", report_url, None),
        ("delete", company_url, None),
    ]


@pytest.mark.parametrize(
    "who", ["anonymous", "bad token", "expired token", "revoked token", "reader"]
)
def test_unsafe_method_is_refused_and_changes_nothing(editor, token_for, acme, who):
    client, status = _clients(editor, token_for)[who]
    before = (
        list(Company.objects.values()),
        list(Report.objects.values()),
    )
    for method, url, body in _unsafe_requests(acme):
        response = getattr(client, method)(url, body)
        assert response.status_code == status, (method, url, response.content)
        assert "detail" in response.json()
    assert (list(Company.objects.values()), list(Report.objects.values())) == before


def test_refusal_without_credentials_says_how_to_authenticate(api, acme):
    response = api.patch(f"{LIST}acme/", {"website": "https://acme.example"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_reads_work_for_every_caller_with_a_valid_or_no_token(editor, token_for, acme):
    clients = _clients(editor, token_for)
    for who in ("anonymous", "reader"):
        assert clients[who][0].get(f"{LIST}acme/").status_code == 200
    # A bad token is refused even for a read, rather than silently ignored.
    assert clients["bad token"][0].get(f"{LIST}acme/").status_code == 401


def test_editor_may_do_every_unsafe_method(editor_api, acme):
    for method, url, body in _unsafe_requests(acme):
        response = getattr(editor_api, method)(url, body)
        assert response.status_code in (200, 201, 204), (method, url, response.content)


def test_permissions_follow_the_users_django_permissions(token_for, acme):
    """A user granted only `change_company` may change but not delete companies."""
    user = UserFactory(username="changer")
    user.user_permissions.add(Permission.objects.get(codename="change_company"))
    client = token_for(user)
    assert client.patch(f"{LIST}acme/", {"website": "https://a.example"}).status_code == 200
    assert client.delete(f"{LIST}acme/").status_code == 403
    assert client.post(LIST, new_company()).status_code == 403


# --- Companies -----------------------------------------------------------------------


def test_editor_creates_a_company(editor_api, sector):
    response = editor_api.post(LIST, new_company(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "zubr-logistics"
    assert body["country"]["code"] == "BY"
    assert body["description"] == "Rail freight."
    assert body["declared_investment"] is None
    assert response["Location"] == "http://testserver/api/v1/companies/zubr-logistics/"
    assert response["ETag"]
    assert Company.objects.get(slug="zubr-logistics").sector == sector


def _last_change(history):
    """The newest history entry and what it changed against the one before, derived
    figures included: {field: (old, new)}, bookkeeping left out."""
    newer, older = history.order_by("-history_id")[:2]
    changes = {}
    for field in newer.tracked_fields:
        old, new = getattr(older, field.attname), getattr(newer, field.attname)
        if old != new and field.name not in ("version", "updated_at"):
            changes[field.name] = (old, new)
    return newer, changes


def test_api_writes_enter_the_history_with_the_user_and_the_values_before_and_after(
    editor, editor_api, acme
):
    editor_api.patch(f"{LIST}acme/", {"legal_name": "Acme Holdings"})
    entry, changes = _last_change(acme.history)
    assert (entry.history_user, entry.history_type) == (editor, "~")
    assert changes == {"legal_name": (acme.legal_name, "Acme Holdings")}

    created = editor_api.post(
        f"{LIST}acme/reports/", {"reported_on": "2021-12-31", "direct_jobs": 25, "source": "AR"}
    ).json()
    report = Report.history.get(id=created["id"], history_type="+")
    assert (report.history_user, report.direct_jobs) == (editor, 25)
    # The company's figures follow the report, in its history too, by the same user.
    entry, changes = _last_change(acme.history)
    assert (entry.history_user, changes) == (
        editor,
        {
            "direct_jobs": (10, 25),
            "direct_jobs_reported_on": (date(2020, 12, 31), date(2021, 12, 31)),
            "direct_jobs_source": ("Annual report", "AR"),
        },
    )

    editor_api.delete(f"{LIST}acme/reports/{created['id']}/")
    assert Report.history.get(id=created["id"], history_type="-").history_user == editor
    editor_api.delete(f"{LIST}acme/")
    deleted = acme.history.get(history_type="-")
    assert (deleted.history_user, deleted.legal_name) == (editor, "Acme Holdings")


@pytest.fixture
def alice_api(editor, token_for):
    """Another editor's client, writing at the same time."""
    alice = UserFactory(username="alice")
    alice.groups.set(editor.groups.all())
    return token_for(alice)


@pytest.mark.parametrize(
    ("meanwhile", "changed"),
    [
        (lambda api: api.patch(f"{LIST}acme/", {"legal_name": "Acme JSC"}), ["legal_name"]),
        (
            lambda api: api.post(
                f"{LIST}acme/reports/",
                {"reported_on": "2021-12-31", "direct_jobs": 30, "source": "AR 2021"},
            ),
            ["direct_jobs", "direct_jobs_reported_on", "direct_jobs_source"],
        ),
        (
            lambda api: api.patch(
                f"{LIST}acme/", {"website": "https://acme.example", "status": "exited",
                                  "exited_on": "2022-01-31", "exit_reason": "Moved."}
            ),
            ["status", "exited_on", "exit_reason", "website"],
        ),
    ],
)  # fmt: skip
def test_a_write_after_another_editors_change_is_refused_naming_exactly_what_changed(
    editor_api, alice_api, acme, meanwhile, changed
):
    etag = editor_api.get(f"{LIST}acme/")["ETag"]
    assert meanwhile(alice_api).status_code in (200, 201)
    before = Company.objects.values().get(slug="acme")

    response = editor_api.patch(f"{LIST}acme/", {"name": "Acme Two"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    body = response.json()
    assert sorted(body["changed_fields"]) == sorted(changed)
    assert "changed by alice since you read it" in body["detail"]
    assert Company.objects.values().get(slug="acme") == before


def test_partial_update_changes_only_the_given_fields(editor_api, acme):
    response = editor_api.patch(f"{LIST}acme/", {"legal_name": "Acme Holdings"})
    assert response.status_code == 200
    acme.refresh_from_db()
    assert acme.legal_name == "Acme Holdings"
    assert acme.name == "Acme"
    assert response.json()["version"] == acme.version


def test_put_replaces_the_editable_fields(editor_api, acme):
    response = editor_api.put(f"{LIST}acme/", new_company(name="Acme", website=""))
    assert response.status_code == 200, response.content
    assert response.json()["country"]["code"] == "BY"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"country": "XX"}, "country"),
        ({"sector": "no-such-sector"}, "sector"),
        ({"status": "bankrupt"}, "status"),
        ({"resident_since": "31.12.2020"}, "resident_since"),
        ({"resident_since": "2999-01-01"}, "resident_since"),
        ({"resident_since": None}, "non_field_errors"),  # a resident needs a date
        ({"status": "exited", "exited_on": "2021-01-01"}, "exit_reason"),
        ({"website": "not a url"}, "website"),
        ({"is_published": "perhaps"}, "is_published"),
        ({"name": ["a", "list"]}, "name"),
    ],
)
def test_invalid_company_is_refused_naming_the_field(editor_api, sector, body, field):
    response = editor_api.post(LIST, new_company(**body))
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Company.objects.exists()


def test_duplicate_name_in_another_case_is_refused(editor_api, acme):
    response = editor_api.post(LIST, new_company(name="ACME"))
    assert response.status_code == 400
    assert response.json() == {"name": ["A company with this name already exists."]}
    assert editor_api.patch(f"{LIST}acme/", {"name": "acme"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "status", "key"),
    [
        ("{not json", "application/json", 400, "non_field_errors"),
        ("name=Acme", "application/x-www-form-urlencoded", 415, "detail"),
    ],
)
def test_body_that_is_not_json_is_refused(editor_api, sector, body, content_type, status, key):
    response = editor_api.generic("POST", LIST, body, content_type=content_type)
    assert response.status_code == status
    assert key in response.json()
    assert not Company.objects.exists()


def test_editor_deletes_a_company_and_its_reports(editor_api, acme):
    assert editor_api.delete(f"{LIST}acme/").status_code == 204
    assert not Company.objects.exists()
    assert not Report.objects.exists()
    assert editor_api.get(f"{LIST}acme/").status_code == 404


# --- If-Match ------------------------------------------------------------------------


def test_write_with_the_current_etag_succeeds_and_returns_the_new_one(editor_api, acme):
    etag = editor_api.get(f"{LIST}acme/")["ETag"]
    response = editor_api.patch(
        f"{LIST}acme/", {"website": "https://a.example"}, HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert response["ETag"] != etag
    again = editor_api.patch(
        f"{LIST}acme/", {"website": "https://b.example"}, HTTP_IF_MATCH=response["ETag"]
    )
    assert again.status_code == 200


def test_write_based_on_a_stale_etag_answers_412_and_changes_nothing(editor_api, acme):
    etag = editor_api.get(f"{LIST}acme/")["ETag"]
    editor_api.patch(f"{LIST}acme/", {"legal_name": "Acme Holdings"})

    response = editor_api.patch(f"{LIST}acme/", {"legal_name": "Acme Ltd"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    body = response.json()
    assert "changed by editor" in body["detail"]
    assert "legal_name" in body["changed_fields"]
    acme.refresh_from_db()
    assert acme.legal_name == "Acme Holdings"
    assert body["version"] == acme.version
    assert editor_api.delete(f"{LIST}acme/", HTTP_IF_MATCH=etag).status_code == 412
    assert Company.objects.filter(slug="acme").exists()


@pytest.mark.parametrize("header", ['"v7"', "garbage", 'W/"x.y"'])
def test_if_match_that_is_no_etag_of_this_api_answers_412(editor_api, acme, header):
    response = editor_api.patch(
        f"{LIST}acme/", {"website": "https://a.example"}, HTTP_IF_MATCH=header
    )
    assert response.status_code == 412
    assert "If-Match" in response.json()["detail"]


def test_if_match_star_and_a_bare_version_are_accepted(editor_api, acme):
    version = editor_api.get(f"{LIST}acme/").json()["version"]
    changed = editor_api.patch(f"{LIST}acme/", {"website": "https://b.example"}, HTTP_IF_MATCH="*")
    assert changed.status_code == 200
    stale = editor_api.patch(f"{LIST}acme/", {"website": ""}, HTTP_IF_MATCH=f'"{version}"')
    assert stale.status_code == 412


# --- Reports -------------------------------------------------------------------------


def test_reports_sub_resource_lists_a_companys_reports_newest_first(api, acme):
    ReportFactory(company=acme, reported_on=date(2021, 12, 31), direct_jobs=15, source="AR 2021")
    body = api.get(f"{LIST}acme/reports/").json()
    assert body["count"] == 2
    assert [r["reported_on"] for r in body["results"]] == ["2021-12-31", "2020-12-31"]
    first = body["results"][0]
    assert first["direct_jobs"] == 15
    assert first["declared_investment"] == "1000000.00"
    assert api.get(first["url"]).json() == first


def test_reports_list_query_count_does_not_grow_with_the_number_of_reports(
    api, acme, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as one:
        assert api.get(f"{LIST}acme/reports/").json()["count"] == 1
    for year in range(2000, 2020):
        ReportFactory(company=acme, reported_on=date(year, 6, 30))
    with django_assert_max_num_queries(3):  # revision, company, reports
        assert api.get(f"{LIST}acme/reports/").json()["count"] == 21
    assert len(one) <= 3


def test_options_describes_the_endpoint_without_changing_anything(api, editor_api, acme):
    for client in (api, editor_api):
        response = client.options(LIST)
        assert response.status_code == 200
        assert "application/json" in response.json()["renders"]
    # Editors are shown what they may send.
    post = editor_api.options(LIST).json()["actions"]["POST"]
    assert post["sector"]["required"] is True
    assert "description_ru" in post
    assert "actions" not in api.options(LIST).json()
    report_post = editor_api.options(f"{LIST}acme/reports/").json()["actions"]["POST"]
    assert "reported_on" in report_post
    assert Company.objects.count() == 1


def test_adding_a_report_updates_the_companys_figures(editor_api, acme):
    response = editor_api.post(
        f"{LIST}acme/reports/",
        {"reported_on": "2021-12-31", "declared_investment": "2500000.50", "source": "AR 2021"},
    )
    assert response.status_code == 201, response.content
    assert response["Location"] == response.json()["url"]
    company = editor_api.get(f"{LIST}acme/").json()
    assert company["declared_investment"] == "2500000.50"
    assert company["direct_jobs"] == 10  # from the older report: the new one has no jobs


def test_deleting_the_latest_report_restores_the_older_figures(editor_api, acme):
    newer = ReportFactory(company=acme, reported_on=date(2021, 12, 31), direct_jobs=99)
    assert editor_api.get(f"{LIST}acme/").json()["direct_jobs"] == 99
    assert editor_api.delete(f"{LIST}acme/reports/{newer.pk}/").status_code == 204
    assert editor_api.get(f"{LIST}acme/").json()["direct_jobs"] == 10


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reported_on": "2020-12-31", "direct_jobs": 1}, "reported_on"),  # taken
        ({"reported_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
          "direct_jobs": 1}, "reported_on"),
        ({"reported_on": "2021-12-31", "direct_jobs": -1}, "direct_jobs"),
        ({"reported_on": "2021-12-31", "declared_investment": "-5"}, "declared_investment"),
        ({"reported_on": "2021-12-31", "declared_investment": "1.001"}, "declared_investment"),
        ({"reported_on": "2021-12-31", "declared_investment": "1e30"}, "declared_investment"),
        ({"reported_on": "2021-12-31", "direct_jobs": "many"}, "direct_jobs"),
        ({"reported_on": "2021-12-31"}, "non_field_errors"),  # no figure at all
        ({"direct_jobs": 1}, "reported_on"),
    ],
)  # fmt: skip
def test_invalid_report_is_refused_naming_the_field(editor_api, acme, body, field):
    response = editor_api.post(f"{LIST}acme/reports/", {"source": "AR", **body})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert acme.reports.count() == 1


def test_stale_report_update_answers_412(editor_api, acme):
    report = acme.reports.get()
    url = f"{LIST}acme/reports/{report.pk}/"
    etag = editor_api.get(url)["ETag"]
    assert editor_api.patch(url, {"direct_jobs": 11}, HTTP_IF_MATCH=etag).status_code == 200
    response = editor_api.patch(url, {"direct_jobs": 12}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["changed_fields"] == ["direct_jobs"]
    report.refresh_from_db()
    assert report.direct_jobs == 11


def test_report_of_another_company_is_not_found_under_this_one(editor_api, acme, sector):
    other = ReportFactory(company=CompanyFactory(name="Other", sector=sector))
    assert editor_api.get(f"{LIST}acme/reports/{other.pk}/").status_code == 404
    assert editor_api.delete(f"{LIST}acme/reports/{other.pk}/").status_code == 404
    assert Report.objects.filter(pk=other.pk).exists()


def test_reports_of_a_draft_are_editable_by_editors_only(api, editor_api, sector):
    CompanyFactory(name="Draft", slug="draft", sector=sector, is_published=False)
    body = {"reported_on": "2021-12-31", "direct_jobs": 3, "source": "AR"}
    assert editor_api.post(f"{LIST}draft/reports/", body).status_code == 201
    assert api.get(f"{LIST}draft/reports/").status_code == 404


def test_amounts_keep_their_cents(editor_api, acme):
    editor_api.post(
        f"{LIST}acme/reports/",
        {"reported_on": "2021-12-31", "declared_investment": "1234567.89", "source": "AR"},
    )
    acme.refresh_from_db()
    assert acme.declared_investment == Decimal("1234567.89")
    assert editor_api.get(f"{LIST}acme/").json()["declared_investment"] == "1234567.89"
