"""The one FilterSet for companies: the API and the listing pages read the same query string.

`/api/v1/companies/?country=CN&country=BY&q=pharma` and `/companies/?country=CN&...` mean
the same thing. With `as_of=YYYY-MM-DD` the set is the register as of that day (the
companies whose residence had begun by then), and `status`, the figure ranges and the
figure orderings answer for that day.
"""

import re
from datetime import date
from functools import cache

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import IContains
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.fields import ModelMultipleChoiceField, MultipleChoiceField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import params, selectors
from .blank import is_blank
from .models import Company, SearchText, Sector
from .validators import EARLIEST_REPORT

# The earliest day the register can answer for: no report is dated before it.
EARLIEST_DAY = EARLIEST_REPORT
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def day_parse(raw: str, *, name: str = "as_of") -> date:
    """A day written YYYY-MM-DD, from EARLIEST_DAY to today; raises ValidationError
    naming the parameter `name` and the reason. The one parser of `as_of`."""
    try:
        if not _ISO_DAY.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            _("'%(value)s' is not a date; write it YYYY-MM-DD."),
            code="invalid",
            params={"value": raw},
        ) from None
    today = timezone.localdate()
    if day > today:
        raise ValidationError(
            _("%(name)s cannot be after today (%(today)s): the register has no future."),
            code="future_date",
            params={"name": name, "today": today.isoformat()},
        )
    if day < EARLIEST_DAY:
        raise ValidationError(
            _("%(name)s cannot be before %(earliest)s: the register has no figures so old."),
            code="implausible_date",
            params={"name": name, "earliest": EARLIEST_DAY.isoformat()},
        )
    return day


class DayField(forms.Field):
    """A form field for `as_of`: see day_parse."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return day_parse(str(value).strip())


@extend_schema_field(OpenApiTypes.DATE)
class AsOfFilter(django_filters.Filter):
    """The register as of a day; CompanyFilter.filter_queryset applies it first."""

    field_class = DayField

    def filter(self, qs, value):
        return qs


# Public name of each ordering -> the model field it sorts by.
ORDERINGS = {
    "name": "name",
    "resident_since": "resident_since",
    "declared_investment": "declared_investment",
    "realised_investment": "realised_investment",
    "direct_jobs": "direct_jobs",
}

# Filters that take several values (country=CN&country=BY); every other is given once.
REPEATABLE = frozenset({"country", "sector", "status"})

# What a list without `ordering` sorts by: the model's own order.
DEFAULT_ORDERING = "name"
# Names sort case-insensitively, as the model's default order and its index do.
SORT_EXPRESSIONS = {"name": Lower("name")}


# The filters the figure ledger answers by itself (selectors.Among).
LEDGER_FILTERS = {"country", "sector", "status"}
FIGURE_RANGES = ("declared_investment", "realised_investment", "direct_jobs")


class OrderingField(django_filters.fields.BaseCSVField):
    """Comma-separated sort fields, at most params.MAX_ORDERINGS of them."""

    def clean(self, value):
        if value is not None and len(value) > params.MAX_ORDERINGS:
            raise ValidationError(
                _("Order by at most %(max)d fields."),
                code="orderings",
                params={"max": params.MAX_ORDERINGS},
            )
        return super().clean(value)


# The shortest word a trigram index narrows a substring search by.
TRIGRAM = 3


def search_narrows(value: str | None) -> bool:
    """Whether the search `q` has a word the trigram indexes can look up."""
    return any(len(word) >= TRIGRAM for word in (value or "").split())


# The most companies whose residence had begun by a past day that a list as of that day
# finds before it sorts them (CompanyFilter.matched_first): reading and sorting 10,000
# costs about what walking the name index for a page costs when one company in 100 of a
# register of 1,000,000 is there, and the walk costs more the fewer there are.
FEW_REGISTERED = 10_000


def sort_expression(field_name: str, *, as_of: bool = False, matched_first: bool = False):
    """What the list sorts by for a model field of ORDERINGS. With `as_of`, figures sort
    by their value as of the day asked (`<figure>_as_of`, annotated by
    selectors.companies_with_figures_as_of).

    With `matched_first` (CompanyFilter.matched_first), the same values in a form no
    index serves (COALESCE(x, x)), so that PostgreSQL finds the matches first (trigram
    indexes, the residence index) and sorts only them: given an index in the sort's
    order it walks it and filters row by row instead, and a word's matches, or the few
    residents of an early day, cluster in name order (or there are none), so the walk
    crosses much of the register."""
    if as_of and field_name in selectors.FIGURES:
        expression = F(f"{field_name}_as_of")
    else:
        expression = SORT_EXPRESSIONS.get(field_name, F(field_name))
    return Coalesce(expression, expression) if matched_first else expression


def tie_breaker(ordering: str) -> str:
    """How companies that sort alike by `ordering` (a public name, optionally with a
    leading -) are ordered: by primary key in the same direction, so that pages never
    overlap and an index on (field, id) yields the order either way without sorting ties.
    The list's sort and its keyset pages both follow it."""
    return "-pk" if ordering.startswith("-") else "pk"


class CompanyOrderingFilter(django_filters.OrderingFilter):
    """Sorts with missing figures last whatever the direction, and the primary key as a
    tie-breaker so that pages never overlap."""

    base_field_class = OrderingField

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = sort_expression(
            self.param_map[param.lstrip("-")],
            as_of=self.parent.day is not None,
            matched_first=self.parent.matched_first,
        )
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        if not value and self.parent.matched_first:
            # The model's order (by name), in the form a search sorts by.
            value = [DEFAULT_ORDERING]
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, tie_breaker(value[-1]))


class WholeNumberRangeField(django_filters.fields.RangeField):
    def __init__(self, *args, **kwargs):
        fields = (params.StrictIntegerField(min_value=0), params.StrictIntegerField(min_value=0))
        super().__init__(fields, *args, **kwargs)


class WholeNumberRangeFilter(django_filters.RangeFilter):
    """A range of counts (such as jobs): whole numbers, not decimals."""

    field_class = WholeNumberRangeField


class MoneyRangeField(django_filters.fields.RangeField):
    def __init__(self, *args, **kwargs):
        fields = (params.StrictDecimalField(min_value=0), params.StrictDecimalField(min_value=0))
        super().__init__(fields, *args, **kwargs)


class MoneyRangeFilter(django_filters.RangeFilter):
    """A range of amounts (USD): what a money column can hold, in plain digits."""

    field_class = MoneyRangeField


class DayRangeField(django_filters.fields.DateRangeField):
    def __init__(self, *args, **kwargs):
        fields = (params.StrictDateField(), params.StrictDateField())
        django_filters.fields.RangeField.__init__(self, fields, *args, **kwargs)


class DayRangeFilter(django_filters.DateFromToRangeFilter):
    """A range of days, YYYY-MM-DD."""

    field_class = DayRangeField


class SearchFilter(django_filters.CharFilter):
    field_class = params.SearchField


class BoundedMultipleChoiceField(params.BoundedChoicesMixin, MultipleChoiceField):
    pass


class BoundedModelMultipleChoiceField(params.BoundedChoicesMixin, ModelMultipleChoiceField):
    pass


class BoundedMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = BoundedMultipleChoiceField


class BoundedModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = BoundedModelMultipleChoiceField


class CountryChoiceField(BoundedMultipleChoiceField):
    """Country codes, checked against django-countries' table of codes. The field keeps
    no choices (the filter's own, which the schema lists, stay on the filter): a form
    would translate and sort every country's name to build them, copy them, and walk
    them for each value given, on every request."""

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)

    def valid_value(self, value):
        return isinstance(value, str) and value in countries


class CountryFilter(BoundedMultipleChoiceFilter):
    field_class = CountryChoiceField


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = params.StrictDateTimeField


class CompanyFilter(django_filters.FilterSet):
    """Without `as_of`, today's register; with it, the register as of that day (see the
    module's docstring). After filtering, `day` is the day asked, or None."""

    # The filters that read a company's state as of the day: with `as_of` they test the
    # annotations of selectors.companies_with_figures_as_of instead of today's columns.
    AS_OF_FIELDS = {
        "status": "status_as_of",
        **{figure: f"{figure}_as_of" for figure in selectors.FIGURES},
    }

    as_of = AsOfFilter(
        label=_("Register as of"),
        help_text=_(
            "YYYY-MM-DD, not in the future: the companies whose residence had begun by "
            "that day, with their status and figures as of that day."
        ),
    )
    q = SearchFilter(
        method="search", label=_("Search"), help_text=_("Words in the name or description.")
    )
    # distinct=False: each filter tests a column of the company itself, which cannot
    # duplicate rows, and DISTINCT would stop an index from serving the ordering.
    country = CountryFilter(
        distinct=False,
        choices=countries,
        label=_("Country"),
        help_text=_("ISO 3166-1 alpha-2 code; repeatable."),
    )
    # The lookup compares each chosen sector's slug, so it goes through sector__slug; the
    # schema generator cannot follow that path and is told the type.
    sector = extend_schema_field(OpenApiTypes.STR)(
        BoundedModelMultipleChoiceFilter(
            distinct=False,
            field_name="sector__slug",
            queryset=Sector.objects.all(),
            to_field_name="slug",
            label=_("Sector"),
            help_text=_("Sector slug; repeatable."),
        )
    )
    status = BoundedMultipleChoiceFilter(
        distinct=False,
        choices=Company.Status.choices,
        label=_("Status"),
        help_text=_("Repeatable."),
    )
    resident_since = DayRangeFilter(
        label=_("Resident since"),
        help_text=_("resident_since_after and resident_since_before, YYYY-MM-DD, inclusive."),
    )
    declared_investment = MoneyRangeFilter(
        label=_("Declared investment, USD"),
        help_text=_("declared_investment_min and declared_investment_max, inclusive."),
    )
    realised_investment = MoneyRangeFilter(
        label=_("Realised investment, USD"),
        help_text=_("realised_investment_min and realised_investment_max, inclusive."),
    )
    direct_jobs = WholeNumberRangeFilter(
        label=_("Direct jobs"), help_text=_("direct_jobs_min and direct_jobs_max, inclusive.")
    )
    updated_since = UpdatedSinceFilter(
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
        # The day is `day`; the order does not change a total.
        given = {name for name, value in data.items() if not is_blank(value)}
        given -= {"as_of", "ordering"}
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

    day: date | None = None
    # Whether the list finds its matches before it sorts them (sort_expression): for a
    # search that narrows, and for a day with few companies resident by then.
    matched_first: bool = False

    def get_form_class(self):
        # The same class for every request in a language (its choices are translated):
        # django-filter builds it anew for each FilterSet.
        return _form_class(type(self), get_language())

    def filter_queryset(self, queryset):
        self.day = self.form.cleaned_data.get("as_of")
        self.matched_first = search_narrows(self.form.cleaned_data.get("q"))
        if self.day is not None:
            queryset, few = register_as_of(queryset, day=self.day)
            self.matched_first = self.matched_first or few
            for name, field_name in self.AS_OF_FIELDS.items():
                self.filters[name].field_name = field_name
        return super().filter_queryset(queryset)

    def search(self, queryset, name, value):
        """Every word must appear in the name, legal name or description (any language):
        in SearchText, whose trigram index holds the country too. One filter for all the
        words (at most params.MAX_WORDS): a .filter() per word clones the queryset."""
        return queryset.filter(*(IContains(SearchText(), word) for word in value.split()))


@cache
def _form_class(filterset_class: type[CompanyFilter], language: str) -> type[forms.Form]:
    return super(CompanyFilter, filterset_class()).get_form_class()


def register_as_of(companies: QuerySet, *, day: date) -> tuple[QuerySet, bool]:
    """`companies` as of `day` (selectors.companies_registered_as_of), and whether they
    are few enough to be found before they are sorted (FEW_REGISTERED)."""
    few = day < timezone.localdate() and selectors.registered_at_most(day=day, most=FEW_REGISTERED)
    return selectors.companies_registered_as_of(companies=companies, day=day), few


@cache
def filter_parameters() -> frozenset[str]:
    """The query parameters CompanyFilter reads (a range filter reads two)."""
    names = set()
    for name, field in CompanyFilter().form.fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        names |= {f"{name}_{suffix}" for suffix in suffixes} if suffixes else {name}
    return frozenset(names)
