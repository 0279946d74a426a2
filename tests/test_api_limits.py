"""Abuse limits and cross-origin reads: throttling per client (also behind a proxy), in
a cache that workers share, and CORS open for reads of /api/ only."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import UserFactory
from tests.test_settings import REDIS_TEST_URL, redis_is_up

pytestmark = pytest.mark.django_db

LIST = "/api/v1/companies/"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, 20 s into a minute, moved only by the test."""
    now = {"time": 1_800_000_000.0 + 20}
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: now["time"])
    return now


@pytest.fixture
def rates(monkeypatch, clock):
    """Low limits, so that a test reaches them in a few requests."""
    limits = {"anon": "3/min", "user": "5/min", "export": "2/hour", "login": "2/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", limits)
    return limits


def statuses(client, count, url=LIST, **extra) -> list[int]:
    return [client.get(url, **extra).status_code for _ in range(count)]


def test_anonymous_client_over_its_limit_gets_429_with_retry_after(api, rates, clock):
    assert statuses(api, 3) == [200, 200, 200]
    response = api.get(LIST)
    assert response.status_code == 429
    assert response["Retry-After"] == "40"  # the rest of the minute
    assert "throttled" in response.json()["detail"].lower()
    clock["time"] += 40
    assert statuses(api, 1) == [200]


@pytest.mark.skipif(not redis_is_up(), reason="no Redis at PARK_TEST_REDIS_URL")
def test_with_redis_the_count_lives_in_redis_and_expires_with_its_window(
    api, rates, clock, settings
):
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        },
    }
    server = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        assert statuses(api, 3) == [200, 200, 200]  # the second and third from a kept copy
        (counter,) = server.keys(f"{prefix}:*throttle_anon*")
        assert int(server.get(counter)) == 3
        assert 0 < server.ttl(counter) <= 61  # the window and a second
        assert statuses(api, 1) == [429]
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)


def test_each_client_address_has_its_own_limit(api, rates):
    statuses(api, 3, REMOTE_ADDR="10.0.0.1")
    assert api.get(LIST, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert api.get(LIST, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_forwarded_for_header_cannot_dodge_the_limit_without_a_trusted_proxy(api, rates):
    codes = [
        api.get(LIST, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for(api, rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.9"}
    # The proxy appends the address it saw; what the client wrote before it is not trusted.
    first = statuses(api, 4, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    spoofed = statuses(api, 2, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.1", **proxy)
    second = api.get(LIST, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy).status_code
    assert first == [200, 200, 200, 429]
    assert spoofed == [429, 429]
    assert second == 200


def test_authenticated_client_is_counted_by_user_not_address(token_for, rates):
    client = token_for(UserFactory(username="partner"))
    codes = [client.get(LIST, REMOTE_ADDR=f"10.0.1.{n}").status_code for n in range(6)]
    assert codes == [200] * 5 + [429]


def test_exports_have_their_own_lower_limit(api, rates):
    assert statuses(api, 2, data={"format": "csv"}) == [200, 200]
    assert statuses(api, 1, url=f"{LIST}export.ndjson") == [429]


def test_password_guesses_are_limited(editor, rates):
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/login/", {"username": "editor", "password": "guess"}).status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]


def _cache_backend(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.CACHES['default']['BACKEND'], "
        "settings.REST_FRAMEWORK['NUM_PROXIES']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "park.settings", "DJANGO_DEBUG": "1", **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_counts_in_the_default_file_cache_reach_every_worker(api, rates, settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    assert statuses(api, 3) == [200, 200, 200]
    assert list(tmp_path.glob("*.djcache"))  # on disk, where every worker reads
    caches.close_all()
    del caches["default"]  # as a fresh worker would open it
    assert api.get(LIST).status_code == 429


def test_throttle_counts_live_in_a_cache_shared_by_the_workers():
    assert _cache_backend() == ["django.core.cache.backends.filebased.FileBasedCache", 0]
    redis = _cache_backend(DJANGO_CACHE_URL="redis://cache:6379/0", DJANGO_NUM_PROXIES="1")
    assert redis == ["django_redis.cache.RedisCache", 1]


# --- CORS ----------------------------------------------------------------------------


def test_other_sites_may_read_the_api_without_credentials(api):
    response = api.get(LIST, HTTP_ORIGIN="https://portal.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    exposed = response["Access-Control-Expose-Headers"]
    for header in ("ETag", "Link", "Retry-After"):
        assert header in exposed


def test_cross_origin_preflight_allows_reads_only(api):
    response = api.options(
        LIST,
        HTTP_ORIGIN="https://portal.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-none-match",
    )
    assert "if-none-match" in response["Access-Control-Allow-Headers"]
    allowed = response["Access-Control-Allow-Methods"]
    assert "GET" in allowed
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert method not in allowed


def test_cors_is_open_for_the_api_only(client):
    response = client.get("/admin/login/", HTTP_ORIGIN="https://portal.example")
    assert "Access-Control-Allow-Origin" not in response
