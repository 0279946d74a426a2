"""Query parameters: every API endpoint names those it knows and refuses any other.

A misspelt parameter that was ignored would answer a different question than the one
asked (`jobs_min=101` would list every company), so it is a 400 naming it, with the
closest known name when there is one, as Stripe's API does. The listing pages do not
use this: shared links carry tracking tags, and pages ignore what they do not know.
"""

import difflib
from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings

# Every endpoint answers `format` (json, or another format it renders): DRF reads it to
# choose the renderer before the view runs.
ALWAYS_KNOWN = frozenset({api_settings.URL_FORMAT_OVERRIDE})


def closest_parameter(name: str, known: Iterable[str]) -> str | None:
    """The known parameter closest to `name` (difflib's ratio at least 0.6), if any."""
    matches = difflib.get_close_matches(name.lower(), sorted(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def parameters_refuse_unknown(request, known: Iterable[str]) -> None:
    """Raise a 400 naming each query parameter of `request` that is not in `known`."""
    known = ALWAYS_KNOWN | frozenset(known)
    unknown = [name for name in request.query_params if name not in known]
    if not unknown:
        return
    errors = {}
    for name in unknown:
        closest = closest_parameter(name, known)
        if closest is not None:
            message = _("Unknown parameter; did you mean %(name)s?") % {"name": closest}
        else:
            message = _("Unknown parameter; this endpoint takes: %(names)s.") % {
                "names": ", ".join(sorted(known))
            }
        errors[name] = [message]
    raise exceptions.ValidationError(errors)


class KnownParametersMixin:
    """For every API view: after authentication, permissions and throttling, refuse a
    query parameter that `known_parameters()` does not list (see the module)."""

    query_parameters: frozenset[str] = frozenset()

    def known_parameters(self) -> frozenset[str]:
        """The query parameters this request's endpoint reads, besides `format`."""
        return self.query_parameters

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        parameters_refuse_unknown(request, self.known_parameters())
