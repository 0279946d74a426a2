"""Settings come from the environment, with safe defaults."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'debug': settings.DEBUG, 'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'options': db.get('OPTIONS', {}), 'health': db.get('CONN_HEALTH_CHECKS'), "
    "'hosts': settings.ALLOWED_HOSTS, 'tz': settings.TIME_ZONE, "
    "'languages': [code for code, _ in settings.LANGUAGES]}))"
)


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "park.settings", **env},
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings()
    assert result.returncode == 1
    assert result.stderr == "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.\n"


def test_the_same_refusal_from_manage_py():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
        env=clean, timeout=60,
    )  # fmt: skip
    assert (result.returncode, result.stderr.strip()) == (
        1, "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
    )  # fmt: skip


def test_defaults_are_sqlite_in_the_project_folder_debug_off_minsk_three_languages():
    result = run_settings(DJANGO_SECRET_KEY="k")
    settings = json.loads(result.stdout)
    assert settings["debug"] is False
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(ROOT / "park.sqlite3")
    assert settings["hosts"] == ["127.0.0.1", "localhost"]
    assert settings["tz"] == "Europe/Minsk"
    assert settings["languages"] == ["en", "ru", "zh-hans"]


def test_debug_runs_without_a_secret_key():
    assert json.loads(run_settings(DJANGO_DEBUG="1").stdout)["debug"] is True


def test_postgres_url_gets_the_connection_pool_and_health_checks():
    result = run_settings(
        DJANGO_SECRET_KEY="k",
        DATABASE_URL="postgres://park:pw@db.internal:5432/park",
        DJANGO_ALLOWED_HOSTS="park.example,www.park.example",
    )
    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "park"
    assert settings["health"] is True
    assert settings["options"]["pool"]["max_size"] == 10
    assert settings["hosts"] == ["park.example", "www.park.example"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_connections_run_without_jit(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


# --- Shared cache and sessions (issue 7) ----------------------------------------------

PRINT_CACHE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'caches': settings.CACHES, 'session': settings.SESSION_ENGINE}))"
)
REDIS_TEST_URL = os.environ.get("PARK_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def run_python(code, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "park.settings", "DJANGO_SECRET_KEY": "k", **env},
    )  # fmt: skip


def test_without_redis_the_workers_of_one_machine_share_a_file_cache():
    settings = json.loads(run_python(PRINT_CACHE).stdout)
    assert settings["caches"]["default"] == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(ROOT / ".cache" / "django"),
    }
    assert settings["session"] == "django.contrib.sessions.backends.db"


def test_with_redis_the_cache_lives_in_redis_and_sessions_in_the_database():
    settings = json.loads(run_python(PRINT_CACHE, REDIS_URL="redis://cache:6379/0").stdout)
    default = settings["caches"]["default"]
    assert (default["BACKEND"], default["LOCATION"], default["KEY_PREFIX"]) == (
        "django_redis.cache.RedisCache",
        "redis://cache:6379/0",
        "park",
    )
    assert settings["session"] == "django.contrib.sessions.backends.db"


def redis_is_up():
    import redis

    try:
        return redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_is_up(), reason="no Redis at PARK_TEST_REDIS_URL")
def test_two_app_processes_share_one_cache_through_redis():
    key = f"shared-{uuid.uuid4().hex}"
    setup = "import django; django.setup(); from django.core.cache import cache; "
    write = setup + f"cache.set('{key}', 41, 30); print(cache.incr('{key}'))"
    read = setup + f"print(cache.get('{key}')); cache.delete('{key}')"
    first = run_python(write, REDIS_URL=REDIS_TEST_URL)
    second = run_python(read, REDIS_URL=REDIS_TEST_URL)
    assert (first.stdout, second.stdout) == ("42\n", "42\n"), first.stderr + second.stderr


def _before(order: list[str], first: str, then: str) -> bool:
    return order.index(first) < order.index(then)


def test_the_middleware_runs_in_the_order_each_one_needs(settings):
    order = settings.MIDDLEWARE
    assert order[:2] == [
        "ops.middleware.RequestLogMiddleware",
        "ops.middleware.HealthCheckMiddleware",
    ]
    assert order[-1] == "axes.middleware.AxesMiddleware"
    needs = [
        ("django.middleware.security.SecurityMiddleware", "csp.middleware.CSPMiddleware"),
        ("whitenoise.middleware.WhiteNoiseMiddleware", "django.middleware.gzip.GZipMiddleware"),
        ("csp.middleware.CSPMiddleware", "corsheaders.middleware.CorsMiddleware"),
        ("corsheaders.middleware.CorsMiddleware", "ops.replica.ReplicaMiddleware"),
        ("ops.replica.ReplicaMiddleware", "companies.api.middleware.KeptResponseMiddleware"),
        ("companies.api.middleware.KeptResponseMiddleware",
         "django.contrib.sessions.middleware.SessionMiddleware"),
        ("django.contrib.sessions.middleware.SessionMiddleware",
         "django.middleware.locale.LocaleMiddleware"),
        ("django.middleware.locale.LocaleMiddleware", "django.middleware.common.CommonMiddleware"),
        ("django.contrib.auth.middleware.AuthenticationMiddleware",
         "simple_history.middleware.HistoryRequestMiddleware"),
    ]  # fmt: skip
    for first, then in needs:
        assert _before(order, first, then), (first, then)
    assert len(order) == len(set(order))
