"""Who the client is, when proxies stand in front of the app."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the login lockout and the API throttling both count it.

    With NUM_PROXIES proxies in front, the address the outermost of them saw, read from
    the right of X-Forwarded-For (what a client writes on the left cannot move it); with
    none, the peer's own address. The same rule as DRF's throttles with NUM_PROXIES."""
    remote = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not settings.NUM_PROXIES or not forwarded:
        return remote
    addresses = forwarded.split(",")
    return addresses[-min(settings.NUM_PROXIES, len(addresses))].strip()
