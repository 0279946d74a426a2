"""Values kept until the register changes.

Keys name the register's revision and the day (figures "as of today" change at
midnight), so a kept value is never stale: a change makes every older key unreachable.
Two levels (settings.KEPT_CACHES): each worker keeps recent values in its own memory
(the `local` cache: no round trip), and the workers and replicas share what one of them
computed through the default cache (Redis in production), so a figure is computed once
per revision rather than once per worker.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone

from . import selectors

# Keys change with every revision; the timeout only bounds how long unused entries stay.
TIMEOUT = 24 * 60 * 60


def kept(key: str, compute: Callable):
    """The value kept under `key` (a key that changes with the revision), or `compute()`."""
    missed = []
    for alias in settings.KEPT_CACHES:
        value = caches[alias].get(key)
        if value is not None:
            break
        missed.append(caches[alias])
    else:
        value = compute()
    for cache in missed:
        cache.set(key, value, TIMEOUT)
    return value


def request_revision(request: HttpRequest) -> selectors.Revision:
    """The register's revision as `request` sees it, read once whatever asks for it
    (its kept copy, kept figures, the footer, an ETag)."""
    revision = getattr(request, "register_revision", None)
    if revision is None:
        revision = request.register_revision = selectors.register_revision()
    return revision


def cached_per_revision(
    name: str, compute: Callable, *, revision: selectors.Revision | None = None
):
    """`compute()`, computed once per register revision (default: the current one) and day."""
    revision = revision or selectors.register_revision()
    return kept(f"park:{name}:{revision.key}:{timezone.localdate().isoformat()}", compute)
