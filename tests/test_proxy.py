"""Behind the proxy: the repository's nginx configuration in front of gunicorn, both
real, on loopback ports of the ops range. Long list URLs are answered, not 502'd, and
floods from one address are shed by nginx's limit_req."""

import json
import os
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from companies.api.pagination import LINK_HEADER_MAX_BYTES
from tests.factories import CompanyFactory, SectorFactory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from harness import Gunicorn, Nginx, app_environment, request  # noqa: E402

GUNICORN_PORT, NGINX_PORT = 8210, 8211
HTTPS = {"X-Forwarded-Proto": "https"}

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not os.environ.get("CI"),
    reason="nginx is not installed here (CI installs it)",
)


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def long_list_path(transactional_db):
    """A companies-list path of about 1.7 KB that the API accepts, page 1 of several."""
    stem = "advanced-materials-and-precision-engineering-of-the-great-stone-park-zone"
    sectors = [SectorFactory(slug=f"{stem}-{n:02}") for n in range(20)]
    for n in range(3):
        CompanyFactory(name=f"Sozh Electronics {n}", sector=sectors[n])
    query = [("sector", sector.slug) for sector in sectors]
    query += [("q", "Sozh"), ("page", "1"), ("page_size", "1")]
    path = f"/api/v1/companies/?{urlencode(query)}"
    assert len(path) > 1600
    return path


@pytest.fixture
def served(transactional_db):
    """gunicorn on the test database, and nginx in front of it: (proxy, app) ports."""
    app = Gunicorn(app_environment(database_url()), GUNICORN_PORT, workers=2)
    try:
        proxy = Nginx(NGINX_PORT, [GUNICORN_PORT])
        try:
            yield NGINX_PORT, GUNICORN_PORT
        finally:
            proxy.stop()
    finally:
        app.stop()


def test_a_long_list_url_is_answered_through_nginx_with_its_links_in_the_body(
    long_list_path, served
):
    proxy, app = served
    direct = request(app, long_list_path, HTTPS)
    through = request(proxy, long_list_path, HTTPS)
    assert (direct.status, through.status) == (200, 200)
    # The same page (only the host in its links differs: the port).
    slugs = [[row["slug"] for row in json.loads(a.body)["results"]] for a in (through, direct)]
    assert slugs == [["sozh-electronics-0"]] * 2
    assert "page=2&" in json.loads(through.body)["next"]
    # Three rels repeating a 1.7 KB URL would not fit: the links stay in the body only.
    assert "Link" not in through.headers


def test_even_nginxs_default_header_buffer_holds_every_response_header(long_list_path):
    app = Gunicorn(app_environment(database_url()), GUNICORN_PORT, workers=1)
    try:
        # The configuration without its larger buffers: nginx's 4 KB default.
        buffers = [
            "proxy_buffer_size 16k;",
            "proxy_buffers 8 16k;",
            "proxy_busy_buffers_size 32k;",
        ]
        default_buffers = dict.fromkeys(buffers, "")
        proxy = Nginx(NGINX_PORT, [GUNICORN_PORT], replace=default_buffers)
        try:
            answer = request(NGINX_PORT, long_list_path, HTTPS)
        finally:
            proxy.stop()
    finally:
        app.stop()
    assert answer.status == 200
    assert sum(len(k) + len(v) + 4 for k, v in answer.headers.items()) < 4096


def test_a_short_list_url_keeps_its_link_header(api, db):
    CompanyFactory.create_batch(2)
    response = api.get("/api/v1/companies/?page_size=1")
    assert 'rel="next"' in response["Link"]
    assert len(response["Link"].encode()) <= LINK_HEADER_MAX_BYTES


def test_nginx_sheds_a_flood_from_one_address_with_429(served):
    proxy, _ = served
    statuses, servers = [], set()

    def client():
        for _ in range(30):
            answer = request(proxy, "/healthz", HTTPS)
            statuses.append(answer.status)
            if answer.status == 429:
                servers.add(answer.headers.get("Server", "").split("/")[0])

    threads = [threading.Thread(target=client) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 360 requests as fast as 12 clients go: the burst (60) and 30 a second pass.
    assert set(statuses) == {200, 429}
    assert statuses.count(200) >= 60
    assert servers == {"nginx"}
