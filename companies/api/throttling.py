"""Request limits per client, counted in the shared cache.

DRF's throttles keep a list of every request's time per client and rewrite it on each
request, which costs more the higher the limit. These count in fixed windows instead:
one atomic increment per request, whatever the limit: one round trip to Redis."""

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling


class FixedWindowMixin:
    @property
    def cache(self):
        # The backend itself rather than DRF's proxy of it, so that _count can tell Redis.
        return caches[DEFAULT_CACHE_ALIAS]

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        key = f"{self.key}:{window}"
        count = _count(self.cache, key, timeout=self.duration + 1)
        self.retry_after = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self):
        return self.retry_after


class AnonRateThrottle(FixedWindowMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address (see NUM_PROXIES). Also charges requests that never
    reach a view (KeptResponseMiddleware), which have no user yet."""

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    """Clients with a token, by user (DRF's would count anonymous clients a second time)."""

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class ExportRateThrottle(FixedWindowMixin, throttling.SimpleRateThrottle):
    """Whole-register exports (CSV, NDJSON) have their own, lower limit per client."""

    scope = "export"

    def get_cache_key(self, request, view):
        export_format = getattr(view, "export_format", None)
        if export_format is None or export_format(request) is None:
            return None
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginRateThrottle(AnonRateThrottle):
    """Password guesses are limited per client address."""

    scope = "login"


def _count(cache, key: str, *, timeout: int) -> int:
    """Add one to the counter at `key` and return it (0 while Redis is unreachable: the
    limit is not enforced rather than every request refused). The timeout only clears
    old windows away; the window is in the key."""
    if isinstance(cache, RedisCache):
        # cache.incr() asks whether the key exists first; a pipeline needs no second
        # round trip.
        redis_key = cache.make_key(key)
        try:
            with get_redis_connection(DEFAULT_CACHE_ALIAS).pipeline() as pipe:
                count, _ = pipe.incr(redis_key).expire(redis_key, timeout).execute()
        except RedisError:
            return 0
        return count
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1
