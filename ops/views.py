"""Responses that must work when much else does not: health checks, a database outage,
server errors and the login lockout."""

import logging
import sys

from axes.helpers import get_client_username, get_cool_off
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

from . import replica

logger = logging.getLogger(__name__)

# A database restart takes seconds; clients (and proxies) may retry after this many.
RETRY_AFTER_SECONDS = 10
# Errors that mean "the database cannot be reached or refused the connection", as
# opposed to a bug in a query: a restart, a failover, a full pool.
UNAVAILABLE = (OperationalError, InterfaceError)


def wants_json(request: HttpRequest) -> bool:
    """API clients get JSON errors; browsers (and the API's HTML docs) get pages."""
    if request.path.startswith("/api/") and not request.path.startswith("/api/docs/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and serving; touches nothing else."""
    return _no_store(JsonResponse({"status": "ok"}))


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready for traffic: each dependency's state (`database`, `cache`), and 503 only when
    the database does not answer. An unreachable cache only slows the directory down
    (status `degraded`): taking every instance out of the load balancer for it would
    turn a slower directory into none."""
    states = {"database": _database_state(), "cache": _cache_state()}
    if replica.replica_configured():
        # A replica that is away only moves its reads to the primary (ops/replica.py).
        states["replica"] = replica.replica_state()
    for name, state in states.items():
        if state != "ok":
            logger.warning("readiness check: %s %s", name, state)
    if states["database"] != "ok":
        response = JsonResponse({"status": "unavailable", **states}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return _no_store(response)
    status = "ok" if all(state == "ok" for state in states.values()) else "degraded"
    return _no_store(JsonResponse({"status": status, **states}))


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return "ok"


def _cache_state() -> str:
    cache = caches[DEFAULT_CACHE_ALIAS]
    try:
        if isinstance(cache, RedisCache):
            # Its reads ignore connection errors (IGNORE_EXCEPTIONS): ask Redis itself.
            get_redis_connection(DEFAULT_CACHE_ALIAS).ping()
        else:
            cache.get("readyz")
    except (RedisError, OSError):
        return "unreachable"
    return "ok"


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After while the database is unreachable: JSON or a short page."""
    message = _("The directory's database is unavailable for a moment. Please try again.")
    if wants_json(request):
        response = JsonResponse({"detail": message, "code": "database_unavailable"}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _no_store(response)


def _error(request: HttpRequest, status: int, detail: str, code: str) -> HttpResponse:
    """An error answered by Django rather than a view: JSON for the API, else the page
    `<status>.html` (ops/templates), rendered without the request or the database."""
    if wants_json(request):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    return HttpResponse(render_to_string(f"{status}.html"), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (a disallowed host, a malformed request)."""
    return _error(request, 400, _("Bad request."), "bad_request")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    return _error(request, 403, _("You may not do this."), "permission_denied")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: no address matched, or a view found nothing to show."""
    return _error(request, 404, _("Not found."), "not_found")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage is a 503 wherever it surfaced; any other error
    gets the friendly 500 page (or JSON for the API) without details."""
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        return database_unavailable(request)
    return _error(request, 500, _("Server error."), "server_error")


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: too many failed logins for this user from this address."""
    cool_off = get_cool_off(request)
    if wants_json(request):  # the API's token login
        detail = _("Too many failed sign-in attempts for this user from your address.")
        response = JsonResponse({"detail": detail, "code": "locked_out"}, status=429)
    else:
        minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
        username = get_client_username(request, credentials) or ""
        context = {"username": username, "minutes": minutes}
        response = HttpResponse(render_to_string("ops/lockout.html", context, request), status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return _no_store(response)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
