"""What the API reads and writes.

Reads of companies render rows of `.values()` through RowSerializer subclasses: their
declared fields are the schema, and a plan compiled from those fields turns a row into
JSON-ready data with dict lookups instead of DRF's per-field machinery, which costs
tens of times more per row. Writes use ModelSerializers for typed validation and then
the services, which run the model's own validation.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache
from operator import itemgetter

from django.contrib.auth import authenticate
from django.db.models import TextField, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.fields import Country
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import exceptions, serializers

from companies import selectors
from companies.models import Claim, Company, CompanyRemoval, Report, Sector

from .fields import SectorField, StrictCharField, StrictModelSerializer, StrictSerializer

# --- Reading rows ---------------------------------------------------------------------


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _local(value: datetime | None) -> datetime | None:
    # In the site's time zone, as DRF's DateTimeField writes it (the API activates no
    # other zone, so the default one is the current one).
    return None if value is None else value.astimezone(timezone.get_default_timezone())


class RowSerializer(serializers.Serializer):
    """Renders a row of `.values()`: each field's `source` is a column of the row, a
    nested RowSerializer (source="*") reads the same row, and a SerializerMethodField's
    method receives the serializer rendering the row and the row. The context's `fields`
    (a list of names, or None) keeps only the named top-level fields.

    The plan that maps a row to data is compiled once per class and choice of fields, so
    a request neither copies the declared fields nor walks them per row."""

    # Columns of `.values()` that the fields read; default: the fields' names.
    COLUMNS: tuple[str, ...] = ()

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls._declared_fields)

    @classmethod
    def annotations(cls) -> dict:
        """Columns the rows need besides the queryset's own, as `annotate()` takes them."""
        return {}

    @classmethod
    def columns(cls) -> list[str]:
        """What `.values()` must read for these fields."""
        return [*(cls.COLUMNS or cls.field_names()), *cls.annotations()]

    @classmethod
    def rows(cls, queryset):
        """`queryset` as the rows these fields read."""
        return queryset.annotate(**cls.annotations()).values(*cls.columns())

    @classmethod
    def compile(cls, fields: frozenset[str] | None = None) -> tuple:
        return _compile(cls, fields)

    @cached_property
    def _plan(self) -> tuple:
        fields = self.context.get("fields")
        return self.compile(None if fields is None else frozenset(fields))

    @cached_property
    def language(self) -> str:
        """The language of this response (LocaleMiddleware chose it)."""
        return get_language()

    def to_representation(self, row: dict) -> dict:
        return {name: render(self, row) for name, render in self._plan}


@lru_cache(maxsize=256)
def _compile(cls: type[RowSerializer], fields: frozenset[str] | None) -> tuple:
    plan = []
    for name, field in cls().fields.items():
        if fields is not None and name not in fields:
            continue
        if isinstance(field, RowSerializer):
            nested = type(field).compile()
            plan.append(
                (name, lambda self, row, nested=nested: {n: r(self, row) for n, r in nested})
            )
        elif isinstance(field, serializers.SerializerMethodField):
            plan.append((name, getattr(cls, field.method_name)))
        elif isinstance(field, serializers.DecimalField):
            get = itemgetter(field.source)
            plan.append((name, lambda self, row, get=get: _decimal(get(row))))
        elif isinstance(field, serializers.DateTimeField):
            get = itemgetter(field.source)
            plan.append((name, lambda self, row, get=get: _local(get(row))))
        else:
            get = itemgetter(field.source)
            plan.append((name, lambda self, row, get=get: get(row)))
    return tuple(plan)


@lru_cache(maxsize=4096)
def country_name_and_flag(language: str, code: str) -> tuple[str, str]:
    # Keyed by the active language, in which countries.name() translates.
    return str(countries.name(code)), Country(code=code).unicode_flag


class CountryRefSerializer(RowSerializer):
    """A country: its code, name and flag."""

    code = serializers.CharField(source="country", help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.SerializerMethodField(help_text="Name in the response's language.")
    flag = serializers.SerializerMethodField(help_text="The flag as an emoji.")

    # `self` is the serializer rendering the row, this one or the one it is nested in.
    def get_name(self, row) -> str:
        return country_name_and_flag(self.language, row["country"])[0]

    def get_flag(self, row) -> str:
        return country_name_and_flag(self.language, row["country"])[1]


class SectorRefSerializer(RowSerializer):
    """A sector: its slug and name."""

    slug = serializers.SlugField(source="sector__slug")
    name = serializers.CharField(source="sector_name", help_text="In the response's language.")


DECIMAL = {"max_digits": 16, "decimal_places": 2, "allow_null": True}


class ReportedOnField(serializers.DateField):
    """The date of the report a figure as of the day comes from (provenance)."""

    def __init__(self, figure: str):
        super().__init__(
            source=f"{figure}_as_of_reported_on",
            allow_null=True,
            help_text=f"The date of the report `{figure}` comes from; null without it.",
        )


class ReportSourceField(serializers.CharField):
    """The source of the report a figure as of the day comes from (provenance)."""

    def __init__(self, figure: str):
        super().__init__(
            source=f"{figure}_as_of_source",
            allow_null=True,
            help_text="The source (document or URL) of that report; null without the figure.",
        )


class CompanySerializer(RowSerializer):
    """A company of the register as of a day (`as_of`, default today): its status and
    figures (USD, headcount) as of that day, each figure with the date and source of the
    report it comes from; names, sector and description as they are today."""

    slug = serializers.SlugField(help_text="The company's address in this API.")
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    legal_name = serializers.CharField()
    country = CountryRefSerializer(source="*", help_text="Country of the main investor.")
    sector = SectorRefSerializer(source="*", help_text="Primary sector.")
    status = serializers.ChoiceField(
        source="status_as_of",
        choices=Company.Status.choices,
        help_text="As of `as_of`: exited if it exited on or before that day, else resident "
        "(applicants appear as of today only).",
    )
    resident_since = serializers.DateField(allow_null=True)
    exited_on = serializers.DateField(allow_null=True)
    exit_reason = serializers.CharField(
        source="exit_reason_text", help_text="In the response's language."
    )
    description = serializers.CharField(
        source="description_text", help_text="In the response's language."
    )
    website = serializers.CharField()
    declared_investment = serializers.DecimalField(
        source="declared_investment_as_of",
        **DECIMAL,
        help_text="USD, the commitment in the latest report that has it, dated on or "
        "before `as_of`.",
    )
    realised_investment = serializers.DecimalField(
        source="realised_investment_as_of",
        **DECIMAL,
        help_text="USD, the amount actually invested in the latest report that has it, "
        "dated on or before `as_of`.",
    )
    direct_jobs = serializers.IntegerField(
        source="direct_jobs_as_of",
        allow_null=True,
        help_text="Headcount in the latest report that has it, dated on or before `as_of`.",
    )
    is_published = serializers.BooleanField(help_text="False for drafts, seen by editors only.")
    version = serializers.IntegerField(help_text="Raised by every change; see If-Match.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    reports_url = serializers.SerializerMethodField()
    as_of = serializers.SerializerMethodField(
        help_text="The day this company's status and figures answer for."
    )
    declared_investment_reported_on = ReportedOnField("declared_investment")
    declared_investment_source = ReportSourceField("declared_investment")
    realised_investment_reported_on = ReportedOnField("realised_investment")
    realised_investment_source = ReportSourceField("realised_investment")
    direct_jobs_reported_on = ReportedOnField("direct_jobs")
    direct_jobs_source = ReportSourceField("direct_jobs")

    # Columns of `.values()` that the fields read, and annotations that provide some:
    # the figures and status as of the day come from
    # selectors.companies_with_figures_as_of.
    COLUMNS = (
        "slug", "name", "legal_name", "country", "sector__slug", "status_as_of",
        "resident_since", "exited_on", "website",
        *(f"{figure}_as_of{suffix}" for figure in selectors.FIGURES
          for suffix in ("", "_reported_on", "_source")),
        "is_published", "version", "created_at", "updated_at",
    )  # fmt: skip

    @classmethod
    def annotations(cls) -> dict:
        """Translated columns in the active language."""
        return {
            "sector_name": selectors.localised("sector__name"),
            "description_text": selectors.localised("description"),
            # A string, as before it was translated: "" for a company that did not exit.
            "exit_reason_text": Coalesce(
                selectors.localised("exit_reason"), Value(""), output_field=TextField()
            ),
        }

    @cached_property
    def companies_url(self) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:company-list"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, row) -> str:
        return f"{self.companies_url}{row['slug']}/"

    @extend_schema_field(OpenApiTypes.URI)
    def get_reports_url(self, row) -> str:
        return f"{self.companies_url}{row['slug']}/reports/"

    @extend_schema_field(OpenApiTypes.DATE)
    def get_as_of(self, row) -> date:
        return self.context["as_of"]


@extend_schema_serializer(many=False)
class CompanyPageSerializer(serializers.Serializer):
    """One page of companies; follow `next` (or the Link header) for the next one."""

    count = serializers.IntegerField(
        required=False,
        help_text="How many companies match the filters, of any status unless `status` is "
        "given (with `as_of`: of those whose residence had begun by that day); with page= "
        "paging only.",
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True, help_text="With page= paging only.")
    results = CompanySerializer(many=True)


def parse_fields(request, serializer_class: type[RowSerializer]) -> list[str] | None:
    """The `fields=` parameter: names of top-level fields, comma-separated."""
    raw = request.query_params.get("fields")
    if raw is None:
        return None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    known = serializer_class.field_names()
    unknown = [name for name in names if name not in known]
    if unknown or not names or len(names) > len(known):
        # Echo a few of the unknown names, shortened: the value may be long.
        shown = [name if len(name) <= 40 else f"{name[:40]}…" for name in unknown[:5]]
        raise exceptions.ValidationError(
            {
                "fields": [
                    _("Unknown field(s): %(unknown)s. Choose from: %(known)s.")
                    % {"unknown": ", ".join(shown) or "-", "known": ", ".join(known)}
                ]
            }
        )
    return names


# --- Writing companies ----------------------------------------------------------------


class CompanyWriteSerializer(StrictModelSerializer):
    """A company as an editor creates or changes it; figures come from its reports."""

    sector = SectorField(slug_field="slug", queryset=Sector.objects.all())
    # In English, as its translations fall back to it.
    exit_reason = StrictCharField(
        source="exit_reason_en",
        required=False,
        allow_blank=True,
        style={"base_template": "textarea.html"},
    )

    class Meta:
        model = Company
        fields = [
            "name", "slug", "legal_name", "country", "sector", "status", "resident_since",
            "exited_on", "exit_reason", "description_en", "description_ru",
            "description_zh_hans", "website", "is_published", "exit_reason_ru",
            "exit_reason_zh_hans",
        ]  # fmt: skip
        extra_kwargs = {"slug": {"required": False}}


# --- Reports --------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    """Figures a company reported as of a date; a missing figure is null."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "url", "reported_on", "declared_investment", "realised_investment",
            "direct_jobs", "source", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, report) -> str:
        path = reverse("api:report-detail", args=[self.context["company_slug"], report.pk])
        return self.context["request"].build_absolute_uri(path)


class ReportWriteSerializer(StrictModelSerializer):
    """A report as an editor creates or changes it (USD, headcount; at least one figure)."""

    # In English, as its translations fall back to it.
    source = StrictCharField(
        source="source_en", max_length=500, help_text=Report._meta.get_field("source").help_text
    )

    class Meta:
        model = Report
        fields = [
            "reported_on", "declared_investment", "realised_investment", "direct_jobs",
            "source", "source_ru", "source_zh_hans",
        ]  # fmt: skip

    def validate_reported_on(self, value):
        company, report = self.context["company"], self.instance
        others = Report.objects.filter(company=company, reported_on=value)
        if report is not None:
            others = others.exclude(pk=report.pk)
        if others.exists():
            raise serializers.ValidationError(
                _("This company already has a report for this date.")
            )
        return value


@extend_schema_serializer(many=False)
class ReportListSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many reports the company has.")
    results = ReportSerializer(many=True)


# --- Figures --------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    """Totals over the companies resident on the day (USD, headcount)."""

    companies = serializers.IntegerField(
        help_text="Residents on `as_of` among the companies the filters match."
    )
    declared_investment = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text="USD."
    )
    realised_investment = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text="USD."
    )
    direct_jobs = serializers.IntegerField(help_text="Headcount.")


COUNTS = "residents_on_as_of"
COUNTS_HELP = (
    "What `companies` counts: the residents on `as_of` (resident since on or before it, "
    "not exited by then) among the companies the filters match; applicants and former "
    "residents are not counted, and figures are each resident's as of that day."
)


@extend_schema_field({"type": "string", "enum": [COUNTS]})
class CountsField(serializers.Field):
    """Says what the counts of a figures response count."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, help_text=COUNTS_HELP, **kwargs)

    def to_representation(self, value):
        return COUNTS


class YearEndSerializer(FiguresSerializer):
    as_of = serializers.DateField(help_text="The day the figures answer for.")
    countries = serializers.IntegerField(
        help_text="Distinct countries of the companies resident on the day."
    )


class TotalsSerializer(YearEndSerializer):
    counts = CountsField()


class YearSerializer(YearEndSerializer):
    year = serializers.IntegerField()
    joined = serializers.IntegerField(help_text="Companies that became residents that year.")
    exited = serializers.IntegerField(help_text="Companies that exited that year.")


class YearsSerializer(serializers.Serializer):
    counts = CountsField()
    as_of = serializers.DateField(help_text="The last day of the series.")
    results = YearSerializer(
        many=True, help_text="Totals at each year's end; the last year's as of `as_of`."
    )


class CountryTotalsSerializer(FiguresSerializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.CharField(help_text="In the response's language.")
    flag = serializers.CharField(help_text="The flag as an emoji.")


class CountriesSerializer(serializers.Serializer):
    counts = CountsField()
    as_of = serializers.DateField(help_text="The day the figures answer for.")
    results = CountryTotalsSerializer(many=True, help_text="Countries with residents.")


class SectorTotalsSerializer(FiguresSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField(help_text="In the response's language.")


class SectorsSerializer(serializers.Serializer):
    counts = CountsField()
    as_of = serializers.DateField(help_text="The day the figures answer for.")
    results = SectorTotalsSerializer(many=True, help_text="Every sector, with zeros if empty.")


class FigureCheckSerializer(serializers.Serializer):
    figure = serializers.ChoiceField(choices=[(figure, figure) for figure in Claim.FIGURES])
    stated = serializers.CharField(help_text="As stated: a count, or USD.")
    qualifier = serializers.ChoiceField(choices=Claim.Qualifier.choices)
    register = serializers.CharField(help_text="The register's own value as of the date.")
    agrees = serializers.BooleanField()


# Reads a selectors.ClaimCheck.
class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="claim.pk")
    statement = serializers.CharField(source="claim.statement")
    claimed_on = serializers.DateField(
        source="claim.claimed_on", help_text="The day the statement speaks of."
    )
    date_is_approximate = serializers.BooleanField(source="claim.date_is_approximate")
    source = serializers.CharField(source="claim.source")
    agrees = serializers.BooleanField(help_text="Whether every stated figure agrees.")
    figures = FigureCheckSerializer(many=True)
    register = TotalsSerializer(
        source="totals", help_text="The register's totals as of the claim's date."
    )


class ClaimsSerializer(serializers.Serializer):
    results = ClaimSerializer(many=True)


# --- Change feed ----------------------------------------------------------------------


class RemovalSerializer(RowSerializer):
    """A slug that left the register: drop what a mirror holds under it."""

    slug = serializers.SlugField()
    removed_at = serializers.DateTimeField(help_text="When it left.")
    reason = serializers.ChoiceField(
        choices=CompanyRemoval.Reason.choices,
        help_text="deleted, unpublished, or renamed (the company now has another slug, "
        "listed among the companies updated since).",
    )


@extend_schema_serializer(many=False)
class RemovalPageSerializer(serializers.Serializer):
    """Removals, oldest first, a page at a time; follow `next` until it is null."""

    next = serializers.URLField(allow_null=True)
    results = RemovalSerializer(many=True)


# --- Tokens ---------------------------------------------------------------------------


class LoginSerializer(StrictSerializer):
    """A username and password."""

    # No user name is longer than the column; a failed login records the name given.
    username = StrictCharField(max_length=150)
    password = StrictCharField(
        max_length=1024, style={"input_type": "password"}, trim_whitespace=False
    )

    def validate(self, credentials):
        # Through Django's authentication backends, django-axes' lockout first.
        user = authenticate(self.context["request"]._request, **credentials)
        if user is None:
            raise serializers.ValidationError(_("The username or password is wrong."))
        return {"user": user}


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="After this the token no longer works.")
