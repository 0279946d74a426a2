"""Query parameters: every API endpoint names those it knows and refuses any other.

Every API view reads its query string through QueryParametersMixin: a blank value means
the parameter was not given (companies/params.py), the query as a whole is bounded, and
a parameter the endpoint does not declare is refused.

A misspelt parameter that was ignored would answer a different question than the one
asked (`jobs_min=101` would list every company), so it is a 400 naming it, with the
closest known name when there is one, as Stripe's API does. The listing pages do not
use this: shared links carry tracking tags, and pages ignore what they do not know.
"""

import difflib
from collections.abc import Iterable
from functools import cache

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings

from companies import params
from companies.filters import REPEATABLE, filter_parameters

# Every endpoint answers `format` (json, or another format it renders): DRF reads it to
# choose the renderer before the view runs.
ALWAYS_KNOWN = frozenset({api_settings.URL_FORMAT_OVERRIDE})
# The parameters of the companies list besides its filters.
LIST_PARAMETERS = frozenset(
    {"fields", "cursor", "page", "page_size", api_settings.URL_FORMAT_OVERRIDE}
)


@cache
def single_parameters() -> frozenset[str]:
    """The API's query parameters that are given once."""
    return (filter_parameters() - REPEATABLE) | LIST_PARAMETERS | {"as_of"}


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


class QueryParametersMixin:
    """For every API view. Before authentication, blank parameters are dropped; after
    authentication, permissions and throttling, a query beyond the bounds of
    companies/params.py and a parameter the endpoint does not declare are refused.

    `query_parameters` declares what the endpoint reads besides `format`: a set, or a
    set per action of a viewset."""

    query_parameters: frozenset[str] | dict[str, frozenset[str]] = frozenset()

    def known_parameters(self) -> frozenset[str]:
        """The query parameters this request's endpoint reads, besides `format`."""
        if isinstance(self.query_parameters, dict):
            return self.query_parameters.get(getattr(self, "action", None), frozenset())
        return self.query_parameters

    def initial(self, request, *args, **kwargs):
        request._request.GET = params.without_blanks(request._request.GET)
        super().initial(request, *args, **kwargs)
        if problems := params.query_problems(request.query_params, single=single_parameters()):
            raise exceptions.ValidationError(problems)
        parameters_refuse_unknown(request, self.known_parameters())
