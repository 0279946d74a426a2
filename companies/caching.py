"""Reads cached until the register changes: keyed on the register revision and the day
(figures "as of today" change at midnight), so a cached value is never stale."""

from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

from . import selectors

# Keys change with every revision; the timeout only bounds how long unused entries stay.
TIMEOUT = 24 * 60 * 60


def cached_per_revision(name: str, compute: Callable):
    """`compute()`, computed once per register revision and day."""
    revision = selectors.register_revision()
    changed = 0 if revision._state.adding else revision.changed_at.timestamp()
    key = f"park:{name}:{revision.number}:{changed}:{timezone.localdate().isoformat()}"
    return cache.get_or_set(key, compute, TIMEOUT)
