"""Every API endpoint refuses a query parameter it does not know, naming it and the
closest known name; the schema documents what each knows; pages ignore what they do not."""

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from companies.api.parameters import ALWAYS_KNOWN
from tests.factories import CompanyFactory, ReportFactory

pytestmark = pytest.mark.django_db

V1 = "/api/v1/"


@pytest.fixture
def acme():
    company = CompanyFactory(slug="acme")
    return ReportFactory(company=company)


def endpoints(report) -> list[tuple[str, str]]:
    company = f"{V1}companies/acme/"
    return [
        ("get", V1),
        ("get", f"{V1}companies/"),
        ("get", f"{V1}companies/export.csv"),
        ("get", f"{V1}companies/export.ndjson"),
        ("get", company),
        ("get", f"{company}reports/"),
        ("get", f"{company}reports/{report.pk}/"),
        ("get", f"{V1}removals/"),
        ("get", f"{V1}stats/"),
        ("get", f"{V1}stats/years/"),
        ("get", f"{V1}countries/"),
        ("get", f"{V1}sectors/"),
        ("get", f"{V1}claims/"),
        ("get", f"{V1}schema/"),
        ("post", f"{V1}companies/"),
        ("patch", company),
        ("delete", company),
        ("post", f"{company}reports/"),
        ("post", f"{V1}auth/login/"),
        ("post", f"{V1}auth/logout/"),
        ("post", f"{V1}auth/logout-all/"),
    ]


def test_an_unknown_parameter_on_every_endpoint_is_a_400_naming_it(editor_api, acme):
    for method, url in endpoints(acme):
        response = getattr(editor_api, method)(f"{url}?colour=blue", format="json")
        assert response.status_code == 400, (method, url, response.content)
        (message,) = response.json()["colour"]
        assert message.startswith("Unknown parameter"), (method, url)
    assert editor_api.get(V1).status_code == 200  # the parameter alone was refused


def test_a_misspelt_parameter_is_answered_with_the_closest_known_name(api, acme):
    hints = {
        f"{V1}companies/export.csv?country=CN&jobs_min=101": ("jobs_min", "direct_jobs_min"),
        f"{V1}companies/?Country=CN": ("Country", "country"),
        f"{V1}companies/acme/?asof=2020-01-01": ("asof", "as_of"),
        f"{V1}stats/?as-of=2020-01-01": ("as-of", "as_of"),
        f"{V1}removals/?snce=2020-01-01T00:00:00Z": ("snce", "since"),
        f"{V1}schema/?formats=json": ("formats", "format"),
    }
    for url, (name, closest) in hints.items():
        response = api.get(url)
        assert response.status_code == 400, url
        assert response.json()[name] == [f"Unknown parameter; did you mean {closest}?"], url


def test_the_refusal_is_in_the_language_asked_for(api, acme):
    response = api.get(f"{V1}companies/?jobs_min=1", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.json()["jobs_min"] == [
        "Неизвестный параметр; возможно, вы имели в виду direct_jobs_min?"
    ]


def test_the_same_unknown_parameter_on_a_page_is_ignored(client, acme):
    plain = client.get("/en/companies/?country=CN")
    tagged = client.get("/en/companies/?country=CN&jobs_min=101&utm_source=newsletter")
    assert tagged.status_code == 200
    assert [row["slug"] for row in tagged.context["page_obj"]] == [
        row["slug"] for row in plain.context["page_obj"]
    ]
    assert client.get("/en/companies/acme/?colour=blue").status_code == 200


def test_the_schema_documents_exactly_the_parameters_each_operation_knows():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    checked = 0
    for path, operations in schema["paths"].items():
        url = path.replace("{slug}", "acme").replace("{company_slug}", "acme").replace("{id}", "1")
        match = resolve(url)
        for method, operation in operations.items():
            documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            view = match.func.cls(**match.func.initkwargs)
            actions = getattr(match.func, "actions", None)
            view.action = actions.get(method) if actions else None
            known = set(view.known_parameters())
            assert documented - ALWAYS_KNOWN == known - ALWAYS_KNOWN, (method, path)
            checked += 1
    assert checked > 20
