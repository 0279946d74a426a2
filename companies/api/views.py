"""The API's endpoints, as declarations: what each one reads, renders, filters and pages,
who may call it, and its OpenAPI documentation beside it.

The machinery lives once: viewsets.py (reads that answer 304 before the work, writes
through the services), conditional.py (ETag, Last-Modified, If-None-Match, If-Match),
parameters.py (blank, bounded and undeclared query parameters), backends.py
(CompanyFilter and the day asked), pagination.py (keyset and numbered pages),
schema.py (the documented errors and parameters). A view with `kept_for_anonymous`
has its public answers kept by KeptResponseMiddleware (middleware.py), which answers
repeated anonymous reads before routing.

Every company query starts from `Company.objects.visible_to(user)`, so drafts reach
editors only.
"""

from datetime import date
from functools import lru_cache, partial

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from knox import views as knox_views
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.views import APIView

from companies import caching, params, selectors, services
from companies.filters import CompanyFilter, filter_parameters
from companies.models import Company, Report, Sector, drafts_visible

from . import tokens
from .backends import CompanyFilterBackend, day_asked, moment_asked
from .conditional import ConditionalMixin
from .errors import FIELD_ERRORS_SCHEMA
from .exports import ExportMixin
from .pagination import CompanyPagination, RemovalPagination, WholeListPagination
from .parameters import LIST_PARAMETERS, QueryParametersMixin
from .renderers import CSVRenderer, NDJSONRenderer, ORJSONRenderer
from .schema import (
    AS_OF,
    FIELDS,
    FIGURE_FILTERS,
    JSON,
    LIST_FORMAT,
    NOT_MODIFIED,
    REGISTER_AS_OF,
    SINCE,
    errors,
    read,
    write_operations,
)
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
from .viewsets import ListMixin, RegisterViewSet, RetrieveMixin, ServiceWritesMixin

# --- Companies ------------------------------------------------------------------------


def company_or_404(companies, slug: str) -> Company:
    """The company at `slug` among `companies`; a draft hidden from the caller is missing,
    as is anything that cannot be a slug (a NUL cannot even reach the database)."""
    company = companies.filter(slug=slug).first() if params.SLUG.fullmatch(slug) else None
    if company is None:
        raise exceptions.NotFound(_("No company has this address."))
    return company


def register_rows(*, drafts: bool, day: date):
    """The register as of `day`, with drafts or without, as CompanySerializer's rows."""
    registered = selectors.companies_registered_as_of(
        companies=Company.objects.visible(drafts=drafts), day=day
    )
    return CompanySerializer.rows(registered)


@lru_cache(maxsize=16)
def todays_rows(language: str, drafts: bool):
    """Today's register_rows, built once per process for each choice of drafts and of
    `language` (the one active, whose translated columns the rows read): building this
    query cost as much as running it (bench/CHANGES.md). Each read filters a copy; this
    one is never run."""
    return register_rows(drafts=drafts, day=timezone.localdate())  # any day from today on


@extend_schema_view(
    list=extend_schema(
        operation_id="companies_list",
        description="Companies matching the filters, a page at a time (`format=csv` or "
        "`ndjson`: all of them, as in the export operations).",
        parameters=[FIELDS, LIST_FORMAT],
        responses=read(
            CompanyPageSerializer,
            more={
                (200, CSVRenderer.media_type): OpenApiTypes.STR,
                (200, NDJSONRenderer.media_type): OpenApiTypes.STR,
                (404, JSON): OpenApiResponse(
                    FIELD_ERRORS_SCHEMA, description="A page beyond the last."
                ),
            },
        ),
    ),
    retrieve=extend_schema(
        description="One company, as of a day with `as_of` (404 if it was not in the "
        "register by then); drafts answer 404 to all but editors.",
        parameters=[FIELDS, REGISTER_AS_OF],
        responses=read(CompanySerializer, 404),
    ),
    **write_operations(
        CompanySerializer,
        CompanyWriteSerializer,
        create="Add a company; its figures follow from the reports added to it.",
        update="Replace a company's editable fields.",
        partial_update="Change some of a company's editable fields.",
        destroy="Delete a company and its reports.",
    ),
)
class CompanyViewSet(ExportMixin, ListMixin, RetrieveMixin, ServiceWritesMixin, RegisterViewSet):
    """Companies of the register, addressed by slug; each as of a day (`day`, today
    unless `as_of` asks for another)."""

    queryset = Company.objects.all()
    serializer_class = CompanySerializer
    write_serializer_class = CompanyWriteSerializer
    lookup_field = "slug"
    filter_backends = [CompanyFilterBackend]
    filterset_class = CompanyFilter
    pagination_class = CompanyPagination
    query_parameters = {
        "list": filter_parameters() | LIST_PARAMETERS,
        "export_csv": filter_parameters(),
        "export_ndjson": filter_parameters() | {"fields"},
        "retrieve": frozenset({"fields", "as_of"}),
    }
    kept_for_anonymous = True
    day: date | None = None
    ordering: list[str] | None = None
    requested_fields: list[str] | None = None

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.requested_fields = parse_fields(request, CompanySerializer)

    def get_serializer_context(self):
        day = self.day or timezone.localdate()
        return {**super().get_serializer_context(), "as_of": day, "fields": self.requested_fields}

    def get_object(self) -> Company:
        return company_or_404(self.get_queryset(), self.kwargs["slug"])

    def get_read_object(self) -> dict:
        """The company's row as of the day asked; 404 if its residence had not begun."""
        self.day = day_asked(self.request)
        slug = self.kwargs["slug"]
        missing = exceptions.NotFound(_("No company has this address."))
        if not params.SLUG.fullmatch(slug):
            raise missing
        # A slug is unique: no ordering to compile.
        row = next(iter(self.rows_as_of(self.day).filter(slug=slug).order_by()[:1]), None)
        if row is not None:
            return row
        if self.day < timezone.localdate() and self.get_queryset().filter(slug=slug).exists():
            raise exceptions.NotFound(
                _("This company was not in the register on %(day)s.")
                % {"day": self.day.isoformat()}
            )
        raise missing

    def rows_as_of(self, day: date):
        """The register the caller may see as of `day`, as CompanySerializer's rows."""
        drafts = drafts_visible(self.request.user)
        if day >= timezone.localdate():
            return todays_rows(get_language(), drafts)
        return register_rows(drafts=drafts, day=day)

    def version_of(self, row: dict) -> int:
        return row["version"]

    def read_back(self, company: Company) -> dict:
        # As its writer sees it even if they may not see drafts: a committed write
        # answers with the record, never 404.
        written = selectors.companies_with_figures_as_of(
            companies=Company.objects.filter(pk=company.pk), day=timezone.localdate()
        )
        return CompanySerializer.rows(written).get()

    def perform_create(self, serializer) -> Company:
        return services.company_create(fields=serializer.validated_data)

    def perform_update(self, serializer) -> Company:
        return services.company_update(
            company=serializer.instance,
            fields=serializer.validated_data,
            expected_version=self.if_match_version,
        )

    def perform_destroy(self, company: Company) -> None:
        services.company_delete(company=company, expected_version=self.if_match_version)


# --- Reports --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        description="Every report of the company.", responses=read(ReportListSerializer, 404)
    ),
    retrieve=extend_schema(description="One report.", responses=read(ReportSerializer, 404)),
    **write_operations(
        ReportSerializer,
        ReportWriteSerializer,
        create="Add a report; the company's current figures follow.",
        update="Replace a report's figures.",
        partial_update="Change some of a report's figures.",
        destroy="Delete a report; the company's current figures follow.",
    ),
)
class ReportViewSet(ListMixin, RetrieveMixin, ServiceWritesMixin, RegisterViewSet):
    """The reports of one company, newest first; a company's figures follow from them."""

    queryset = Report.objects.order_by("-reported_on")
    serializer_class = ReportSerializer
    write_serializer_class = ReportWriteSerializer
    pagination_class = WholeListPagination
    kept_for_anonymous = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The company's visibility decides the reports': a draft's answer 404.
        self.company = company_or_404(
            Company.objects.visible_to(request.user), kwargs["company_slug"]
        )

    def get_queryset(self):
        return super().get_queryset().filter(company=self.company)

    def get_serializer_context(self):
        company = self.company
        return {**super().get_serializer_context(), "company": company,
                "company_slug": company.slug}  # fmt: skip

    def get_object(self) -> Report:
        number = params.whole_number(self.kwargs["pk"])
        report = self.get_queryset().filter(pk=number).first() if number is not None else None
        if report is None:
            raise exceptions.NotFound(_("This company has no report with this number."))
        return report

    def perform_create(self, serializer) -> Report:
        return services.report_create(company=self.company, fields=serializer.validated_data)

    def perform_update(self, serializer) -> Report:
        return services.report_update(
            report=serializer.instance,
            fields=serializer.validated_data,
            expected_version=self.if_match_version,
        )

    def perform_destroy(self, report: Report) -> None:
        services.report_delete(report=report, expected_version=self.if_match_version)


# --- Figures --------------------------------------------------------------------------


class FiguresView(QueryParametersMixin, ConditionalMixin, APIView):
    """Figures over the companies the caller may see that match the companies list's
    filters (the same FilterSet), as of `as_of`: `figures(day, scope)`, rendered by
    `serializer_class` and kept under the ETag (caching.kept), which names the
    register's revision."""

    http_method_names = ["get", "head", "options"]
    query_parameters = frozenset({"as_of", *(parameter.name for parameter in FIGURE_FILTERS)})
    kept_for_anonymous = True
    serializer_class = None

    def get(self, request):
        figures = self.figures_asked()
        self.check_not_modified()
        data = caching.kept(f"api:{self.etag()}", lambda: self.serializer_class(figures()).data)
        return Response(data)

    def figures_asked(self):
        """What computes the figures the request asks for, once its parameters are read."""
        day = day_asked(self.request)
        return partial(self.figures, day, self.scope(day))

    def scope(self, day: date) -> dict:
        """The selectors' keyword for the companies the request's filters match."""
        user = self.request.user
        filterset = CompanyFilter(
            request=self.request,
            data=self.request.query_params,
            queryset=Company.objects.visible_to(user),
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.figures_scope(day=day, drafts=drafts_visible(user))


def _totals(row: dict) -> dict:
    return {
        figure: row[figure]
        for figure in ("companies", "declared_investment", "realised_investment", "direct_jobs")
    }


def figures_view(operation_id: str, serializer, description: str):
    """The documentation of a figures view."""
    return extend_schema_view(
        get=extend_schema(
            operation_id=operation_id,
            description=description,
            parameters=[AS_OF, *FIGURE_FILTERS],
            responses=read(serializer),
        )
    )


@figures_view(
    "stats",
    TotalsSerializer,
    "The totals as of a day of the residents among the companies the filters match: "
    "how many, their countries, investment and jobs.",
)
class StatsView(FiguresView):
    serializer_class = TotalsSerializer

    def figures(self, day: date, scope: dict):
        return selectors.park_totals(as_of=day, **scope)


@figures_view(
    "stats_years",
    YearsSerializer,
    "The totals at the end of each year since the first resident, up to `as_of`.",
)
class YearsView(FiguresView):
    serializer_class = YearsSerializer

    def figures(self, day: date, scope: dict) -> dict:
        return {"as_of": day, "results": selectors.park_totals_by_year(until=day, **scope)}


@figures_view(
    "countries",
    CountriesSerializer,
    "The countries of the residents on a day, with their counts and figures.",
)
class CountriesView(FiguresView):
    serializer_class = CountriesSerializer

    def figures(self, day: date, scope: dict) -> dict:
        language = get_language()
        results = []
        for row in selectors.park_countries(as_of=day, **scope):
            name, flag = country_name_and_flag(language, row["country"])
            results.append({"code": row["country"], "name": name, "flag": flag, **_totals(row)})
        return {"as_of": day, "results": results}


@figures_view(
    "sectors",
    SectorsSerializer,
    "Every sector with its residents' counts and figures on a day, largest first.",
)
class SectorsView(FiguresView):
    serializer_class = SectorsSerializer

    def figures(self, day: date, scope: dict) -> dict:
        rows = selectors.park_totals_by(group="sector", as_of=day, **scope)
        totals = {row["sector"]: _totals(row) for row in rows}
        sectors = Sector.objects.annotate(local_name=selectors.localised("name"))
        empty = dict.fromkeys(("companies", "declared_investment", "realised_investment",
                               "direct_jobs"), 0)  # fmt: skip
        order = {slug: position for position, slug in enumerate(totals)}
        results = sorted(
            ({"slug": slug, "name": name, **totals.get(slug, empty)}
             for slug, name in sectors.values_list("slug", "local_name")),
            key=lambda sector: (order.get(sector["slug"], len(order)), sector["name"]),
        )  # fmt: skip
        return {"as_of": day, "results": results}


@extend_schema_view(
    get=extend_schema(
        operation_id="claims",
        description="Each published claim beside the register's own figures as of its date.",
        responses={(200, JSON): ClaimsSerializer, 304: NOT_MODIFIED, **errors(401, 406, 429)},
    )
)
class ClaimsView(FiguresView):
    query_parameters = frozenset()
    serializer_class = ClaimsSerializer

    def figures_asked(self):
        return lambda: {"results": selectors.claims_checked()}


# --- Change feed ----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        operation_id="companies_removed",
        description="Slugs that left the register since a time (deleted, unpublished, or "
        "renamed): with `companies/?updated_since=`, what a client needs to mirror the "
        "register.",
        parameters=[SINCE],
        responses=read(RemovalPageSerializer),
    )
)
class RemovalsViewSet(ListMixin, RegisterViewSet):
    serializer_class = RemovalSerializer
    pagination_class = RemovalPagination
    query_parameters = {"list": RemovalPagination.parameters | {"since"}}
    kept_for_anonymous = True

    def get_queryset(self):
        since = None
        if "since" in self.request.query_params:
            since = moment_asked(self.request, "since")
        return selectors.companies_removed(
            since=since, drafts_visible=drafts_visible(self.request.user)
        )


# --- Tokens ---------------------------------------------------------------------------


class LoginView(QueryParametersMixin, knox_views.LoginView):
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
        credentials = LoginSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        request.user = credentials.validated_data["user"]
        response = super().post(request, format)
        if response.status_code == 403:  # knox's TOKEN_LIMIT_PER_USER
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
class LogoutView(QueryParametersMixin, knox_views.LogoutView):
    pass


@extend_schema_view(
    post=extend_schema(
        operation_id="auth_logout_all",
        description="Revoke every token of the user this request was made as.",
        request=None,
        responses={204: None, **errors(401, 429)},
    )
)
class LogoutAllView(QueryParametersMixin, knox_views.LogoutAllView):
    pass


@extend_schema_view(
    get=extend_schema(
        operation_id="root",
        description="The API's entry points.",
        tags=["root"],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class RootView(QueryParametersMixin, APIView):
    http_method_names = ["get", "head", "options"]
    NAMES = ("company-list", "companies-removed", "stats", "stats-years", "countries",
             "sectors", "claims", "schema", "login")  # fmt: skip

    def get(self, request):
        return Response({name: api_reverse(f"api:{name}", request=request) for name in self.NAMES})


class SchemaView(QueryParametersMixin, SpectacularAPIView):
    """The OpenAPI schema (`format=json` for JSON, `lang` for the descriptions' language)."""

    query_parameters = frozenset({"lang"})

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors answer in JSON like every other endpoint's, not as a schema document.
        if response.status_code >= 400:
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = ORJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
