from rest_framework import throttling

from .renderers import EXPORT_FORMATS


class ExportRateThrottle(throttling.SimpleRateThrottle):
    """Whole-register exports (CSV, NDJSON) have their own, lower limit per client."""

    scope = "export"

    def get_cache_key(self, request, view):
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is None or renderer.format not in EXPORT_FORMATS:
            return None
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginRateThrottle(throttling.AnonRateThrottle):
    """Password guesses are limited per client address."""

    scope = "login"
