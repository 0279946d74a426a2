"""Settings come from the environment, with safe defaults."""

import json
import os
import subprocess
import sys
from pathlib import Path

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
