"""Redis is no single point of failure: with the production cache settings and a real
Redis server that the tests start and stop, pages, the API, the API login and the admin
login keep answering while it is away, /readyz says so, and the cache is used again
within seconds of its return."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import closing

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from companies.models import Company
from tests.factories import CompanyFactory
from tests.test_settings import PRINT_CACHE, run_python

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server here"),
]

PASSWORD = "a-long-test-password"
# The ops engineer's range; the cluster run takes 6381.
PORTS = [6380, *range(6382, 6390)]


def free_port() -> int:
    for port in PORTS:
        with closing(socket.socket()) as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port for a Redis of the tests' own")


class RedisServer:
    """redis-server on a loopback port, without persistence, started and stopped at will."""

    def __init__(self, port: int):
        self.port = port
        self.folder = tempfile.mkdtemp(prefix="park-redis-")
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def stored(self) -> list[bytes]:
        return redis.Redis(port=self.port).keys("park:*")


@pytest.fixture
def redis_server(settings):
    """A Redis of the test's own (not started yet), and the cache settings production
    derives from REDIS_URL pointing at it."""
    server = RedisServer(free_port())
    production = json.loads(run_python(PRINT_CACHE, REDIS_URL=server.url).stdout)
    settings.CACHES = {**settings.CACHES, "default": production["caches"]["default"]}
    settings.SESSION_ENGINE = production["session"]
    yield server
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture
def visited(editor):
    CompanyFactory(name="Sozh Electronics")
    return editor


def every_surface_answers() -> dict[str, int]:
    """What a visitor, an API client and two editors logging in get, by surface."""
    api = APIClient()
    statuses = {
        path: api.get(path).status_code
        for path in ("/en/", "/en/companies/", "/api/v1/companies/", "/api/v1/stats/")
    }
    login = api.post("/api/v1/auth/login/", {"username": "editor", "password": PASSWORD})
    statuses["api login"] = login.status_code
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {login.json().get('token')}")
    statuses["api with token"] = token.get("/api/v1/companies/").status_code
    admin = Client()
    signed_in = admin.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    statuses["admin login"] = signed_in.status_code
    statuses["admin"] = admin.get("/admin/companies/company/").status_code
    return statuses


ALL_ANSWER = {
    "/en/": 200,
    "/en/companies/": 200,
    "/api/v1/companies/": 200,
    "/api/v1/stats/": 200,
    "api login": 200,
    "api with token": 200,
    "admin login": 302,
    "admin": 200,
}


def test_with_redis_absent_from_the_start_every_surface_answers(redis_server, visited, client):
    assert every_surface_answers() == ALL_ANSWER
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


def test_redis_stopped_then_back_is_used_again_within_seconds(redis_server, visited, client):
    redis_server.start()
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert every_surface_answers() == ALL_ANSWER
    assert any(b"throttle" in key for key in redis_server.stored())
    editor = Client()
    editor.force_login(visited)

    redis_server.stop()
    assert every_surface_answers() == ALL_ANSWER
    # A session begun before the outage goes on: sessions live in the database.
    assert editor.get("/admin/companies/company/").status_code == 200
    assert client.get("/readyz").json()["cache"] == "unreachable"

    redis_server.start()
    deadline = time.monotonic() + 5
    while client.get("/readyz").json()["cache"] != "ok":
        assert time.monotonic() < deadline, "the cache was not used again within 5 s"
        time.sleep(0.1)
    assert not redis_server.stored()  # a fresh server: nothing kept from before
    assert APIClient().get("/api/v1/companies/").status_code == 200
    assert any(b"throttle" in key for key in redis_server.stored())


def test_the_production_settings_keep_redis_errors_away_from_requests(redis_server):
    production = json.loads(run_python(PRINT_CACHE, REDIS_URL=redis_server.url).stdout)
    default = production["caches"]["default"]
    assert default["BACKEND"] == "django_redis.cache.RedisCache"
    assert default["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert 0 < default["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] <= 1
    assert production["session"] == "django.contrib.sessions.backends.db"


def test_with_redis_away_an_import_preview_says_why_and_imports_nothing(
    redis_server, editor_client
):
    before = Company.objects.count()
    previewed = editor_client.post(
        "/admin/companies/company/import/",
        {
            "format": "0",
            "import_file": SimpleUploadedFile("companies.csv", b"name,country\nNew One,BY\n"),
        },
    )
    assert previewed.status_code == 200
    errors = previewed.context["form"].errors["import_file"]
    assert any("the shared cache is unavailable" in error for error in errors)
    assert "confirm_form" not in previewed.context or previewed.context["confirm_form"] is None
    assert Company.objects.count() == before
