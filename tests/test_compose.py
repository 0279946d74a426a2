"""docker-compose.yml cannot run here (no Docker engine); these checks keep it honest."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SETTINGS = (ROOT / "park" / "settings.py").read_text()


def test_compose_runs_postgres_and_the_app_with_health_checks():
    services = COMPOSE["services"]
    assert services["db"]["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["ports"] == ["8000:8000"]
    assert "healthcheck" in services["app"]


def test_compose_passes_the_variables_the_settings_read():
    environment = COMPOSE["services"]["app"]["environment"]
    for variable in ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"):
        assert variable in environment
        assert f'"{variable}"' in SETTINGS
    assert environment["DATABASE_URL"].startswith("postgres://park:")
    assert environment["DATABASE_URL"].endswith("@db:5432/park")
    assert environment["DJANGO_DEBUG"] == "0"


def test_the_app_image_serves_with_gunicorn_and_collected_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11" in dockerfile
    assert "collectstatic" in dockerfile
    assert "gunicorn park.wsgi" in dockerfile
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in SETTINGS
