"""Conditional requests, for every API view whose answer derives from the register.

A read answers with an ETag and Last-Modified and honours If-None-Match and
If-Modified-Since before doing the work: the view calls `check_not_modified()` once it
knows what the ETag names (a list: the register; a record: also its version), and a
current copy answers 304. A write reads the version its client saw from If-Match
(`read_if_match()`) and gives it to the service, which refuses a stale write (412).
Every 2xx answer with a body gets the validators, and every answer varies on the
headers the body depends on.
"""

import hashlib
import re
from functools import cached_property

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import status

from companies import selectors
from companies.models import drafts_visible

from .errors import PreconditionFailed

VARY = ("Accept", "Accept-Language", "Authorization")
_VERSION_IN_ETAG = re.compile(r'^(?:W/)?"?(\d+)(?:\.[0-9a-f]+)?"?$')


def _digest(*parts) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=10).hexdigest()


class NotModified(Exception):
    """The client's copy is current: answer `response` (a 304) instead."""

    def __init__(self, response: HttpResponse):
        self.response = response


class ConditionalMixin:
    """ETags and Last-Modified from the register's revision, the day (figures "as of
    today" move at midnight), the request's address, its language and format, whether
    drafts are in it, and the record's version for a record (see the module)."""

    # The version of the record the answer is about, if any; it leads the ETag, so that
    # If-Match can name it.
    etag_version: int | None = None

    @cached_property
    def revision(self) -> selectors.Revision:
        # Read already if the request passed KeptResponseMiddleware.
        kept = getattr(self.request._request, "register_revision", None)
        return kept or selectors.register_revision()

    @cached_property
    def variant(self) -> str:
        """What the answer depends on besides the record's version."""
        request = self.request
        return _digest(
            self.revision.key,
            timezone.localdate(),
            request.build_absolute_uri(),  # the links in a body name the host
            get_language(),
            drafts_visible(request.user),
            request.accepted_renderer.format,
        )

    def etag(self) -> str:
        version = self.etag_version
        return quote_etag(self.variant if version is None else f"{version}.{self.variant}")

    def check_not_modified(self, *, version: int | None = None) -> None:
        """Raise NotModified if the client's copy of the answer is current."""
        self.etag_version = version
        headers = self.set_validators(HttpResponse())
        changed_at = self.revision.changed_at
        response = get_conditional_response(
            self.request._request,
            etag=headers["ETag"],
            last_modified=int(changed_at.timestamp()) if changed_at else None,
            response=headers,
        )
        if response is not headers:
            raise NotModified(response)

    def set_validators(self, response):
        response["ETag"] = self.etag()
        if changed_at := self.revision.changed_at:
            response["Last-Modified"] = http_date(changed_at.timestamp())
        # Clients revalidate each time; only the caller may keep a copy that has drafts.
        private = drafts_visible(self.request.user) or self.request.auth is not None
        response["Cache-Control"] = "private, no-cache" if private else "public, no-cache"
        return response

    # The version If-Match names, once read_if_match() has read it.
    if_match_version: int | None = None

    def read_if_match(self) -> None:
        """Read the version named by If-Match (an ETag of this API or a bare version)."""
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return
        match = _VERSION_IN_ETAG.match(header.strip())
        if match is None:
            raise PreconditionFailed(
                _("If-Match must be an ETag given by this API for the resource.")
            )
        self.if_match_version = int(match.group(1))

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        answered = status.is_success(response.status_code) and response.status_code != 204
        if answered and request.method != "OPTIONS":
            self.set_validators(response)
        patch_vary_headers(response, VARY)
        return response
