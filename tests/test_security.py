"""Safe by default: deployment checks, headers and cookies on every surface, error pages
without details, the admin login lockout, staff passwords."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import BaseThrottle

from ops.network import client_ip
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3Y-" + "x7Qm9pL2vR8sT4wZ" * 4


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, "DJANGO_SETTINGS_MODULE": "park.settings", **env},
    )


# --- Deployment checks ----------------------------------------------------------------


def test_deploy_check_passes_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="park.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_passes_as_the_readme_deploys_behind_a_tls_proxy_with_redis():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="park.example",
        DJANGO_SECURE_PROXY_SSL_HEADER="1", DJANGO_NUM_PROXIES="1",
        REDIS_URL="redis://redis:6379/0",
        DATABASE_URL="postgres://park:pw@db:5432/park",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_when_https_is_switched_off():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="park.example", DJANGO_HTTPS="0",
    )  # fmt: skip
    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_local_debug_serves_plain_http_without_secure_cookies():
    result = manage(
        "shell", "--no-imports", "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        DJANGO_DEBUG="1",
    )  # fmt: skip
    assert result.stdout.split() == ["False", "False", "False", "0"], result.stderr


# --- Headers on every surface ---------------------------------------------------------

SURFACES = [
    "/admin/login/",
    "/en/",
    "/en/companies/",
    "/ru/companies/",
    "/zh-hans/",
    "/api/v1/companies/",
    "/api/v1/stats/",
    "/api/v1/schema/",
    "/api/docs/",
]
EDITOR_SURFACES = [
    "/admin/",
    reverse("admin:companies_company_changelist"),
    reverse("admin:companies_company_add"),
    reverse("admin:companies_report_changelist"),
]


def get_surface(client, path):
    response = client.get(path, secure=True, follow=False)
    assert response.status_code in (200, 302), (path, response.status_code)
    return response


def assert_secure_headers(response):
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    # drf-spectacular's one-page Swagger UI relaxes it for OAuth popups; it holds no secrets.
    docs = response.wsgi_request.path.startswith("/api/docs/")
    allowed = {"same-origin", "unsafe-none"} if docs else {"same-origin"}
    assert response["Cross-Origin-Opener-Policy"] in allowed
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    return policy


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# What a page makes the browser fetch: scripts, images, stylesheets, icons (not links
# such as hreflang alternates, which are absolute by rule).
FETCHED = re.compile(
    r"""<(?:script|img)\b[^>]*\ssrc=["']?([^"' >]+)"""
    r"""|<link\b(?=[^>]*\srel=["']?(?:stylesheet|icon|preload|modulepreload|manifest))"""
    r"""[^>]*\shref=["']?([^"' >]+)""",
    re.IGNORECASE,
)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def assert_no_script_runs_without_the_policy(response, policy):
    """Every executable inline script carries this response's nonce; no inline handlers."""
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
    for attributes in SCRIPT.findall(html):
        if "src=" in attributes or re.search(r'type="application/(ld\+)?json"', attributes):
            continue
        assert nonce and f'nonce="{nonce.group(1)}"' in attributes, attributes
    assert not EVENT_HANDLER.search(html)
    # Nothing is fetched from elsewhere: no CDN.
    for script, link in FETCHED.findall(html):
        assert urlsplit(script or link).hostname in (None, "testserver"), script or link


@pytest.mark.django_db
@pytest.mark.parametrize("path", SURFACES)
def test_each_public_surface_sends_the_security_headers(client, path):
    response = get_surface(client, path)
    policy = assert_secure_headers(response)
    assert policy["style-src"].startswith("'self'")
    assert_no_script_runs_without_the_policy(response, policy)


@pytest.mark.django_db
@pytest.mark.parametrize("path", EDITOR_SURFACES)
def test_each_admin_page_sends_the_security_headers(editor_client, path):
    response = get_surface(editor_client, path)
    assert response.status_code == 200
    policy = assert_secure_headers(response)
    # The admin's templates carry a few inline style attributes; scripts stay strict.
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert_no_script_runs_without_the_policy(response, policy)


@pytest.mark.django_db
def test_swagger_ui_from_static_files_runs_under_the_policy(client):
    response = client.get("/api/docs/", secure=True)
    assert response.status_code == 200
    policy = assert_secure_headers(response)
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert_no_script_runs_without_the_policy(response, policy)
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html
    script = client.get("/api/docs/?script=", secure=True)
    assert script["Content-Type"] == "application/javascript"


@pytest.mark.django_db
def test_public_pages_allow_no_inline_styles(client):
    response = client.get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert assert_secure_headers(response)["style-src"] == "'self'"


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/admin/login/"


@pytest.mark.django_db
def test_https_announced_by_the_trusted_proxy_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


# --- Cookies ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_cookies_are_secure_httponly_and_same_site_lax(client):
    UserFactory(username="olga", is_staff=True, password="a-long-staff-password")
    form = client.get("/admin/login/", secure=True)
    csrf = form.cookies["csrftoken"]
    response = client.post(
        "/admin/login/",
        {"username": "olga", "password": "a-long-staff-password", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


# --- Errors never show details --------------------------------------------------------


@pytest.fixture
def failing_client(settings):
    settings.ROOT_URLCONF = "tests.urls_faults"
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_server_error_shows_a_friendly_page_without_details(failing_client):
    response = failing_client.get("/boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "<h1>Something went wrong</h1>" in body
    assert "secret detail" not in body and "Traceback" not in body


def error_pages(client, failing_client, settings):
    """Each error page a visitor can meet, in Russian, by the way it is met."""
    settings.ALLOWED_HOSTS = ["testserver"]
    headers = {"HTTP_ACCEPT_LANGUAGE": "ru"}
    yield 400, client.get("/ru/", HTTP_HOST="evil.example", **headers)
    stale_form = Client(enforce_csrf_checks=True)
    yield 403, stale_form.post("/i18n/setlang/", {"language": "en"}, **headers)
    yield 404, client.get("/ru/no-such-page/")
    yield 500, failing_client.get("/boom/", **headers)
    yield 503, failing_client.get("/database-gone/", **headers)


@pytest.mark.django_db
def test_every_error_page_has_the_sites_look_in_the_visitors_language(
    client, failing_client, settings
):
    headings = {
        400: "Запрос не удалось понять",
        403: "Срок действия формы истёк",
        404: "Страница не найдена",
        500: "Что-то пошло не так",
        503: "Справочник ненадолго недоступен",
    }
    for status, response in error_pages(client, failing_client, settings):
        assert response.status_code == status
        html = response.content.decode()
        assert f"<h1>{headings[status]}</h1>" in html, status
        assert '<html lang="ru">' in html
        assert '<header class="site-header">' in html
        assert 'href="/static/companies/site.css"' in html


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/v2/companies/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_a_server_error_in_the_api_is_json_without_details(failing_client):
    response = failing_client.get("/api/boom/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error.", "code": "server_error"}


@pytest.mark.django_db
def test_a_missing_page_is_friendly(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>" in body
    assert "URLconf" not in body and "Traceback" not in body  # not Django's debug page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "kind"), [("/database-gone/", "text/html"), ("/api/database-gone/", "json")]
)
def test_a_lost_database_connection_is_a_503_with_retry_after(failing_client, path, kind):
    response = failing_client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert kind in response["Content-Type"]
    assert "server closed the connection" not in response.content.decode()


# --- Admin login lockout ----------------------------------------------------------------


def login(client, username, password, address="203.0.113.5", **extra):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


@pytest.fixture
def olga(db):
    return UserFactory(username="olga", is_staff=True, password="a-long-staff-password")


def fail_until_locked(client, settings, username="olga", **extra):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, username, "wrong", **extra).status_code == 200
    return login(client, username, "wrong", **extra)


def test_repeated_failures_lock_that_user_out_from_that_address(client, settings, olga):
    locked = fail_until_locked(client, settings)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "Try again in 15 minutes" in locked.content.decode()
    assert locked["Retry-After"] == str(15 * 60)
    # Even the right password is refused now.
    assert login(client, "olga", "a-long-staff-password").status_code == 429


def test_the_lockout_spares_other_users_and_other_addresses(client, settings, olga):
    UserFactory(username="pavel", is_staff=True, password="another-long-password")
    fail_until_locked(client, settings)
    assert login(client, "pavel", "another-long-password").status_code == 302
    assert login(Client(), "olga", "a-long-staff-password", "198.51.100.9").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, settings, olga):
    fail_until_locked(client, settings)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, "olga", "a-long-staff-password").status_code == 302


def test_axes_reset_releases_the_lockout_at_once(client, settings, olga):
    fail_until_locked(client, settings)
    call_command("axes_reset", verbosity=0)
    assert login(client, "olga", "a-long-staff-password").status_code == 302


def test_behind_a_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, settings, olga
):
    settings.NUM_PROXIES = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "olga", "wrong", "10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.5")
    forged = login(
        client, "olga", "a-long-staff-password", "10.0.0.2",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5",
    )  # fmt: skip
    assert forged.status_code == 429


def api_login(username, password, address="203.0.113.5"):
    return APIClient().post(
        "/api/v1/auth/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_failed_api_logins_count_toward_the_same_lockout(client, settings, olga):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api_login("olga", "wrong").status_code == 400
    locked = api_login("olga", "wrong")
    assert locked.status_code == 429
    assert locked.json() == {
        "detail": "Too many failed sign-in attempts for this user from your address.",
        "code": "locked_out",
    }
    assert locked["Retry-After"] == str(15 * 60)
    # Neither the API nor the admin lets the right password in now.
    assert api_login("olga", "a-long-staff-password").status_code == 429
    assert login(client, "olga", "a-long-staff-password").status_code == 429
    assert not AuthToken.objects.exists()
    # Another address is not locked out.
    assert api_login("olga", "a-long-staff-password", "198.51.100.9").status_code == 200


def test_failed_admin_logins_lock_the_api_login_too(client, settings, olga):
    fail_until_locked(client, settings)
    assert api_login("olga", "a-long-staff-password").status_code == 429


@pytest.mark.parametrize("num_proxies", [0, 1, 2])
@pytest.mark.parametrize(
    "forwarded", [None, "203.0.113.5", "1.2.3.4, 203.0.113.5", "9.9.9.9, 1.2.3.4, 203.0.113.5"]
)
def test_the_lockout_and_the_api_throttling_count_the_same_client(
    settings, num_proxies, forwarded
):
    settings.NUM_PROXIES = num_proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = APIRequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **extra)
    assert client_ip(request) == BaseThrottle().get_ident(request)


def test_the_api_throttling_reads_the_same_proxy_count():
    proxies = manage(
        "shell", "--no-imports", "-c",
        "from django.conf import settings as s; "
        "print(s.NUM_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'])",
        DJANGO_DEBUG="1", DJANGO_NUM_PROXIES="2",
    )  # fmt: skip
    assert proxies.stdout.split() == ["2", "2"], proxies.stderr


# --- Staff passwords ------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_need_a_longer_password_than_other_users(settings):
    staff = UserFactory(username="olga", is_staff=True)
    reader = UserFactory(username="reader")
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Kq7#mzP2wx!", user=staff)
    validate_password("Kq7#mzP2wx!", user=reader)
    validate_password("Kq7#mzP2wx!vb", user=staff)


@pytest.mark.django_db
def test_the_admin_refuses_a_short_password_for_a_staff_account(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    staff = UserFactory(username="olga", is_staff=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[staff.pk])
    response = client.post(url, {"password1": "Kq7#mzP2wx!", "password2": "Kq7#mzP2wx!"})
    assert response.status_code == 200
    assert "Staff passwords must contain at least 12 characters." in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password("a-long-test-password")
