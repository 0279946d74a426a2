"""Which database a request reads from when a read replica is configured: anonymous safe
requests from the replica while it is healthy, everything else from the primary. The
whole deployment, with a real streaming replica and its faults, runs in `make cluster`
(scripts/cluster.py)."""

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import router, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from companies.models import Company
from ops import replica

# Not inside a test transaction: the router keeps reads in a transaction on the primary.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def routed(monkeypatch):
    """The middleware and router as a replica-serving instance runs them, with a healthy
    replica; calling it answers which database the request's reads went to."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica.health, "usable", lambda: True)
    monkeypatch.setattr("django.db.router.routers", [replica.ReplicaRouter()])
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Company)
        seen["write"] = router.db_for_write(Company)
        with transaction.atomic():
            seen["in_transaction"] = router.db_for_read(Company)
        return HttpResponse()

    middleware = replica.ReplicaMiddleware(view)

    def serve(request):
        response = middleware(request)
        return seen, response

    return serve


def test_an_anonymous_read_goes_to_the_replica_and_its_writes_never(routed):
    seen, _ = routed(RequestFactory().get("/api/v1/companies/"))
    assert seen == {"read": "replica", "write": "default", "in_transaction": "default"}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Token abc"},
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_COOKIE": f"{replica.RECENT_WRITE_COOKIE}=1"},
    ],
    ids=["token client", "signed-in editor", "client that just wrote"],
)
def test_editors_token_clients_and_recent_writers_read_from_the_primary(routed, headers):
    seen, _ = routed(RequestFactory().get("/api/v1/companies/", **headers))
    assert seen["read"] == "default"


def test_a_write_reads_from_the_primary_and_keeps_the_client_there_for_a_while(routed, settings):
    seen, response = routed(RequestFactory().post("/api/v1/auth/login/"))
    assert seen["read"] == "default"
    cookie = response.cookies[replica.RECENT_WRITE_COOKIE]
    assert cookie["max-age"] == settings.REPLICA_STICKY_SECONDS


def test_an_unhealthy_replica_is_skipped(routed, monkeypatch):
    monkeypatch.setattr(replica.health, "usable", lambda: False)
    seen, _ = routed(RequestFactory().get("/en/companies/"))
    assert seen["read"] == "default"


def test_without_a_replica_the_middleware_steps_aside():
    with pytest.raises(MiddlewareNotUsed):
        replica.ReplicaMiddleware(lambda request: HttpResponse())
