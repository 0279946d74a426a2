"""Reads from a PostgreSQL streaming replica (settings.DATABASES["replica"]), when one is
configured (DATABASE_REPLICA_URL).

Only anonymous safe requests read from it: no session cookie, no Authorization header,
no write from this client in the last REPLICA_STICKY_SECONDS (a cookie says so), and
outside any transaction. Every write, every editor's and token client's read, and
`select_for_update()` in the services stay on the primary. A replica that does not answer
within its pool timeout, or lags more than REPLICA_MAX_LAG_SECONDS, is skipped; each
process checks it again every REPLICA_CHECK_SECONDS.
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Set by a write, so that the writer's next reads see it (the replica may lag).
RECENT_WRITE_COOKIE = "park_recent_write"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)

# Its lag in seconds while it is being replayed, 0 when it has replayed all it received.
LAG_SQL = (
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


class _Health:
    """The replica's state as this process last saw it: checked at most every
    REPLICA_CHECK_SECONDS, by the one request that finds the last check too old."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.state = "unchecked"

    def usable(self) -> bool:
        now = time.monotonic()
        if now - self.checked_at >= settings.REPLICA_CHECK_SECONDS and self.lock.acquire(
            blocking=False
        ):
            try:
                self.checked_at = now
                self.state = replica_state()
            finally:
                self.lock.release()
        return self.state == "ok"

    def recheck(self) -> bool:
        """Check now (after a failure): whether the replica is usable."""
        with self.lock:
            self.checked_at = time.monotonic()
            self.state = replica_state()
        return self.state == "ok"


health = _Health()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_state() -> str:
    """`ok`, `lagging` (more than REPLICA_MAX_LAG_SECONDS behind) or `unreachable`."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica unreachable (%s): reads go to the primary", type(error).__name__)
        return "unreachable"
    finally:
        # The check runs outside a request's cleanup too: give the connection back.
        connections[REPLICA].close()
    if float(lag) > settings.REPLICA_MAX_LAG_SECONDS:
        logger.warning("replica %.1f s behind: reads go to the primary", float(lag))
        return "lagging"
    return "ok"


class ReplicaRouter:
    """DATABASE_ROUTERS: reads of a request that ReplicaMiddleware let through go to the
    replica while it is healthy; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if (
            _reads_from_replica.get()
            and not connections["default"].in_atomic_block
            and health.usable()
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Lets an anonymous safe request read from the replica (placed before anything that
    reads, so that the register revision and the data come from the same database), and
    marks a client that wrote, so that its reads stay on the primary for a few seconds."""

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous = (
            request.method in SAFE_METHODS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and RECENT_WRITE_COOKIE not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
        )
        response = self._respond(request, from_replica=anonymous)
        if anonymous and response.status_code == 503 and not health.recheck():
            # The replica went away since it was last checked: a safe request is answered
            # again from the primary rather than with a 503.
            response = self._respond(request, from_replica=False)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                RECENT_WRITE_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _respond(self, request: HttpRequest, *, from_replica: bool) -> HttpResponse:
        token = _reads_from_replica.set(from_replica)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
