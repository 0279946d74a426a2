"""docker-compose.yml cannot run here (no Docker engine); these checks keep it honest."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SETTINGS = (ROOT / "park" / "settings.py").read_text()
GUNICORN = (ROOT / "gunicorn.conf.py").read_text()
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def default(value: str) -> str:
    """The default of a ${VARIABLE:-default} interpolation."""
    match = re.fullmatch(r"\$\{\w+:-(.*)\}", str(value))
    return match.group(1) if match else str(value)


def test_compose_runs_postgres_redis_the_app_and_nginx():
    assert set(SERVICES) == {"db", "redis", "release", "app", "nginx"}
    assert SERVICES["db"]["image"].startswith("postgres:15")
    assert SERVICES["redis"]["image"].startswith("redis:7")
    assert SERVICES["nginx"]["image"].startswith("nginx:")


def test_every_long_running_service_has_a_health_check():
    for name in ("db", "redis", "app", "nginx"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])
    assert "redis-cli" in SERVICES["redis"]["healthcheck"]["test"]
    assert "/healthz" in " ".join(SERVICES["app"]["healthcheck"]["test"])
    assert "/nginx-healthz" in " ".join(SERVICES["nginx"]["healthcheck"]["test"])
    assert "location = /nginx-healthz" in NGINX


def test_several_app_replicas_stand_behind_nginx_which_alone_publishes_a_port():
    app = SERVICES["app"]
    assert int(default(app["deploy"]["replicas"])) >= 2
    assert "ports" not in app
    assert app["expose"] == ["8000"]
    assert SERVICES["nginx"]["ports"] == ["${HTTP_PORT:-8080}:80"]
    assert SERVICES["nginx"]["depends_on"]["app"]["condition"] == "service_healthy"


def test_the_release_step_migrates_once_before_the_replicas_start():
    release, app = SERVICES["release"], SERVICES["app"]
    command = " ".join(release["command"])
    for step in ("migrate --noinput", "collectstatic --noinput"):
        assert step in command
    assert app["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "release": {"condition": "service_completed_successfully"},
    }
    assert "migrate" not in DOCKERFILE.split("CMD", 1)[1]


def test_nginx_serves_the_static_files_that_the_release_step_collects():
    assert "static:/app/staticfiles" in SERVICES["release"]["volumes"]  # STATIC_ROOT
    assert 'STATIC_ROOT = BASE_DIR / "staticfiles"' in SETTINGS
    assert "static:/srv/static:ro" in SERVICES["nginx"]["volumes"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in SERVICES["nginx"]["volumes"]
    assert re.search(r"location /static/ \{\s*alias /srv/static/;", NGINX)
    assert set(COMPOSE["volumes"]) == {"pgdata", "static"}


def test_nginx_forwards_what_the_settings_expect_from_one_proxy():
    assert re.search(r"upstream park_app \{[^}]*server app:8000", NGINX)
    assert "proxy_pass http://park_app;" in NGINX
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX
    assert "proxy_set_header X-Forwarded-Proto $forwarded_proto;" in NGINX
    assert "proxy_set_header X-Request-ID $request_id;" in NGINX
    assert "proxy_set_header Host $host;" in NGINX
    environment = SERVICES["app"]["environment"]
    # One proxy (nginx) appends to X-Forwarded-For, and says which scheme was used.
    assert default(environment["DJANGO_NUM_PROXIES"]) == "1"
    assert environment["DJANGO_SECURE_PROXY_SSL_HEADER"] == "1"
    assert NGINX.count("{") == NGINX.count("}")


def test_nginx_lets_through_every_upload_the_admin_imports(settings):
    # A larger file reaches the app, which refuses it saying what to do (nginx's own
    # 413 page would not); a megabyte of room for the multipart form around it.
    body = re.search(r"client_max_body_size (\d+)m;", NGINX)
    assert int(body.group(1)) >= settings.IMPORT_MAX_UPLOAD_MB + 1


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
def test_nginx_accepts_the_configuration(tmp_path):
    # Outside Docker there is no host "app": point the upstream at loopback to test it.
    site = tmp_path / "park.conf"
    site.write_text(NGINX.replace("server app:8000", "server 127.0.0.1:8000"))
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n include {site};\n}}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_compose_passes_the_variables_the_settings_read():
    environment = SERVICES["app"]["environment"]
    for variable in environment:
        assert f'"{variable}"' in SETTINGS + GUNICORN, variable
    for variable in ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS",
                     "REDIS_URL", "DJANGO_HTTPS", "DJANGO_NUM_PROXIES"):  # fmt: skip
        assert variable in environment
    assert environment["DATABASE_URL"].startswith("postgres://park:")
    assert environment["DATABASE_URL"].endswith("@db:5432/park")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["DJANGO_DEBUG"] == "0"
    assert SERVICES["release"]["environment"] == environment


def test_the_app_image_serves_with_gunicorn_and_collected_static_files():
    assert "FROM python:3.11" in DOCKERFILE
    assert "collectstatic" in DOCKERFILE
    assert 'CMD ["gunicorn", "park.wsgi"]' in DOCKERFILE
    assert "COPY ops ops" in DOCKERFILE
    assert "postgresql-client" in DOCKERFILE  # pg_dump for `manage.py backup`
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in SETTINGS
