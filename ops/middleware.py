"""Middleware that every request passes through in production."""

import logging
import re
import time
import uuid
from contextlib import ExitStack

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from . import logs, views
from .network import client_ip

request_logger = logging.getLogger("park.request")
logger = logging.getLogger(__name__)

# An incoming X-Request-ID is kept only if it is short and plain, so that it cannot
# forge log lines or carry markup; otherwise a new one is made.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
HEALTH_CHECKS = {"/healthz": views.healthz, "/readyz": views.readyz}


class QueryCounter:
    """An execute wrapper that counts the SQL statements run through it."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestLogMiddleware:
    """Gives each request an id (echoed in X-Request-ID, on every log line written
    meanwhile) and writes one structured log line when it is answered: method, path,
    status, duration, user, client and, when LOG_SQL_QUERIES is on, the SQL query count.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Cleared when the response is finished (logs.py), after Django's own error lines.
        logs.request_id.set(request.id)
        counter = QueryCounter() if settings.LOG_SQL_QUERIES else None
        with ExitStack() as stack:
            if counter:
                for connection in connections.all():
                    stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        self.log(request, response, started, counter)
        return response

    def log(self, request, response, started, counter) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _user_id(request),
            "client_ip": client_ip(request),
        }
        if counter:
            fields["queries"] = counter.count
        if response.streaming:
            # The body is produced after this line: its time and queries are not counted.
            fields["streaming"] = True
        level = logging.DEBUG if request.path in HEALTH_CHECKS else logging.INFO
        request_logger.log(
            level,
            "%s %s %s %sms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra=fields,
        )


def _user_id(request: HttpRequest) -> int | None:
    """The authenticated user's id, if the request looked the user up (never a query
    of its own: the database may be why the request failed)."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before host validation, HTTPS redirects, sessions,
    authentication and throttling: load balancers probe by address, over plain http,
    many times a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        check = HEALTH_CHECKS.get(request.path_info)
        if check and request.method in ("GET", "HEAD"):
            return check(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that finds the database unreachable answers 503 with Retry-After (JSON for
    the API, a page otherwise) and one log line, instead of a 500 with a traceback.
    Errors outside views reach handler500 (ops.views.server_error), which does the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, views.UNAVAILABLE):
            logger.warning(
                "database unavailable: %s %s (%s: %s)",
                request.method,
                request.path,
                type(exception).__name__,
                str(exception).strip().splitlines()[0] if str(exception).strip() else "",
            )
            return views.database_unavailable(request)
        return None
