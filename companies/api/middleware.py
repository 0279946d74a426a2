"""Anonymous reads of the API answered again from the copy a worker kept.

Most API traffic is anonymous reads of the same pages. A view opts in by declaring
`kept_for_anonymous = True` (companies/api/views.py); of its answers, those it marked
public (never one with drafts, never one for a client with credentials) are kept in the
worker's own memory under a key that names the register's revision, the day and
everything else the answer depends on, so a kept copy is never stale: any change to the
register makes every copy unreachable. A kept answer skips sessions, authentication,
routing and the view, but not the client's request limit, and a client whose own copy
is current still gets 304. The copy is kept here rather than by a cache decorator on
the view because most of what a repeated read costs is the middleware and DRF before
the view (measured in bench/CHANGES.md: half the request).
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from companies import selectors

from .throttling import AnonRateThrottle

PREFIX = "/api/v1/"
# Request headers an API answer depends on, besides its address.
VARY = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE")
# Vary headers of a response that the key accounts for (Authorization: keepable
# requests have none).
KEYED_VARY = {"accept", "accept-language", "authorization"}


class KeptResponseMiddleware:
    """Placed before the session and locale middleware, whose work it skips."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = caches["local"]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _anonymous_read(request):
            return self.get_response(request)
        key = _key(request)
        kept = self.cache.get(key)
        if kept is not None and AnonRateThrottle().allow_request(request, None):
            return _replay(request, *kept)
        # Not kept yet, or over its limit (the view answers 429).
        response = self.get_response(request)
        if _public(response):
            self.cache.set(key, (response.status_code, response.content, dict(response.items())))
        return response


def _anonymous_read(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and request.path_info.startswith(PREFIX)
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _key(request: HttpRequest) -> str:
    # The view's ETag names the same revision, without reading it a second time.
    revision = request.register_revision = selectors.register_revision()
    parts = [
        revision.key,
        timezone.localdate().isoformat(),
        request.build_absolute_uri(),
        *(request.META.get(header, "") for header in VARY),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    ]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return f"kept-response:{digest}"


def _public(response: HttpResponse) -> bool:
    """A whole 200 answer of a view with `kept_for_anonymous` that the view marked public,
    sets no cookie and varies on nothing but what the key names."""
    view = getattr(response, "renderer_context", {}).get("view")
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part}
    return (
        getattr(view, "kept_for_anonymous", False)
        and response.status_code == 200
        and not response.streaming
        and response.has_header("ETag")
        and "public" in response.get("Cache-Control", "")
        and not response.cookies
        and vary <= KEYED_VARY
    )


def _replay(request: HttpRequest, status: int, content: bytes, headers: dict) -> HttpResponse:
    response = HttpResponse(content, status=status, headers=headers)
    return get_conditional_response(
        request,
        etag=headers["ETag"],
        last_modified=parse_http_date_safe(headers.get("Last-Modified", "")),
        response=response,
    )
