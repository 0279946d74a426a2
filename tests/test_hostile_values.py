"""Hostile values answer 4xx naming what was wrong, never 500: digits that str.isdigit()
accepts but int() does not, NUL and control characters, numbers too large for a column,
deeply nested JSON. Then a fuzz run of every query parameter and body field of every
API operation (from the OpenAPI schema) and of the directory page (from its FilterSet)."""

import base64
import json
from datetime import date
from urllib.parse import quote

import pytest
from django.db import transaction
from rest_framework.throttling import SimpleRateThrottle

from companies.filters import filter_parameters
from tests.factories import CompanyFactory, ReportFactory, SectorFactory

LIST = "/api/v1/companies/"
PAGE = "/en/companies/"
UNICODE_DIGITS = ["²", "٣", "１", "߁", "১"]  # superscript, Arabic-Indic, full-width, NKo, Bengali


@pytest.fixture
def small_register(db):
    sector = SectorFactory(slug="logistics")
    company = CompanyFactory(name="Acme", slug="acme", sector=sector)
    report = ReportFactory(company=company, reported_on=date(2020, 1, 1))
    CompanyFactory(name="Draft", slug="draft", sector=sector, is_published=False)
    return report


def cursor(*parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
@pytest.mark.parametrize("parameter", ["page_size", "page"])
def test_paging_with_unicode_digits_is_a_400_naming_the_parameter(
    api, small_register, parameter, digit
):
    response = api.get(LIST, {parameter: digit})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_a_report_number_in_unicode_digits_is_no_report(api, small_register, digit):
    # A path that names nothing answers 404, as a report number that does not exist does.
    response = api.get(f"{LIST}acme/reports/{quote(digit)}/")
    assert response.status_code == 404
    assert response.json()["detail"] == "This company has no report with this number."


@pytest.mark.parametrize(
    ("ordering", "value"),
    [
        ("name", cursor("name", "Ac\x00me", 1)),
        ("-declared_investment", cursor("-declared_investment", "1e999999999", 1)),
        ("-declared_investment", cursor("-declared_investment", "NaN", 1)),
        ("-direct_jobs", cursor("-direct_jobs", 10**12, 1)),
        ("name", cursor("name", "Acme", 2**70)),
        ("name", "A" * 5000),
    ],
    ids=["nul", "huge-decimal", "nan", "huge-count", "huge-key", "long"],
)
def test_a_forged_cursor_is_a_400_naming_the_cursor(api, small_register, ordering, value):
    response = api.get(LIST, {"cursor": value, "ordering": ordering})
    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


@pytest.mark.parametrize("value", ["1e999999999", "1e5", "1_000", "１０００", "NaN", "-Infinity"])
def test_an_amount_that_is_not_plain_digits_is_a_400_on_the_api_and_the_page(
    api, client, small_register, value
):
    response = api.get(LIST, {"declared_investment_min": value})
    assert response.status_code == 400
    assert list(response.json()) == ["declared_investment"]
    page = client.get(PAGE, {"declared_investment_min": value})
    assert page.status_code == 400
    assert "Declared investment, USD: " in page.content.decode()


@pytest.mark.parametrize(
    ("value", "character"),
    [
        ("Ac\x00me", "U+0000"),
        ("a\x1bb", "U+001B"),
        ("\u202eemca", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ],
)
def test_control_characters_in_a_search_are_a_400_naming_it(
    api, client, small_register, value, character
):
    response = api.get(LIST, {"q": value})
    assert response.status_code == 400
    assert response.json()["q"][0].startswith(f"Remove the character {character}:")
    assert client.get(PAGE, {"q": value}).status_code == 400


def test_a_nul_in_a_slug_is_no_company(api, client, small_register):
    assert api.get(f"{LIST}ac%00me/").status_code == 404
    assert api.get(f"{LIST}ac%00me/reports/").status_code == 404
    assert client.get("/en/companies/ac%00me/").status_code == 404


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [11, 5_000, 100_000])
def test_deeply_nested_json_is_a_400_on_login_and_writes(api, editor_api, small_register, levels):
    body = f'{{"username": {nested(levels)}, "password": "x"}}'
    response = api.post("/api/v1/auth/login/", body, content_type="application/json")
    assert response.status_code == 400
    assert "levels deep" in response.json()["non_field_errors"][0]
    response = editor_api.post(
        LIST, f'{{"name": {nested(levels)}}}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "levels deep" in response.json()["non_field_errors"][0]


def test_json_nested_within_the_bound_is_read_and_refused_by_field(editor_api, small_register):
    response = editor_api.post(LIST, {"name": [[["deep"]]]}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


# --- Fuzzing -------------------------------------------------------------------------

HOSTILE_STRINGS = [
    *UNICODE_DIGITS,
    "1_000",
    "1e5",
    "1e999999999",
    "-1e-999999999",
    "NaN",
    "-1",
    "99999999999999999999999",
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\u202e\u200b",
    "2021-02-30",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "x" * 10_000,
    "9" * 10_000,
    nested(5_000),
    "%00",
]
HOSTILE_BODY_VALUES = [
    *HOSTILE_STRINGS,
    10**400,
    -(10**30),
    1e308,
    True,
    None,
    [],
    {"a": {"b": {"c": {}}}},
    "７",
    "\ud800",
]


@pytest.fixture
def fuzz_register(small_register, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {
        "anon": "1000000/min", "user": "1000000/min", "export": "1000000/min",
        "login": "1000000/min",
    })  # fmt: skip
    return small_register


def operations(api) -> list[tuple[str, str, dict]]:
    """(method, path with its parameters filled in, operation) for every operation."""
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    found = []
    for template, methods in schema["paths"].items():
        for method, operation in methods.items():
            path = template.format(slug="acme", company_slug="acme", id="{id}")
            found.append((method, path, operation))
    return found, schema["components"]["schemas"]


def test_no_query_parameter_of_any_api_operation_answers_500(api, fuzz_register):
    report = fuzz_register
    found, _ = operations(api)
    tried, seen = 0, set()
    for method, path, operation in found:
        if method not in ("get", "head"):
            continue
        path = path.replace("{id}", str(report.pk))
        for parameter in operation.get("parameters", []):
            # A parameter's name has one reader wherever it appears (the list's filters
            # are the exports' too): each is tried once.
            if parameter["in"] != "query" or parameter["name"] in seen:
                continue
            seen.add(parameter["name"])
            for value in HOSTILE_STRINGS:
                response = api.get(path, {parameter["name"]: value})
                tried += 1
                assert response.status_code < 500, (path, parameter["name"], value[:40])
    assert tried > 400


def test_no_path_parameter_answers_500(api, fuzz_register):
    for value in HOSTILE_STRINGS:
        segment = quote(value[:2000], safe="")
        for path in (f"{LIST}{segment}/", f"{LIST}{segment}/reports/",
                     f"{LIST}acme/reports/{segment}/", f"/en/companies/{segment}/",
                     f"/en/sectors/{segment}/", f"/en/countries/{segment}/"):  # fmt: skip
            assert api.get(path).status_code < 500, (path[:80], value[:40])


def test_no_parameter_of_the_public_pages_answers_500(client, fuzz_register):
    names = sorted(filter_parameters() | {"page"})
    for value in HOSTILE_STRINGS:
        for name in names:
            response = client.get(PAGE, {name: value})
            assert response.status_code < 500, (name, value[:40])
        for path in ("/en/sectors/logistics/", "/en/countries/CN/", "/en/"):
            assert client.get(path, {"page": value}).status_code < 500, (path, value[:40])


def _body_fields(operation, components) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    reference = content.get("application/json", {}).get("schema", {}).get("$ref")
    if reference is None:
        return []
    return list(components[reference.rsplit("/", 1)[-1]].get("properties", {}))


def _without_trace(send, path: str, text: str):
    """A request whose writes are rolled back, so that every request meets the same register."""
    with transaction.atomic():
        response = send(path, text, content_type="application/json")
        transaction.set_rollback(True)
    return response


SHARP_VALUES = ["\x00", "x" * 10_000, "１０", 10**400, nested(5_000)]


def test_no_body_field_of_any_write_answers_500(api, editor_api, fuzz_register):
    report = fuzz_register
    found, components = operations(api)
    tried = 0
    for method, path, operation in found:
        if method not in ("post", "put", "patch"):
            continue
        path = path.replace("{id}", str(report.pk))
        client = api if path.endswith("/auth/login/") else editor_api
        fields = _body_fields(operation, components)
        if not fields:  # logout: no body to read (and it would revoke the token)
            continue
        send = getattr(client, method)
        # Every field at once holding each hostile value, then each field alone holding
        # the sharpest ones beside valid values (the model's own validation sees them).
        bodies = [dict.fromkeys(fields, value) for value in HOSTILE_BODY_VALUES]
        if method == "patch":
            bodies += [{field: value} for field in fields for value in SHARP_VALUES]
        for body in bodies:
            if 1e308 in body.values():
                text = json.dumps(dict.fromkeys(body, "E")).replace('"E"', "1e999999999")
            else:
                text = json.dumps(body)
            response = _without_trace(send, path, text)
            tried += 1
            assert response.status_code < 500, (method, path, text[:80])
        # The body as a whole: deeply nested, not an object, not JSON.
        for text in (nested(100_000), "[]", '"x"', "{", '{"a": NaN}', "\x00"):
            response = _without_trace(send, path, text)
            assert response.status_code == 400, (method, path, text[:20])
    assert tried > 200
