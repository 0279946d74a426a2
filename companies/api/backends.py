"""The filter backend of the companies list, and the day an answer is as of."""

from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

from companies import selectors
from companies.filters import day_parse, filter_parameters, register_as_of


def day_asked(request) -> date:
    """The `as_of` parameter (filters.day_parse: YYYY-MM-DD, not in the future); default today."""
    raw = request.query_params.get("as_of")
    if raw is None:
        return timezone.localdate()
    try:
        return day_parse(raw)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({"as_of": error.messages}) from None


def moment_asked(request, name: str) -> datetime:
    """The ISO 8601 date and time of the parameter `name`, in UTC."""
    field = IsoDateTimeField()
    try:
        # In UTC here, so that a moment at the edge of the calendar is refused rather
        # than overflowing when the database adapts it.
        return field.clean(request.query_params[name]).astimezone(UTC)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({name: error.messages}) from None
    except OverflowError:
        raise exceptions.ValidationError({name: [field.error_messages["invalid"]]}) from None


class CompanyFilterBackend(DjangoFilterBackend):
    """The view's FilterSet (CompanyFilter) over its queryset, annotated with each
    company's status and figures as of the day asked
    (selectors.companies_with_figures_as_of). Sets the view's `day` (today without
    `as_of`), `ordering` (the FilterSet's, or None) and `matched_first` (the FilterSet's:
    whether the matches are found before they are sorted)."""

    def filter_queryset(self, request, queryset, view):
        view.day, view.ordering, view.matched_first = timezone.localdate(), None, False
        if filter_parameters().isdisjoint(request.query_params):
            # Building the FilterSet's form costs milliseconds; without a filter it has
            # nothing to do.
            return selectors.companies_with_figures_as_of(companies=queryset, day=view.day)
        if filter_parameters().intersection(request.query_params) == {"as_of"}:
            # Only the day (the register as of it), as the FilterSet reads it.
            view.day = day_asked(request)
            companies, view.matched_first = register_as_of(queryset, day=view.day)
            return companies
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        companies = filterset.qs  # filters, and sets filterset.day
        view.ordering = filterset.form.cleaned_data.get("ordering")
        view.matched_first = filterset.matched_first
        if filterset.day is None:
            return selectors.companies_with_figures_as_of(companies=companies, day=view.day)
        view.day = filterset.day
        return companies
