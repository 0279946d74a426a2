"""One structured log line per request, with a request id that follows the request."""

import json
import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pythonjsonlogger.json import JsonFormatter


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.DEBUG, logger="park.request")
    return lambda: [r for r in caplog.records if r.name == "park.request"]


def as_json(record):
    """The line as production writes it (settings.LOGGING's json formatter)."""
    (handler,) = [
        h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)
    ]
    return json.loads(handler.formatter.format(record))


@pytest.mark.django_db
def test_each_request_writes_one_json_line_with_what_happened(client, request_log):
    response = client.get("/admin/login/", REMOTE_ADDR="203.0.113.5")
    (record,) = request_log()
    line = as_json(record)
    assert line["level"] == "INFO"
    assert line["logger"] == "park.request"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/admin/login/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["user_id"] is None
    assert line["client_ip"] == "203.0.113.5"
    assert line["message"].startswith("GET /admin/login/ 200 ")


@pytest.mark.django_db
def test_a_signed_in_editor_is_logged_by_user_id(editor_client, editor, request_log):
    editor_client.get("/admin/")
    (record,) = request_log()
    assert record.user_id == editor.pk


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_and_echoed(client, request_log):
    response = client.get("/admin/login/", HTTP_X_REQUEST_ID="lb-7f3a:42.1_x")
    assert response["X-Request-ID"] == "lb-7f3a:42.1_x"
    assert request_log()[0].request_id == "lb-7f3a:42.1_x"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming", ["a" * 129, "id with spaces", "<script>", "x\u00e9", "forged\nline"]
)
def test_an_insane_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/admin/login/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_every_line_logged_during_a_request_carries_its_id(settings, caplog):
    settings.ROOT_URLCONF = "tests.urls_faults"
    caplog.set_level(logging.INFO)
    Client(raise_request_exception=False).get("/database-gone/", HTTP_X_REQUEST_ID="req-1")
    lines = [as_json(r) for r in caplog.records]
    assert {line["logger"] for line in lines} == {
        "ops.middleware",
        "park.request",
        "django.request",
    }
    assert {line["request_id"] for line in lines} == {"req-1"}
    warning = next(line for line in lines if line["logger"] == "ops.middleware")
    assert warning["message"].startswith("database unavailable: GET /database-gone/")


@pytest.mark.django_db
def test_in_debug_the_line_counts_the_sql_queries(editor_client, settings, request_log):
    settings.LOG_SQL_QUERIES = True
    with CaptureQueriesContext(connection) as queries:
        editor_client.get("/admin/companies/company/")
    (record,) = request_log()
    assert record.queries == len(queries) > 0


@pytest.mark.django_db
def test_without_debug_no_query_count_is_kept(client, request_log):
    client.get("/admin/login/")
    assert not hasattr(request_log()[0], "queries")


def test_health_probes_are_logged_at_debug_level_only(client, request_log):
    client.get("/healthz")
    (record,) = request_log()
    assert record.levelno == logging.DEBUG
