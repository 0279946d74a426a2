from rest_framework import throttling


class ExportRateThrottle(throttling.SimpleRateThrottle):
    """Whole-register exports (CSV, NDJSON) have their own, lower limit per client."""

    scope = "export"

    def get_cache_key(self, request, view):
        export_format = getattr(view, "export_format", None)
        if export_format is None or export_format(request) is None:
            return None
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginRateThrottle(throttling.AnonRateThrottle):
    """Password guesses are limited per client address."""

    scope = "login"
