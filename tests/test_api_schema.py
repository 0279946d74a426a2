"""The OpenAPI schema validates, documents every error, and the API keeps to it under a
property-based fuzz run (Schemathesis)."""

from datetime import date

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.specs.openapi.checks import positive_data_acceptance

from park.wsgi import application
from tests.factories import ClaimFactory, CompanyFactory, ReportFactory, SectorFactory

SCHEMA = "/api/v1/schema/"


@pytest.mark.django_db
def test_schema_validates_against_the_openapi_specification(tmp_path):
    # --validate checks the schema against the OpenAPI 3 JSON schema; --fail-on-warn
    # fails on any view or field that drf-spectacular could not describe.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    assert "openapi: 3.0.3" in (tmp_path / "s.yaml").read_text()


@pytest.mark.django_db
def test_schema_is_served_and_documents_every_operations_errors(api):
    response = api.get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths) >= {
        "/api/v1/companies/", "/api/v1/companies/{slug}/",
        "/api/v1/companies/{company_slug}/reports/",
        "/api/v1/companies/{company_slug}/reports/{id}/", "/api/v1/stats/",
        "/api/v1/stats/years/", "/api/v1/countries/", "/api/v1/sectors/", "/api/v1/claims/",
        "/api/v1/auth/login/",
    }  # fmt: skip
    for path, operations in paths.items():
        for method, operation in operations.items():
            if path == "/api/v1/" or method == "parameters":
                continue
            assert "429" in operation["responses"], (path, method)
            if method != "get":
                assert {"400", "401"} & set(operation["responses"]), (path, method)
            else:
                assert "304" in operation["responses"] or path.endswith("/schema/"), path


@pytest.mark.django_db
def test_list_parameters_are_documented(api):
    operation = api.get(SCHEMA, {"format": "json"}).json()["paths"]["/api/v1/companies/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names >= {
        "q", "country", "sector", "status", "resident_since_after", "resident_since_before",
        "declared_investment_min", "declared_investment_max", "direct_jobs_min",
        "updated_since", "ordering", "fields", "cursor", "page", "page_size", "format",
    }  # fmt: skip
    assert set(operation["responses"]["200"]["content"]) == {
        "application/json", "text/csv", "application/x-ndjson"
    }  # fmt: skip
    # The exports also have an operation each, with one format, which generated clients
    # parse right.
    paths = api.get(SCHEMA, {"format": "json"}).json()["paths"]
    for path, media_type in [
        ("export.csv", "text/csv"),
        ("export.ndjson", "application/x-ndjson"),
    ]:
        export = paths[f"/api/v1/companies/{path}"]["get"]
        assert set(export["responses"]["200"]["content"]) == {media_type}
        assert {"q", "country", "ordering"} <= {p["name"] for p in export["parameters"]}


@pytest.mark.django_db
def test_interactive_docs_are_served_from_the_projects_own_static_files(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    # The page's own script is a separate file (no inline script): it loads the schema.
    assert '<script src="/api/docs/?script="></script>' in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"] == "application/javascript"
    assert "/api/v1/schema/" in script.content.decode()
    # collectstatic gathers it with the rest of the static files.
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


# --- Fuzzing -------------------------------------------------------------------------


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI app must not close the test's database connection,
    as Django's own test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzzed_register(db, in_process_requests, monkeypatch):
    """A small register, and limits that a fuzz run does not reach."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {
        "anon": "100000/min", "user": "100000/min", "export": "100000/min", "login": "100000/min",
    })  # fmt: skip
    sector = SectorFactory(slug="logistics")
    alpha = CompanyFactory(name="Alpha", slug="alpha", sector=sector)
    ReportFactory(company=alpha, reported_on=date(2020, 1, 1))
    CompanyFactory(name="Draft", slug="draft", sector=sector, is_published=False)
    CompanyFactory(name="Applicant", slug="applicant", sector=sector, applicant=True)
    ClaimFactory(companies=2)


@pytest.fixture
def api_schema(fuzzed_register):
    return schemathesis.openapi.from_wsgi(f"{SCHEMA}?format=json", application)


@pytest.fixture
def write_schema(fuzzed_register):
    loaded = schemathesis.openapi.from_wsgi(f"{SCHEMA}?format=json", application)
    # The coverage phase tries every boundary of every field: too slow for each write.
    loaded.config.phases.coverage.enabled = False
    return loaded


FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much
    ],
)  # fmt: skip
# Every check but one: a request can fit the schema and still break a rule that no
# schema expresses (a wrong password, a name already taken, an exit before residence),
# and those answer 4xx by design.
EXCLUDED = [positive_data_acceptance]
# The in-process transport hands over the body as sent; compressed bodies are the
# proxy's and the browser's business, tested in test_feed_and_transport.
PLAIN = {"Accept-Encoding": "identity"}


@schemathesis.pytest.from_fixture("api_schema").parametrize()
@FUZZ
def test_api_keeps_to_its_schema_for_anonymous_clients(case):
    case.call_and_validate(headers=PLAIN, excluded_checks=EXCLUDED)


@(
    schemathesis.pytest.from_fixture("write_schema")
    .include(method=["POST", "PUT", "PATCH", "DELETE"])
    .parametrize()
)
@settings(FUZZ, max_examples=25)
def test_api_keeps_to_its_schema_for_an_editors_writes(case, editor):
    _, token = AuthToken.objects.create(user=editor)
    case.call_and_validate(
        headers={**PLAIN, "Authorization": f"Token {token}"}, excluded_checks=EXCLUDED
    )
