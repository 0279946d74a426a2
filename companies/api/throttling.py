"""Request limits per client, counted in the shared cache.

DRF's throttles keep a list of every request's time per client and rewrite it on each
request, which costs more the higher the limit. These count in fixed windows instead:
one cache increment per request (atomic in Redis), whatever the limit."""

from rest_framework import throttling


class FixedWindowMixin:
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        key = f"{self.key}:{window}"
        # The timeout only clears old windows away; the window is in the key.
        self.cache.add(key, 0, self.duration + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.set(key, 1, self.duration + 1)
            count = 1
        self.retry_after = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self):
        return self.retry_after


class AnonRateThrottle(FixedWindowMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address (see NUM_PROXIES)."""


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
