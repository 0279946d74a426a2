"""The one FilterSet for companies: the API and the listing pages read the same query string.

`/api/v1/companies/?country=CN&country=BY&q=pharma` and `/companies/?country=CN&...` mean
the same thing.
"""

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import selectors
from .models import SEARCHED_FIELDS, Company, Sector

# Public name of each ordering -> the model field it sorts by.
ORDERINGS = {
    "name": "name",
    "resident_since": "resident_since",
    "declared_investment": "declared_investment",
    "realised_investment": "realised_investment",
    "direct_jobs": "direct_jobs",
}

# Names sort case-insensitively, as the model's default order and its index do.
SORT_EXPRESSIONS = {"name": Lower("name")}


# The filters the figure ledger answers by itself (selectors.Among).
LEDGER_FILTERS = {"country", "sector", "status"}
FIGURE_RANGES = ("declared_investment", "realised_investment", "direct_jobs")


def _given(value) -> bool:
    if isinstance(value, slice):
        return value.start is not None or value.stop is not None
    return value not in (None, "", [], ()) and not (hasattr(value, "exists") and not value)


class CompanyOrderingFilter(django_filters.OrderingFilter):
    """Sorts with missing figures last whatever the direction, and the primary key as a
    tie-breaker so that pages never overlap."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param.lstrip("-")]
        field = SORT_EXPRESSIONS.get(name, F(name))
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        # The tie-breaker follows the last field's direction, so that an index on
        # (field, id) yields the order in either direction without sorting ties.
        return qs.order_by(*ordering, "-pk" if value[-1].startswith("-") else "pk")


class WholeNumberRangeField(django_filters.fields.RangeField):
    def __init__(self, *args, **kwargs):
        fields = (forms.IntegerField(min_value=0), forms.IntegerField(min_value=0))
        super().__init__(fields, *args, **kwargs)


class WholeNumberRangeFilter(django_filters.RangeFilter):
    """A range of counts (such as jobs): whole numbers, not decimals."""

    field_class = WholeNumberRangeField


class CompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"), help_text=_("Words in the name or description.")
    )
    # distinct=False: each filter tests a column of the company itself, which cannot
    # duplicate rows, and DISTINCT would stop an index from serving the ordering.
    country = django_filters.MultipleChoiceFilter(
        distinct=False,
        choices=countries,
        label=_("Country"),
        help_text=_("ISO 3166-1 alpha-2 code; repeatable."),
    )
    # The lookup compares each chosen sector's slug, so it goes through sector__slug; the
    # schema generator cannot follow that path and is told the type.
    sector = extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelMultipleChoiceFilter(
            distinct=False,
            field_name="sector__slug",
            queryset=Sector.objects.all(),
            to_field_name="slug",
            label=_("Sector"),
            help_text=_("Sector slug; repeatable."),
        )
    )
    status = django_filters.MultipleChoiceFilter(
        distinct=False,
        choices=Company.Status.choices,
        label=_("Status"),
        help_text=_("Repeatable."),
    )
    resident_since = django_filters.DateFromToRangeFilter(
        label=_("Resident since"),
        help_text=_("resident_since_after and resident_since_before, YYYY-MM-DD, inclusive."),
    )
    declared_investment = django_filters.RangeFilter(
        label=_("Declared investment, USD"),
        help_text=_("declared_investment_min and declared_investment_max, inclusive."),
    )
    realised_investment = django_filters.RangeFilter(
        label=_("Realised investment, USD"),
        help_text=_("realised_investment_min and realised_investment_max, inclusive."),
    )
    direct_jobs = WholeNumberRangeFilter(
        label=_("Direct jobs"), help_text=_("direct_jobs_min and direct_jobs_max, inclusive.")
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Updated since"),
        help_text=_("ISO 8601 date and time; companies changed at or after it."),
    )
    ordering = CompanyOrderingFilter(
        fields=tuple((field, name) for name, field in ORDERINGS.items()),
        label=_("Order by"),
        help_text=_("One of the fields, with a leading - for descending order."),
    )

    class Meta:
        model = Company
        fields = []

    def figures_scope(self, *, day, drafts: bool) -> dict:
        """What the park's figures as of `day` are over, as the selectors' keyword: `among`
        (the ledger answers it) when only `country`, `sector` and `status` are given, else
        `companies`, the companies the other filters match, with the ranges applied to
        their figures as of `day`. Call it on a valid FilterSet.

        `status` means the status as of `day`; the residents counted all have the status
        "resident" then, so a status filter without it leaves no one."""
        data = self.form.cleaned_data
        among = selectors.Among(
            drafts=drafts,
            countries=tuple(data.get("country") or ()),
            sectors=tuple(sector.pk for sector in data.get("sector") or ()),
            statuses=tuple(data.get("status") or ()),
        )
        given = {name for name, value in data.items() if _given(value)} - {"ordering"}
        if given <= LEDGER_FILTERS:
            return {"among": among}
        companies = self.queryset
        for name in given - {"status", *FIGURE_RANGES}:
            companies = self.filters[name].filter(companies, data[name])
        if among.residents_excluded:
            companies = companies.none()
        ranges = {name: data[name] for name in given & set(FIGURE_RANGES)}
        return {
            "companies": selectors.companies_with_figures_in(
                companies=companies, day=day, ranges=ranges
            )
        }

    def search(self, queryset, name, value):
        """Every word must appear in the name, legal name or description (any language)."""
        for word in value.split():
            matches = Q()
            for field in SEARCHED_FIELDS:
                matches |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset
