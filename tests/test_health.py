"""/healthz and /readyz, as load balancers and orchestrators probe them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access in this test raises.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_by_address_over_plain_http_are_neither_refused_nor_redirected(
    client, settings, path
):
    # Load balancers probe http://10.0.0.7:8000/healthz, a host no deployment allows.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["park.example"]
    response = client.get(path, HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200


@pytest.mark.django_db
def test_only_the_exact_probe_addresses_are_answered_early(client, settings):
    settings.ALLOWED_HOSTS = ["park.example"]
    assert client.get("/healthz/extra", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.post("/healthz", HTTP_HOST="10.0.0.7").status_code == 400


# A subprocess whose database is a PostgreSQL port where nothing listens.
DATABASE_DOWN = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
settings.ROOT_URLCONF = "tests.urls_faults"
client = Client(raise_request_exception=False)
for path, accept in [("/healthz", ""), ("/readyz", ""), ("/count/", "text/html"),
                     ("/api/count/", "*/*"), ("/count/", "application/json"),
                     ("/en/companies/", "text/html"), ("/api/v1/companies/", "*/*"),
                     ("/api/v1/stats/", "*/*")]:
    response = client.get(path, HTTP_ACCEPT=accept)
    print(json.dumps({"path": path, "status": response.status_code,
                      "type": response["Content-Type"], "retry": response.get("Retry-After"),
                      "body": response.content.decode()}))
"""


@pytest.fixture(scope="module")
def answers_with_the_database_down():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", DATABASE_DOWN],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:9/park",
            "DATABASE_POOL_TIMEOUT": "1",
        },
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_with_the_database_down_healthz_is_up_and_readyz_is_503(answers_with_the_database_down):
    healthz, readyz, *_ = answers_with_the_database_down
    assert (healthz["status"], json.loads(healthz["body"])) == (200, {"status": "ok"})
    assert readyz["status"] == 503
    assert json.loads(readyz["body"]) == {
        "status": "unavailable",
        "database": "unreachable",
        "cache": "ok",
    }
    assert readyz["retry"] == "10"


def test_with_the_database_down_pages_get_a_503_page_and_the_api_json(
    answers_with_the_database_down,
):
    _, _, page, api, json_client, directory, api_list, api_stats = answers_with_the_database_down
    for answer in (page, directory):
        assert (answer["status"], answer["retry"]) == (503, "10")
        assert answer["type"].startswith("text/html")
        assert "The directory is briefly unavailable" in answer["body"]
        assert "Traceback" not in answer["body"] and "OperationalError" not in answer["body"]
    # The API's own views (DRF and its exception handler) answer the same way.
    for answer in (api, json_client, api_list, api_stats):
        assert (answer["status"], answer["retry"]) == (503, "10")
        assert answer["type"] == "application/json"
        assert json.loads(answer["body"])["code"] == "database_unavailable"
