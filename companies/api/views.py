"""The API's endpoints: thin views over the selectors (reads) and services (writes).

Every company query starts from `Company.objects.visible_to(user)`, so drafts reach
editors only; every read answers with an ETag and Last-Modified and honours
If-None-Match / If-Modified-Since before doing any work; every write goes through the
services, with If-Match checked against the record's version under a row lock.
"""

import hashlib
import re
from datetime import UTC, date
from functools import cache

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from knox import views as knox_views
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from companies import caching, params, selectors, services
from companies.filters import REPEATABLE, CompanyFilter, day_parse, filter_parameters
from companies.models import Company, Report, Sector, drafts_visible

from . import pagination, tokens
from .errors import (
    FIELD_ERRORS_SCHEMA,
    ErrorSerializer,
    PreconditionFailed,
    StaleWriteSerializer,
)
from .exports import companies_export
from .parameters import KnownParametersMixin
from .renderers import EXPORT_FORMATS, CSVRenderer, NDJSONRenderer, ORJSONRenderer
from .serializers import (
    ClaimsSerializer,
    CompanyPageSerializer,
    CompanySerializer,
    CompanyWriteSerializer,
    CountriesSerializer,
    LoginSerializer,
    RemovalPageSerializer,
    RemovalSerializer,
    ReportListSerializer,
    ReportSerializer,
    ReportWriteSerializer,
    SectorsSerializer,
    TokenSerializer,
    TotalsSerializer,
    YearsSerializer,
    country_name_and_flag,
    parse_fields,
)
from .throttling import AnonRateThrottle, LoginRateThrottle

# --- Documented errors ----------------------------------------------------------------

JSON = ORJSONRenderer.media_type

ERRORS = {
    400: OpenApiResponse(
        FIELD_ERRORS_SCHEMA,
        description="Bad input, by field or parameter; a query parameter that the operation "
        "does not list is refused too, with the closest known name when there is one: "
        '`{"jobs_min": ["Unknown parameter; did you mean direct_jobs_min?"]}`.',
    ),
    401: OpenApiResponse(ErrorSerializer, description="No token, or a bad or expired one."),
    403: OpenApiResponse(ErrorSerializer, description="The token's user may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such resource (drafts included)."),
    406: OpenApiResponse(ErrorSerializer, description="No acceptable response format."),
    409: OpenApiResponse(ErrorSerializer, description="Clashed with a simultaneous change."),
    412: OpenApiResponse(StaleWriteSerializer, description="Changed since the If-Match ETag."),
    415: OpenApiResponse(ErrorSerializer, description="The body is not JSON."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
}
NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag or date given.")


def errors(*codes: int) -> dict:
    # Errors are JSON whatever the endpoint's other formats.
    return {(code, JSON): ERRORS[code] for code in codes}


READ_ERRORS = (400, 401, 406, 429)
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 415, 429)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the resource as read; the write is refused (412) if it changed.",
)
AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The day the figures answer for, YYYY-MM-DD, not in the future; default today.",
)
REGISTER_AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The company as of that day, YYYY-MM-DD, not in the future, from 2010-01-01 "
    "(default today): its status (exited if it exited on or before the day) and figures "
    "as of the day, each with its report's date and source; 404 if its residence had not "
    "begun by then. Names, sector and description are today's.",
)


def _or_blank(schema: dict) -> dict:
    # A blank value means the filter is not given, as on the companies list.
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


_DECIMAL = {"type": "string", "format": "decimal", "pattern": r"^\d{0,14}(?:\.\d{0,2})?$"}
# The companies list's filters, which the figures endpoints read the same way.
FIGURE_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Words in the name or description."),
    *(
        OpenApiParameter(name, OpenApiTypes.STR, many=True, explode=True, description=text)
        for name, text in (
            ("country", "ISO 3166-1 alpha-2 code; repeatable."),
            ("sector", "Sector slug; repeatable."),
            (
                "status",
                "Status as of `as_of` (applicant, resident, exited); repeatable. "
                "Only residents are counted, so a status filter without `resident` counts none.",
            ),
        )
    ),
    *(
        OpenApiParameter(
            f"resident_since_{end}",
            _or_blank({"type": "string", "format": "date"}),
            description="Inclusive, YYYY-MM-DD.",
        )
        for end in ("after", "before")
    ),
    *(
        OpenApiParameter(
            f"{figure}_{end}",
            _or_blank({"type": "integer", "minimum": 0} if figure == "direct_jobs" else _DECIMAL),
            description=f"Inclusive bound of each company's {figure} as of `as_of`.",
        )
        for figure in ("declared_investment", "realised_investment", "direct_jobs")
        for end in ("min", "max")
    ),
    OpenApiParameter(
        "updated_since",
        _or_blank({"type": "string", "format": "date-time"}),
        description="ISO 8601 date and time; companies changed at or after it.",
    ),
]
FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated names of the fields to return, e.g. `slug,name,country`.",
)

# --- Conditional requests -------------------------------------------------------------


def _digest(*parts) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=10).hexdigest()


class ConditionalMixin:
    """Validators of a response derived from the register: the register's revision, the
    day (figures "as of today" move at midnight), the request's path and query, its
    language and format, and whether drafts are in it."""

    def register_validators(self, request, *, version: int | None = None):
        # Read already if the request passed KeptResponseMiddleware.
        revision = getattr(request._request, "register_revision", None)
        revision = revision or selectors.register_revision()
        variant = _digest(
            revision.key,
            timezone.localdate(),
            request.build_absolute_uri(),  # the links in a body name the host
            get_language(),
            drafts_visible(request.user),
            request.accepted_renderer.format,
        )
        etag = quote_etag(variant if version is None else f"{version}.{variant}")
        return etag, revision.changed_at

    def not_modified(self, request, etag, last_modified):
        """A 304 response if the client's copy is current, else None."""
        headers = HttpResponse()
        self._set_validators(request, headers, etag, last_modified)
        timestamp = int(last_modified.timestamp()) if last_modified else None
        response = get_conditional_response(
            request, etag=etag, last_modified=timestamp, response=headers
        )
        return None if response is headers else response

    def _set_validators(self, request, response, etag, last_modified):
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        # Clients revalidate each time; only the caller may keep a copy that has drafts.
        private = drafts_visible(request.user) or request.auth is not None
        response["Cache-Control"] = "private, no-cache" if private else "public, no-cache"

    def conditional(self, request, build, *, version: int | None = None, cached=False):
        """Answer 304 if the client's copy is current, else `build()` with validators.

        With `cached`, `build()` returns data, kept (caching.kept) under the ETag: the ETag
        names the register's revision, so a change makes every copy unreachable."""
        etag, last_modified = self.register_validators(request, version=version)
        response = self.not_modified(request, etag, last_modified)
        if response is not None:
            return response
        response = Response(caching.kept(f"api:{etag}", build)) if cached else build()
        self._set_validators(request, response, etag, last_modified)
        return response

    def initial(self, request, *args, **kwargs):
        # A blank parameter means the parameter was not given, as on the pages.
        request._request.GET = params.without_blanks(request._request.GET)
        super().initial(request, *args, **kwargs)
        if problems := params.query_problems(request.query_params, single=single_parameters()):
            raise exceptions.ValidationError(problems)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Accept", "Accept-Language", "Authorization"))
        return response


_VERSION_IN_ETAG = re.compile(r'^(?:W/)?"?(\d+)(?:\.[0-9a-f]+)?"?$')


def expected_version(request) -> int | None:
    """The version named by If-Match (an ETag of this API or a bare version), if any."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = _VERSION_IN_ETAG.match(header.strip())
    if match is None:
        raise PreconditionFailed(_("If-Match must be an ETag given by this API for the resource."))
    return int(match.group(1))


# --- Companies ------------------------------------------------------------------------


def company_or_404(companies: QuerySet, slug: str) -> Company:
    """The company at `slug` among `companies`; a draft hidden from the caller is missing,
    as is anything that cannot be a slug (a NUL cannot even reach the database)."""
    company = companies.filter(slug=slug).first() if params.SLUG.fullmatch(slug) else None
    if company is None:
        raise exceptions.NotFound(_("No company has this address."))
    return company


def company_rows(queryset: QuerySet) -> QuerySet:
    """Companies (annotated with their figures as of a day) with the translated columns
    CompanySerializer reads, in the active language."""
    return queryset.annotate(**CompanySerializer.annotations())


COLUMNS = [*CompanySerializer.COLUMNS, "sector_name", "description_text"]


LIST_PARAMETERS = ("fields", "cursor", "page", "page_size", api_settings.URL_FORMAT_OVERRIDE)


@cache
def single_parameters() -> frozenset[str]:
    """The API's query parameters that are given once."""
    return (filter_parameters() - REPEATABLE) | {*LIST_PARAMETERS, "as_of"}


class CompanyViewSet(KnownParametersMixin, ConditionalMixin, GenericViewSet):
    """Companies of the register, addressed by slug."""

    lookup_field = "slug"
    # Anything up to the next slash reaches the view, so that every miss answers in JSON.
    lookup_value_regex = r"[^/]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CompanyFilter
    serializer_class = CompanySerializer
    permission_model = Company
    renderer_classes = [ORJSONRenderer, CSVRenderer, NDJSONRenderer]

    def get_queryset(self):
        return Company.objects.visible_to(self.request.user)

    def get_serializer_class(self):
        # What OPTIONS describes for writes.
        if self.request.method in ("POST", "PUT", "PATCH"):
            return CompanyWriteSerializer
        return CompanySerializer

    # The exports also answer `format=csv` / `format=ndjson` on the list; they have their
    # own operations too, because a generated client expects one format per operation.
    EXPORT_ACTIONS = {"export_csv": CSVRenderer, "export_ndjson": NDJSONRenderer}

    def get_renderers(self):
        if self.action in self.EXPORT_ACTIONS:
            return [ORJSONRenderer(), self.EXPORT_ACTIONS[self.action]()]
        if self.action in ("list", None):  # None: a method the route does not map (405)
            return super().get_renderers()
        return [ORJSONRenderer()]

    def export_format(self, request) -> str | None:
        """The export this request asks for, if any (throttled separately)."""
        if self.action in self.EXPORT_ACTIONS:
            return self.EXPORT_ACTIONS[self.action].format
        renderer = getattr(request, "accepted_renderer", None)
        if self.action == "list" and renderer and renderer.format in EXPORT_FORMATS:
            return renderer.format
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors of an export request answer in JSON like any other.
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and renderer and renderer.format in EXPORT_FORMATS:
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = ORJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def known_parameters(self) -> frozenset[str]:
        filters = filter_parameters()
        return {
            "list": filters | set(LIST_PARAMETERS),
            "export_csv": filters,
            "export_ndjson": filters | {"fields"},
            "retrieve": frozenset({"fields", "as_of"}),
        }.get(self.action, frozenset())

    def _filtered(self):
        """The visible companies after CompanyFilter, annotated with their status and
        figures as of the day asked (selectors.companies_with_figures_as_of), the
        ordering it parsed and the day (today without `as_of`)."""
        today = timezone.localdate()
        if filter_parameters().isdisjoint(self.request.query_params):
            # Building the FilterSet's form costs milliseconds; without a filter it has
            # nothing to do.
            companies = self.get_queryset()
            return (
                selectors.companies_with_figures_as_of(companies=companies, day=today),
                None,
                today,
            )
        backend = DjangoFilterBackend()
        filterset = backend.get_filterset(self.request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        companies = filterset.qs  # filters, and sets filterset.day
        ordering = filterset.form.cleaned_data.get("ordering")
        if filterset.day is None:
            companies = selectors.companies_with_figures_as_of(companies=companies, day=today)
            return companies, ordering, today
        return companies, ordering, filterset.day

    @extend_schema(
        operation_id="companies_list",
        parameters=[
            FIELDS,
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                description="Where the page starts: copy it from `next` (cursor paging).",
            ),
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1},
                description="Page number from 1: switches to numbered pages with a count.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": pagination.MAX_PAGE_SIZE},
                description=f"Companies per page, 1 to {pagination.MAX_PAGE_SIZE}; "
                f"default {pagination.DEFAULT_PAGE_SIZE}.",
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv", "ndjson"],
                description="csv or ndjson: every matching company, streamed, not paged "
                "(as the export operations answer).",
            ),
        ],
        responses={
            (200, JSON): CompanyPageSerializer,
            (200, CSVRenderer.media_type): OpenApiTypes.STR,
            (200, NDJSONRenderer.media_type): OpenApiTypes.STR,
            304: NOT_MODIFIED,
            **errors(*READ_ERRORS),
            (404, JSON): OpenApiResponse(
                FIELD_ERRORS_SCHEMA, description="A page beyond the last."
            ),
        },
    )
    def list(self, request):
        """Companies matching the filters, a page at a time (`format=csv` or `ndjson`:
        all of them, as in the export operations)."""
        return self._list(request, self.export_format(request))

    @extend_schema(
        operation_id="companies_export_csv",
        filters=True,
        responses={
            (200, CSVRenderer.media_type): OpenApiResponse(
                OpenApiTypes.STR, description="One row per company; see the README's columns."
            ),
            304: NOT_MODIFIED,
            **errors(*READ_ERRORS),
        },
    )
    def export_csv(self, request):
        """Every company matching the filters as CSV, streamed; formula-like cells are
        neutralised."""
        return self._list(request, CSVRenderer.format)

    @extend_schema(
        operation_id="companies_export_ndjson",
        filters=True,
        parameters=[FIELDS],
        responses={
            (200, NDJSONRenderer.media_type): OpenApiResponse(
                OpenApiTypes.STR, description="One company per line, as in the list."
            ),
            304: NOT_MODIFIED,
            **errors(*READ_ERRORS),
        },
    )
    def export_ndjson(self, request):
        """Every company matching the filters as newline-delimited JSON, streamed."""
        return self._list(request, NDJSONRenderer.format)

    def _serializer(self, request, day: date) -> CompanySerializer:
        return CompanySerializer(
            fields=parse_fields(request, CompanySerializer),
            context={"request": request, "as_of": day},
        )

    def _list(self, request, export: str | None):
        queryset, ordering, day = self._filtered()
        serializer = self._serializer(request, day)
        rows = company_rows(queryset)
        if export is not None:
            return self.conditional(
                request,
                lambda: companies_export(
                    rows=rows.values(*COLUMNS).iterator(chunk_size=2000),
                    format=export,
                    serializer=serializer,
                    as_of=day,
                ),
            )
        size = pagination.page_size(request)
        keyset = None
        if "page" not in request.query_params:
            keyset = pagination.Keyset(request, ordering)

        def build():
            if keyset is not None:
                page = keyset.page(request, rows, columns=COLUMNS, size=size)
            else:
                page = pagination.number_page(
                    request, rows, columns=COLUMNS, size=size, count_from=queryset
                )
            body = {} if page.count is None else {"count": page.count}
            body["next"] = page.next_url
            body["previous"] = page.previous_url
            body["results"] = [serializer.to_representation(row) for row in page.rows]
            return Response(body, headers=pagination.link_headers(page.links))

        return self.conditional(request, build)

    def _company_row(self, slug: str, day: date | None = None) -> dict:
        """The company at `slug` as of `day` (default today), as CompanySerializer reads it."""
        day = day or timezone.localdate()
        row = None
        companies = self.get_queryset().none()
        if params.SLUG.fullmatch(slug):
            companies = self.get_queryset().filter(slug=slug)
            registered = selectors.companies_registered_as_of(companies=companies, day=day)
            row = company_rows(registered).values(*COLUMNS).first()
        if row is None:
            if day < timezone.localdate() and companies.exists():
                raise exceptions.NotFound(
                    _("This company was not in the register on %(day)s.")
                    % {"day": day.isoformat()}
                )
            raise exceptions.NotFound(_("No company has this address."))
        return row

    @staticmethod
    def _written_row(company: Company) -> dict:
        """The company just written, as its writer sees it even if they may not see drafts:
        a committed write answers with the record, never 404."""
        written = selectors.companies_with_figures_as_of(
            companies=Company.objects.filter(pk=company.pk), day=timezone.localdate()
        )
        return company_rows(written).values(*COLUMNS).get()

    def _detail_response(
        self, request, row: dict, *, day: date | None = None, status_code=status.HTTP_200_OK
    ):
        serializer = self._serializer(request, day or timezone.localdate())
        response = Response(serializer.to_representation(row), status=status_code)
        etag, last_modified = self.register_validators(request, version=row["version"])
        self._set_validators(request, response, etag, last_modified)
        return response

    @extend_schema(
        parameters=[FIELDS, REGISTER_AS_OF],
        responses={(200, JSON): CompanySerializer, 304: NOT_MODIFIED, **errors(*READ_ERRORS, 404)},
    )
    def retrieve(self, request, slug=None):
        """One company, as of a day with `as_of` (404 if it was not in the register by
        then); drafts answer 404 to all but editors."""
        parse_fields(request, CompanySerializer)
        day = as_of(request)
        row = self._company_row(slug, day)
        etag, last_modified = self.register_validators(request, version=row["version"])
        return self.not_modified(request, etag, last_modified) or self._detail_response(
            request, row, day=day
        )

    def _company(self, slug: str) -> Company:
        return company_or_404(self.get_queryset(), slug)

    @extend_schema(
        request=CompanyWriteSerializer,
        responses={(201, JSON): CompanySerializer, **errors(*WRITE_ERRORS)},
    )
    def create(self, request):
        """Add a company; its figures follow from the reports added to it."""
        parse_fields(request, CompanySerializer)  # refused before anything is written
        serializer = CompanyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        company = services.company_create(fields=serializer.validated_data)
        response = self._detail_response(
            request, self._written_row(company), status_code=status.HTTP_201_CREATED
        )
        response["Location"] = request.build_absolute_uri(
            reverse("api:company-detail", args=[company.slug])
        )
        return response

    def _update(self, request, slug, *, partial: bool):
        company = self._company(slug)
        version = expected_version(request)
        parse_fields(request, CompanySerializer)  # refused before anything is written
        serializer = CompanyWriteSerializer(company, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        company = services.company_update(
            company=company, fields=serializer.validated_data, expected_version=version
        )
        response = self._detail_response(request, self._written_row(company))
        if company.slug != slug:
            # The company moved: its new address, so that the client follows it.
            response["Location"] = request.build_absolute_uri(
                reverse("api:company-detail", args=[company.slug])
            )
        return response

    @extend_schema(
        parameters=[IF_MATCH],
        request=CompanyWriteSerializer,
        responses={(200, JSON): CompanySerializer, **errors(*WRITE_ERRORS)},
    )
    def update(self, request, slug=None):
        """Replace a company's editable fields."""
        return self._update(request, slug, partial=False)

    @extend_schema(
        parameters=[IF_MATCH],
        request=CompanyWriteSerializer,
        responses={(200, JSON): CompanySerializer, **errors(*WRITE_ERRORS)},
    )
    def partial_update(self, request, slug=None):
        """Change some of a company's editable fields."""
        return self._update(request, slug, partial=True)

    @extend_schema(
        parameters=[IF_MATCH],
        responses={204: None, **errors(401, 403, 404, 409, 412, 429)},
    )
    def destroy(self, request, slug=None):
        """Delete a company and its reports."""
        company = self._company(slug)
        services.company_delete(company=company, expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Reports --------------------------------------------------------------------------


class ReportViewSet(KnownParametersMixin, ConditionalMixin, GenericViewSet):
    """The reports of one company, newest first; a company's figures follow from them."""

    permission_model = Report
    serializer_class = ReportSerializer
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return Report.objects.filter(company=self.company).order_by("-reported_on")

    def get_serializer_class(self):
        if self.request.method in ("POST", "PUT", "PATCH"):
            return ReportWriteSerializer
        return ReportSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "company": self.company}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The company's visibility decides the reports': a draft's answer 404.
        self.company = company_or_404(
            Company.objects.visible_to(request.user), kwargs["company_slug"]
        )

    def _context(self):
        return {"request": self.request, "company_slug": self.company.slug}

    @extend_schema(
        responses={
            (200, JSON): ReportListSerializer,
            304: NOT_MODIFIED,
            **errors(*READ_ERRORS, 404),
        }
    )
    def list(self, request, company_slug=None):
        """Every report of the company."""

        def build():
            reports = ReportSerializer(self.get_queryset(), many=True, context=self._context())
            data = reports.data
            return Response({"count": len(data), "results": data})

        return self.conditional(request, build)

    def _report(self, pk: str) -> Report:
        number = params.whole_number(pk)
        report = self.get_queryset().filter(pk=number).first() if number is not None else None
        if report is None:
            raise exceptions.NotFound(_("This company has no report with this number."))
        return report

    def _detail_response(self, request, report, *, status_code=status.HTTP_200_OK):
        response = Response(
            ReportSerializer(report, context=self._context()).data, status=status_code
        )
        etag, last_modified = self.register_validators(request, version=report.version)
        self._set_validators(request, response, etag, last_modified)
        return response

    @extend_schema(
        responses={(200, JSON): ReportSerializer, 304: NOT_MODIFIED, **errors(*READ_ERRORS, 404)}
    )
    def retrieve(self, request, company_slug=None, pk=None):
        """One report."""
        report = self._report(pk)
        etag, last_modified = self.register_validators(request, version=report.version)
        return self.not_modified(request, etag, last_modified) or self._detail_response(
            request, report
        )

    @extend_schema(
        request=ReportWriteSerializer,
        responses={(201, JSON): ReportSerializer, **errors(*WRITE_ERRORS)},
    )
    def create(self, request, company_slug=None):
        """Add a report; the company's current figures follow."""
        serializer = ReportWriteSerializer(data=request.data, context={"company": self.company})
        serializer.is_valid(raise_exception=True)
        report = services.report_create(company=self.company, fields=serializer.validated_data)
        response = self._detail_response(request, report, status_code=status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def _update(self, request, pk, *, partial):
        report = self._report(pk)
        version = expected_version(request)
        serializer = ReportWriteSerializer(
            report, data=request.data, partial=partial, context={"company": self.company}
        )
        serializer.is_valid(raise_exception=True)
        report = services.report_update(
            report=report, fields=serializer.validated_data, expected_version=version
        )
        return self._detail_response(request, report)

    @extend_schema(
        parameters=[IF_MATCH],
        request=ReportWriteSerializer,
        responses={(200, JSON): ReportSerializer, **errors(*WRITE_ERRORS)},
    )
    def update(self, request, company_slug=None, pk=None):
        """Replace a report's figures."""
        return self._update(request, pk, partial=False)

    @extend_schema(
        parameters=[IF_MATCH],
        request=ReportWriteSerializer,
        responses={(200, JSON): ReportSerializer, **errors(*WRITE_ERRORS)},
    )
    def partial_update(self, request, company_slug=None, pk=None):
        """Change some of a report's figures."""
        return self._update(request, pk, partial=True)

    @extend_schema(
        parameters=[IF_MATCH], responses={204: None, **errors(401, 403, 404, 409, 412, 429)}
    )
    def destroy(self, request, company_slug=None, pk=None):
        """Delete a report; the company's current figures follow."""
        services.report_delete(report=self._report(pk), expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Figures --------------------------------------------------------------------------


def as_of(request) -> date:
    """The `as_of` parameter (filters.day_parse: YYYY-MM-DD, not in the future); default today."""
    raw = request.query_params.get("as_of")
    if raw is None:
        return timezone.localdate()
    try:
        return day_parse(raw)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({"as_of": error.messages}) from None


def _totals(row: dict) -> dict:
    return {
        figure: row[figure]
        for figure in ("companies", "declared_investment", "realised_investment", "direct_jobs")
    }


class FiguresView(KnownParametersMixin, ConditionalMixin, APIView):
    """A read-only view of figures over the companies the caller may see that match the
    companies list's filters (the same FilterSet), as of `as_of`."""

    http_method_names = ["get", "head", "options"]

    def known_parameters(self) -> frozenset[str]:
        return frozenset({"as_of", *(parameter.name for parameter in FIGURE_FILTERS)})

    def get(self, request):
        day = as_of(request)
        scope = self.scope(day)
        return self.conditional(request, lambda: self.figures(day, scope), cached=True)

    def scope(self, day: date) -> dict:
        """The selectors' keyword for the companies the request's filters match."""
        filterset = CompanyFilter(
            request=self.request,
            data=self.request.query_params,
            queryset=Company.objects.visible_to(self.request.user),
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.figures_scope(day=day, drafts=drafts_visible(self.request.user))


class StatsView(FiguresView):
    @extend_schema(
        operation_id="stats",
        parameters=[AS_OF, *FIGURE_FILTERS],
        responses={(200, JSON): TotalsSerializer, 304: NOT_MODIFIED, **errors(*READ_ERRORS)},
    )
    def get(self, request):
        """The totals as of a day of the residents among the companies the filters match:
        how many, their countries, investment and jobs."""
        return super().get(request)

    def figures(self, day: date, scope: dict) -> dict:
        return TotalsSerializer(selectors.park_totals(as_of=day, **scope)).data


class YearsView(FiguresView):
    @extend_schema(
        operation_id="stats_years",
        parameters=[AS_OF, *FIGURE_FILTERS],
        responses={(200, JSON): YearsSerializer, 304: NOT_MODIFIED, **errors(*READ_ERRORS)},
    )
    def get(self, request):
        """The totals at the end of each year since the first resident, up to `as_of`."""
        return super().get(request)

    def figures(self, day: date, scope: dict) -> dict:
        series = selectors.park_totals_by_year(until=day, **scope)
        return YearsSerializer({"as_of": day, "results": series}).data


class CountriesView(FiguresView):
    @extend_schema(
        operation_id="countries",
        parameters=[AS_OF, *FIGURE_FILTERS],
        responses={(200, JSON): CountriesSerializer, 304: NOT_MODIFIED, **errors(*READ_ERRORS)},
    )
    def get(self, request):
        """The countries of the residents on a day, with their counts and figures."""
        return super().get(request)

    def figures(self, day: date, scope: dict) -> dict:
        language = get_language()
        rows = selectors.park_countries(as_of=day, **scope)
        results = []
        for row in rows:
            name, flag = country_name_and_flag(language, row["country"])
            results.append({"code": row["country"], "name": name, "flag": flag, **_totals(row)})
        return CountriesSerializer({"as_of": day, "results": results}).data


class SectorsView(FiguresView):
    @extend_schema(
        operation_id="sectors",
        parameters=[AS_OF, *FIGURE_FILTERS],
        responses={(200, JSON): SectorsSerializer, 304: NOT_MODIFIED, **errors(*READ_ERRORS)},
    )
    def get(self, request):
        """Every sector with its residents' counts and figures on a day, largest first."""
        return super().get(request)

    def figures(self, day: date, scope: dict) -> dict:
        rows = selectors.park_totals_by(group="sector", as_of=day, **scope)
        totals = {row["sector"]: _totals(row) for row in rows}
        sectors = Sector.objects.annotate(local_name=selectors.localised("name")).values_list(
            "slug", "local_name"
        )
        empty = {"companies": 0, "declared_investment": 0, "realised_investment": 0,
                 "direct_jobs": 0}  # fmt: skip
        order = list(totals)
        results = sorted(
            ({"slug": slug, "name": name, **totals.get(slug, empty)} for slug, name in sectors),
            key=lambda s: (
                order.index(s["slug"]) if s["slug"] in totals else len(order),
                s["name"],
            ),
        )
        return SectorsSerializer({"as_of": day, "results": results}).data


class ClaimsView(KnownParametersMixin, ConditionalMixin, APIView):
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        operation_id="claims",
        responses={(200, JSON): ClaimsSerializer, 304: NOT_MODIFIED, **errors(401, 406, 429)},
    )
    def get(self, request):
        """Each published claim beside the register's own figures as of its date."""
        return self.conditional(request, self.claims, cached=True)

    def claims(self) -> dict:
        results = []
        for check in selectors.claims_checked():
            claim = check.claim
            results.append(
                {
                    "id": claim.pk,
                    "statement": claim.statement,
                    "claimed_on": claim.claimed_on,
                    "date_is_approximate": claim.date_is_approximate,
                    "source": claim.source,
                    "agrees": check.agrees,
                    "figures": [figure.__dict__ for figure in check.figures],
                    "register": check.totals,
                }
            )
        return ClaimsSerializer({"results": results}).data


# --- Change feed ----------------------------------------------------------------------

SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    description="ISO 8601 date and time: removals at or after it (default: all).",
)


class RemovalsView(KnownParametersMixin, ConditionalMixin, APIView):
    http_method_names = ["get", "head", "options"]
    query_parameters = frozenset({"since", "cursor", "page_size"})

    @extend_schema(
        operation_id="companies_removed",
        parameters=[
            SINCE,
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, description="Where the page starts: copy `next`."
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": pagination.MAX_PAGE_SIZE},
                description=f"Removals per page, 1 to {pagination.MAX_PAGE_SIZE}; "
                f"default {pagination.DEFAULT_PAGE_SIZE}.",
            ),
        ],
        responses={(200, JSON): RemovalPageSerializer, 304: NOT_MODIFIED, **errors(*READ_ERRORS)},
    )
    def get(self, request):
        """Slugs that left the register since a time (deleted, unpublished, or renamed):
        with `companies/?updated_since=`, what a client needs to mirror the register."""
        since = None
        if "since" in request.query_params:
            field = IsoDateTimeField()
            try:
                # In UTC here, so that a moment at the edge of the calendar is refused
                # now rather than overflowing when the database adapts it.
                since = field.clean(request.query_params["since"]).astimezone(UTC)
            except DjangoValidationError as error:
                raise exceptions.ValidationError({"since": error.messages}) from None
            except OverflowError:
                raise exceptions.ValidationError(
                    {"since": [field.error_messages["invalid"]]}
                ) from None
        removals = selectors.companies_removed(
            since=since, drafts_visible=drafts_visible(request.user)
        )
        size = pagination.page_size(request)
        keyset = pagination.TimeKeyset(request, field="removed_at")
        serializer = RemovalSerializer()

        def build():
            page = keyset.page(
                request, removals, columns=RemovalSerializer.field_names(), size=size
            )
            body = {
                "next": page.next_url,
                "results": [serializer.to_representation(row) for row in page.rows],
            }
            return Response(body, headers=pagination.link_headers(page.links))

        return self.conditional(request, build)


# --- Tokens ---------------------------------------------------------------------------


class LoginView(KnownParametersMixin, knox_views.LoginView):
    """knox's login (the token limit per user, Django's `user_logged_in`: django-axes
    clears the address's failed logins, `last_login` moves) with the credentials in a
    JSON body instead of HTTP Basic authentication."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, LoginRateThrottle]

    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={(200, JSON): TokenSerializer, **errors(400, 403, 415, 429)},
    )
    def post(self, request, format=None):
        """Exchange a username and password for a token that expires (see `expiry`)."""
        credentials = LoginSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request._request, **credentials.validated_data)
        if user is None:
            raise exceptions.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("The username or password is wrong.")]}
            )
        request.user = user
        response = super().post(request, format)
        if response.status_code == status.HTTP_403_FORBIDDEN:  # knox's TOKEN_LIMIT_PER_USER
            raise exceptions.PermissionDenied(tokens.limit_message())
        return response


@extend_schema_view(
    post=extend_schema(
        operation_id="auth_logout",
        description="Revoke the token this request was made with.",
        request=None,
        responses={204: None, **errors(401, 429)},
    )
)
class LogoutView(KnownParametersMixin, knox_views.LogoutView):
    pass


@extend_schema_view(
    post=extend_schema(
        operation_id="auth_logout_all",
        description="Revoke every token of the user this request was made as.",
        request=None,
        responses={204: None, **errors(401, 429)},
    )
)
class LogoutAllView(KnownParametersMixin, knox_views.LogoutAllView):
    pass


class RootView(KnownParametersMixin, APIView):
    http_method_names = ["get", "head", "options"]

    @extend_schema(operation_id="root", tags=["root"], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        """The API's entry points."""
        names = ["company-list", "companies-removed", "stats", "stats-years", "countries",
                 "sectors", "claims", "schema", "login"]  # fmt: skip
        return Response({name: api_reverse(f"api:{name}", request=request) for name in names})


class SchemaView(KnownParametersMixin, SpectacularAPIView):
    """The OpenAPI schema (`format=json` for JSON, `lang` for the descriptions' language)."""

    query_parameters = frozenset({"lang"})

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors answer in JSON like every other endpoint's, not as a schema document.
        if response.status_code >= 400:
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = ORJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
