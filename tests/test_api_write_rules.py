"""API writes: a body field the endpoint does not take is a 400 naming it; numbers are
never coerced from other notations; a write that changes nothing saves nothing; a
committed write answers with the record, never 404."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission

from companies.models import Company, Report
from tests.factories import CompanyFactory, ReportFactory, SectorFactory, UserFactory

LIST = "/api/v1/companies/"


@pytest.fixture
def acme(db):
    company = CompanyFactory(name="Acme", slug="acme", sector=SectorFactory(slug="logistics"))
    ReportFactory(company=company, reported_on=date(2020, 12, 31), direct_jobs=10)
    return company


def history_of(company: Company) -> int:
    return company.history.count()


@pytest.mark.parametrize("body", [{"nmae": "Acme Two"}, {"name": "Acme Two", "version": 9}])
def test_a_body_field_the_endpoint_does_not_take_is_a_400_naming_it(editor_api, acme, body):
    acme.refresh_from_db()
    before = (acme.name, acme.version, history_of(acme))
    response = editor_api.patch(f"{LIST}acme/", body, format="json")
    assert response.status_code == 400
    unknown = next(name for name in body if name != "name")
    assert list(response.json()) == [unknown]
    acme.refresh_from_db()
    assert (acme.name, acme.version, history_of(acme)) == before


def test_an_unknown_field_of_a_report_or_a_login_is_a_400_naming_it(api, editor_api, acme):
    report = acme.reports.get()
    response = editor_api.patch(f"{LIST}acme/reports/{report.pk}/", {"jobs": 12}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["jobs"]
    login = api.post(
        "/api/v1/auth/login/", {"username": "x", "password": "y", "otp": "1"}, format="json"
    )
    assert login.status_code == 400
    assert list(login.json()) == ["otp"]


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("direct_jobs", '"7"'),
        ("direct_jobs", "7.0"),
        ("direct_jobs", "true"),
        ("declared_investment", "1e5"),
        ("declared_investment", '"1e5"'),
        ("declared_investment", '"1_000"'),
        ("declared_investment", '"１０００"'),
        ("declared_investment", '"NaN"'),
        ("reported_on", '"20210630"'),
        ("reported_on", '"٢٠٢١-٠٦-٣٠"'),
    ],
)
def test_a_number_or_day_in_another_notation_is_a_400_naming_the_field(
    editor_api, acme, field, text
):
    report = acme.reports.get()
    response = editor_api.patch(
        f"{LIST}acme/reports/{report.pk}/",
        f'{{"{field}": {text}}}',
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    report.refresh_from_db()
    assert report.version == 1


def test_amounts_as_decimal_strings_and_plain_json_numbers_are_accepted(editor_api, acme):
    report = acme.reports.get()
    path = f"{LIST}acme/reports/{report.pk}/"
    body = '{"declared_investment": "1234567.89", "realised_investment": 1000, "direct_jobs": 12}'
    assert editor_api.patch(path, body, content_type="application/json").status_code == 200
    report.refresh_from_db()
    assert (str(report.declared_investment), report.realised_investment, report.direct_jobs) == (
        "1234567.89", 1000, 12
    )  # fmt: skip


def test_a_write_that_changes_nothing_creates_no_version_and_no_history(editor_api, acme):
    detail = editor_api.get(f"{LIST}acme/")
    before = (detail.json()["version"], history_of(acme), detail["ETag"])
    same = {"name": "Acme", "country": "CN", "website": "", "is_published": True}
    response = editor_api.patch(f"{LIST}acme/", same, format="json")
    assert response.status_code == 200
    assert (response.json()["version"], history_of(acme), response["ETag"]) == before
    report = acme.reports.get()
    reports_before = Report.history.filter(id=report.pk).count()
    response = editor_api.patch(
        f"{LIST}acme/reports/{report.pk}/", {"direct_jobs": 10}, format="json"
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.version == 1
    assert Report.history.filter(id=report.pk).count() == reports_before


def test_a_write_that_changes_something_still_raises_the_version(editor_api, acme):
    version = editor_api.get(f"{LIST}acme/").json()["version"]
    response = editor_api.patch(f"{LIST}acme/", {"website": "https://acme.example"}, format="json")
    assert response.json()["version"] == version + 1


def test_a_rename_of_the_slug_answers_200_with_the_new_address(editor_api, acme):
    response = editor_api.patch(f"{LIST}acme/", {"slug": "acme-industries"}, format="json")
    assert response.status_code == 200
    assert response["Location"].endswith(f"{LIST}acme-industries/")
    assert editor_api.get(response["Location"]).status_code == 200


@pytest.fixture
def writer_who_cannot_see_drafts(token_for, db):
    """May add and change companies, but not view drafts (no view_company)."""
    user = UserFactory(username="writer")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["add_company", "change_company"])
    )
    return token_for(user)


def test_a_committed_write_never_answers_404(writer_who_cannot_see_drafts, acme):
    api = writer_who_cannot_see_drafts
    draft = {"name": "Quiet Draft", "country": "BY", "sector": "logistics",
             "status": "applicant", "is_published": False}  # fmt: skip
    created = api.post(LIST, draft, format="json")
    assert created.status_code == 201
    assert created.json()["name"] == "Quiet Draft"
    hidden = api.patch(f"{LIST}acme/", {"is_published": False}, format="json")
    assert hidden.status_code == 200
    assert hidden.json()["is_published"] is False
    assert not Company.objects.get(slug="acme").is_published


def test_a_bad_fields_parameter_refuses_the_write_before_anything_is_written(editor_api, acme):
    response = editor_api.patch(
        f"{LIST}acme/?fields=colour", {"website": "https://acme.example"}, format="json"
    )
    assert response.status_code == 400
    acme.refresh_from_db()
    assert acme.website == ""
