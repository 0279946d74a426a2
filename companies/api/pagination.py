"""Paging of the companies list.

Cursor paging (the default) is keyset paging: each page continues after the sort value
and primary key of the previous page's last row (ties go by primary key in the sort's
direction), so its cost does not grow with depth and no COUNT runs. Rows without the sort
value (a company with no reported figure) come last in either direction, so a page is
read from two segments, the rows with a value and then the rows without, each an
index-friendly range. Page-number paging (`page=`)
counts the rows and pays OFFSET, for clients that need totals and random access.

CompanyPagination and RemovalPagination are the pagination classes the views name; the
page's links go in the body and in a Link header.
"""

import base64
import binascii
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from companies import params
from companies.filters import DEFAULT_ORDERING, ORDERINGS, sort_expression, tie_breaker
from companies.models import Company

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
SORT_COLUMN = "sort_key"


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    next_url: str | None
    previous_url: str | None
    links: dict[str, str]
    count: int | None = None


def page_size(request) -> int:
    """`page_size` from the query string: 1 to MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE."""
    raw = request.query_params.get("page_size")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    size = params.whole_number(raw)
    if size is None or not 1 <= size <= MAX_PAGE_SIZE:
        raise exceptions.ValidationError(
            {"page_size": [_("Give a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}]}
        )
    return size


def _ordering(ordering: list[str] | None) -> str:
    if not ordering:
        return DEFAULT_ORDERING
    if len(ordering) > 1:
        raise exceptions.ValidationError(
            {"ordering": [_("Cursor paging sorts by one field; use page= to sort by several.")]}
        )
    return ordering[0]


class Keyset:
    """One sort field (public name, optionally with a leading -) and the primary key."""

    def __init__(self, request, ordering: list[str] | None, *, matched_first: bool = False):
        self.ordering = _ordering(ordering)
        self.descending = self.ordering.startswith("-")
        self.field_name = ORDERINGS[self.ordering.lstrip("-")]
        self.field = Company._meta.get_field(self.field_name)
        # The rows carry their figures as of the day asked (`<figure>_as_of`).
        self.expression = sort_expression(self.field_name, as_of=True, matched_first=matched_first)
        self.after = self._decode(request.query_params.get("cursor"))
        self.pk_order = tie_breaker(self.ordering)
        self.pk_after = "pk__lt" if self.descending else "pk__gt"

    def page(self, request, queryset: QuerySet, *, columns: list[str], size: int) -> Page:
        after = self.after
        queryset = queryset.annotate(**{SORT_COLUMN: self.expression})
        columns = [*columns, SORT_COLUMN, "pk"]
        rows: list[dict] = []
        if after is None or after[0] is not None:
            rows = list(self._valued(queryset, after).values(*columns)[: size + 1])
        if self.field.null and len(rows) <= size:
            missing = queryset.filter(**{f"{SORT_COLUMN}__isnull": True}).order_by(self.pk_order)
            if after is not None and after[0] is None:
                missing = missing.filter(**{self.pk_after: after[1]})
            rows += list(missing.values(*columns)[: size + 1 - len(rows)])
        has_next = len(rows) > size
        rows = rows[:size]
        url = request.build_absolute_uri()
        first_url = remove_query_param(url, "cursor")
        links = {"first": first_url}
        next_url = None
        if has_next:
            next_url = replace_query_param(url, "cursor", self._encode(rows[-1]))
            links["next"] = next_url
        return Page(rows=rows, next_url=next_url, previous_url=None, links=links)

    def _valued(self, queryset: QuerySet, after):
        rows = queryset.filter(**{f"{SORT_COLUMN}__isnull": False})
        if after is not None:
            value, pk = after
            # A range on the sort value (which an index serves), less the rows of the
            # same value already given.
            bound = "lte" if self.descending else "gte"
            seen = "pk__gte" if self.descending else "pk__lte"
            rows = rows.filter(**{f"{SORT_COLUMN}__{bound}": value}).exclude(
                **{SORT_COLUMN: value, seen: pk}
            )
        # Plain ASC/DESC: the rows without a value are excluded, so an index on
        # (field, id) reads them in order in either direction.
        order = F(SORT_COLUMN).desc() if self.descending else F(SORT_COLUMN).asc()
        return rows.order_by(order, self.pk_order)

    def _encode(self, row: dict) -> str:
        value = row[SORT_COLUMN]
        if isinstance(value, Decimal | date):
            value = str(value)
        raw = orjson.dumps([self.ordering, value, row["pk"]])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, cursor: str | None):
        if cursor is None:
            return None
        invalid = exceptions.ValidationError(
            {"cursor": [_("Not a cursor of this list; follow the next link as given.")]}
        )
        if len(cursor) > params.MAX_LENGTH:
            raise invalid
        try:
            ordering, value, pk = orjson.loads(base64.urlsafe_b64decode(cursor + "=="))
            if value is not None:
                # The value goes into SQL: it must be one the column can hold (no NUL in
                # text, no count or amount beyond the column's range or digits).
                if isinstance(value, str) and "\x00" in value:
                    raise ValueError
                if isinstance(value, int) and not 0 <= value < 2**31:
                    raise ValueError
                value = self.field.to_python(value)
                self.field.run_validators(value)
        except (ValueError, TypeError, binascii.Error, DjangoValidationError):
            raise invalid from None
        if type(pk) is not int or not 0 < pk < 2**63:
            raise invalid
        if ordering != self.ordering:
            raise exceptions.ValidationError(
                {"cursor": [_("This cursor was made for another ordering; start again.")]}
            )
        return value, pk


def number_page(
    request, queryset: QuerySet, *, columns: list[str], size: int, count_from: QuerySet
) -> Page:
    """Page `page` (from 1) of the list, with the count of all rows (of `count_from`, the
    same rows without the joins that only add columns)."""
    number = params.whole_number(request.query_params.get("page", "1"))
    if number is None or number < 1:
        raise exceptions.ValidationError({"page": [_("Give a page number from 1.")]})
    count = count_from.count()
    last = max(1, math.ceil(count / size))
    if number > last:
        raise exceptions.NotFound(
            {"page": [_("Page %(page)d is beyond the last page, %(last)d.") % {
                "page": number, "last": last}]}
        )  # fmt: skip
    start = (number - 1) * size
    rows = list(queryset.values(*columns, "pk")[start : start + size])
    url = request.build_absolute_uri()
    links = {
        "first": replace_query_param(url, "page", 1),
        "last": replace_query_param(url, "page", last),
    }
    next_url = previous_url = None
    if number < last:
        next_url = links["next"] = replace_query_param(url, "page", number + 1)
    if number > 1:
        previous_url = links["prev"] = replace_query_param(url, "page", number - 1)
    return Page(rows=rows, next_url=next_url, previous_url=previous_url, links=links, count=count)


# Every response header together must fit a proxy's header buffer (nginx's default
# proxy_buffer_size is 4 KB, and the rest of the headers take about 1.5 KB): a Link
# repeats the request's URL once per rel, so a long query string could overflow it into
# a 502. Beyond this the links are in the body only (`next`, `previous`).
LINK_HEADER_MAX_BYTES = 2048


def link_headers(links: dict[str, str]) -> dict[str, str]:
    """{"Link": ...} for the page's links (RFC 8288), or {} when it would exceed
    LINK_HEADER_MAX_BYTES."""
    value = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return {"Link": value} if len(value.encode()) <= LINK_HEADER_MAX_BYTES else {}


class TimeKeyset:
    """Keyset paging of rows ordered by a time column and the primary key (the change
    feed): each page continues after the last row's (time, id)."""

    def __init__(self, request, *, field: str):
        self.field = field
        self.after = self._decode(request.query_params.get("cursor"))

    def page(self, request, queryset: QuerySet, *, columns: list[str], size: int) -> Page:
        rows = queryset.order_by(self.field, "pk")
        if self.after is not None:
            moment, pk = self.after
            rows = rows.filter(**{f"{self.field}__gte": moment}).exclude(
                **{self.field: moment, "pk__lte": pk}
            )
        rows = list(rows.values(*columns, "pk")[: size + 1])
        url = request.build_absolute_uri()
        links = {"first": remove_query_param(url, "cursor")}
        next_url = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            cursor = orjson.dumps([last[self.field].isoformat(), last["pk"]])
            encoded = base64.urlsafe_b64encode(cursor).decode().rstrip("=")
            next_url = links["next"] = replace_query_param(url, "cursor", encoded)
        return Page(rows=rows, next_url=next_url, previous_url=None, links=links)

    def _decode(self, cursor: str | None):
        if cursor is None:
            return None
        try:
            moment, pk = orjson.loads(base64.urlsafe_b64decode(cursor + "=="))
            moment = datetime.fromisoformat(moment)
            if type(pk) is not int or moment.tzinfo is None:
                raise ValueError
        except (ValueError, TypeError, binascii.Error):
            raise exceptions.ValidationError(
                {"cursor": [_("Not a cursor of this list; follow the next link as given.")]}
            ) from None
        return moment, pk


PAGE_SIZE_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}


def _parameter(name: str, schema: dict, description: str) -> dict:
    return {"in": "query", "name": name, "schema": schema, "description": description}


def _page_size_parameter(what: str) -> dict:
    return _parameter(
        "page_size",
        PAGE_SIZE_SCHEMA,
        f"{what} per page, 1 to {MAX_PAGE_SIZE}; default {DEFAULT_PAGE_SIZE}.",
    )


class KeysetPagination(BasePagination):
    """Pages of rows of `.values()`, read with the columns of the view's serializer
    (RowSerializer.columns()); `read_parameters()` refuses a bad page size or cursor
    before the view answers anything."""

    parameters = frozenset({"cursor", "page_size"})

    def read_parameters(self, request, view) -> None:
        self.size = page_size(request)
        self.keyset = self.make_keyset(request, view)

    def page(self, queryset, request, view) -> Page:
        raise NotImplementedError

    def paginate_queryset(self, queryset, request, view=None) -> list[dict]:
        if not hasattr(self, "size"):
            self.read_parameters(request, view)
        self.current = self.page(queryset, request, view)
        return self.current.rows

    def get_paginated_response(self, data) -> Response:
        return Response(self.body(data), headers=link_headers(self.current.links))


class CompanyPagination(KeysetPagination):
    """The companies list: keyset paging in the order the FilterSet parsed
    (`view.ordering`), or numbered pages with `page=`."""

    parameters = frozenset({"cursor", "page", "page_size"})

    def make_keyset(self, request, view) -> Keyset | None:
        if "page" in request.query_params:
            return None
        return Keyset(request, view.ordering, matched_first=view.matched_first)

    def page(self, queryset, request, view) -> Page:
        serializer_class = view.get_serializer_class()
        rows = queryset.annotate(**serializer_class.annotations())
        columns = serializer_class.columns()
        if self.keyset is not None:
            return self.keyset.page(request, rows, columns=columns, size=self.size)
        return number_page(request, rows, columns=columns, size=self.size, count_from=queryset)

    def body(self, data) -> dict:
        page = self.current
        body = {} if page.count is None else {"count": page.count}
        return {**body, "next": page.next_url, "previous": page.previous_url, "results": data}

    def get_schema_operation_parameters(self, view):
        return [
            _parameter(
                "cursor",
                {"type": "string"},
                "Where the page starts: copy it from `next` (cursor paging).",
            ),
            _parameter(
                "page",
                {"type": "integer", "minimum": 1},
                "Page number from 1: switches to numbered pages with a count.",
            ),
            _page_size_parameter("Companies"),
        ]


class RemovalPagination(KeysetPagination):
    """The change feed, oldest first: keyset paging by the time of removal."""

    def make_keyset(self, request, view) -> TimeKeyset:
        return TimeKeyset(request, field="removed_at")

    def page(self, queryset, request, view) -> Page:
        columns = view.get_serializer_class().columns()
        return self.keyset.page(request, queryset, columns=columns, size=self.size)

    def body(self, data) -> dict:
        return {"next": self.current.next_url, "results": data}

    def get_schema_operation_parameters(self, view):
        return [
            _parameter("cursor", {"type": "string"}, "Where the page starts: copy `next`."),
            _page_size_parameter("Removals"),
        ]


class WholeListPagination(BasePagination):
    """Every row at once, with their count (a company's reports are few)."""

    parameters = frozenset()

    def read_parameters(self, request, view) -> None:
        pass

    def paginate_queryset(self, queryset, request, view=None) -> list:
        return list(queryset)

    def get_paginated_response(self, data) -> Response:
        return Response({"count": len(data), "results": data})
