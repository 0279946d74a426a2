"""The published register as open data: its tables, their Table Schemas, and the files
of the downloads page (CSV, CSV with a byte-order mark, XLSX, JSON and a Frictionless
Data Package), each built while it is sent, in constant memory.

Every table starts from what the public may see: published companies, their reports,
published claims, and every sector. Columns come from the models themselves, so a
column's type, constraints, title and description are those the database enforces;
a translated field becomes one column per language (`description_en`, `_ru`, ...).
"""

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone, translation
from django_countries.fields import CountryField
from modeltranslation import settings as mt_settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from openpyxl import Workbook

from . import selectors
from .api.renderers import dumps
from .caching import cached_per_revision
from .models import PROVENANCE, Claim, Company, Report, Sector
from .resources import CompanyResource, ReportResource
from .spreadsheets import csv_chunks, spreadsheet_safe

ROWS_PER_QUERY = 2000
ROWS_PER_CHUNK = 500
# An XLSX sheet holds 1,048,576 rows; a longer table continues on "reports (2)" and on.
XLSX_ROWS_PER_SHEET = 1_048_575
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """A column of a published table: its header, the `values()` lookup that fills it and
    its Table Schema field descriptor."""

    name: str
    lookup: str
    schema: dict


@dataclass(frozen=True)
class Table:
    """A published table: one CSV file, one XLSX sheet, one list of the JSON file, one
    resource of the data package."""

    name: str
    title: str
    description: str
    columns: list[Column]
    primary_key: list[str]
    rows: Callable[[], QuerySet]
    foreign_keys: list[dict] = field(default_factory=list)

    def values(self) -> Iterator[tuple]:
        """Every row, as a tuple of the columns' values, read `ROWS_PER_QUERY` at a time."""
        queryset = self.rows().values_list(*(column.lookup for column in self.columns))
        return queryset.iterator(chunk_size=ROWS_PER_QUERY)

    def records(self) -> Iterator[dict]:
        """Every row as a dict keyed by the columns' names."""
        names = [column.name for column in self.columns]
        return (dict(zip(names, row, strict=True)) for row in self.values())

    def table_schema(self) -> dict:
        schema = {
            "fields": [column.schema for column in self.columns],
            "primaryKey": self.primary_key,
            "missingValues": [""],
        }
        if self.foreign_keys:
            schema["foreignKeys"] = self.foreign_keys
        return schema


def _field_schema(model_field: models.Field, name: str, *, language: str | None = None) -> dict:
    """A Table Schema field descriptor of a model field (English title and description)."""
    with translation.override("en"):
        title = str(model_field.verbose_name)
        description = str(model_field.help_text or "")
    if language:
        title = f"{title} ({language})"
    descriptor: dict = {"name": name, "title": title[:1].upper() + title[1:]}
    if description:
        descriptor["description"] = description
    constraints: dict = {}
    if isinstance(model_field, models.ForeignKey):
        descriptor["type"] = "string"
    elif isinstance(model_field, CountryField):
        descriptor["type"] = "string"
        descriptor["description"] = "ISO 3166-1 alpha-2 code. " + description
        constraints["pattern"] = "[A-Z]{2}"
    elif isinstance(model_field, models.DateTimeField):
        descriptor["type"] = "datetime"
    elif isinstance(model_field, models.DateField):
        descriptor["type"] = "date"
    elif isinstance(model_field, models.DecimalField):
        descriptor["type"] = "number"
    elif isinstance(model_field, models.IntegerField):
        descriptor["type"] = "integer"
    elif isinstance(model_field, models.BooleanField):
        descriptor["type"] = "boolean"
        descriptor["trueValues"], descriptor["falseValues"] = ["true"], ["false"]
    else:
        descriptor["type"] = "string"
        if isinstance(model_field, models.URLField):
            descriptor["format"] = "uri"
    if model_field.choices and not isinstance(model_field, CountryField):
        constraints["enum"] = [str(value) for value, _label in model_field.flatchoices]
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            constraints["minimum"] = int(validator.limit_value)
        elif isinstance(validator, MaxLengthValidator) and descriptor["type"] == "string":
            constraints["maxLength"] = validator.limit_value
    if isinstance(model_field, models.PositiveIntegerField | models.PositiveBigIntegerField):
        constraints["minimum"] = 0
    if not model_field.null and not model_field.blank and not language:
        constraints["required"] = True
    if model_field.unique and not language:
        constraints["unique"] = True
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def _columns(model: type[models.Model], names: Iterable[str], **lookups: str) -> list[Column]:
    """Columns of `model`'s fields `names`; a translated field gives one per language,
    unless `lookups` names its English column (`source="source_en"`; its translations
    are then columns of their own names), as it names a related value for a field
    (`sector="sector__slug"`)."""
    try:
        translated = translator.get_options_for_model(model).fields
    except NotRegistered:
        translated = {}
    columns = []
    for name in names:
        model_field = model._meta.get_field(name)
        language = next(
            (
                language
                for language in selectors.TRANSLATED_LANGUAGES
                if name.endswith(build_localized_fieldname("", language))
            ),
            None,
        )
        if language:
            columns.append(Column(name, name, _field_schema(model_field, name, language=language)))
        elif name in translated and name not in lookups:
            for language in mt_settings.AVAILABLE_LANGUAGES:
                localized = build_localized_fieldname(name, language)
                schema = _field_schema(model_field, localized, language=language)
                if language == mt_settings.DEFAULT_LANGUAGE and not model_field.blank:
                    schema.setdefault("constraints", {})["required"] = True
                columns.append(Column(localized, localized, schema))
        else:
            columns.append(Column(name, lookups.get(name, name), _field_schema(model_field, name)))
    return columns


def _translated_once(
    model: type[models.Model], names: Iterable[str], left_out: Iterable[str] = ()
) -> list[str]:
    """`names` less `left_out`, each translated field named once instead of once per
    language (description_en, description_ru... become description), in their order."""
    fields = []
    for name in names:
        model_field = model._meta.get_field(name)
        name = getattr(model_field, "translated_field", model_field).name
        if name not in fields and name not in left_out:
            fields.append(name)
    return fields


def _published_reports() -> QuerySet:
    # In the order of the (company, day) unique index: no sort, however large.
    return Report.objects.filter(company__in=Company.objects.published()).order_by(
        "company_id", "reported_on"
    )


@cache
def tables() -> list[Table]:
    """The published register's tables, referenced ones first (built once: their columns
    follow the models, and their rows are read when asked for)."""
    sheet_columns = [
        name
        for name in CompanyResource.Meta.fields
        if name not in CompanyResource.optional_columns
    ]
    return [
        Table(
            name="sectors",
            title="Sectors",
            description="The park's priority areas; every company names its primary sector.",
            columns=_columns(Sector, ["slug", "name"]),
            primary_key=["slug"],
            rows=lambda: Sector.objects.order_by("slug"),
        ),
        Table(
            name="companies",
            title="Companies",
            description=(
                "Published residents, former residents and applicants, with today's names "
                "and descriptions, and each current figure with the day and source of the "
                "report it comes from (every report is in reports)."
            ),
            # The companies sheet's columns (every company here is published), then
            # the current figures with their provenance, then the translations of the
            # exit reason and of the figures' sources.
            columns=_columns(
                Company,
                [
                    *_translated_once(Company, sheet_columns, ["is_published"]),
                    *(
                        f"{figure}{suffix}"
                        for figure in selectors.FIGURES
                        for suffix in PROVENANCE
                    ),
                    "updated_at",
                    *CompanyResource.optional_columns,
                    *(
                        copy
                        for figure in selectors.FIGURES
                        for copy in selectors.source_copies(figure)
                        if copy != f"{figure}_source"
                    ),
                ],
                sector="sector__slug",
                exit_reason="exit_reason_en",
            ),
            primary_key=["slug"],
            foreign_keys=[
                {"fields": "sector", "reference": {"resource": "sectors", "fields": "slug"}}
            ],
            rows=lambda: Company.objects.published().order_by("slug"),
        ),
        Table(
            name="reports",
            title="Reports",
            description=(
                "The figures each published company reported as of a day, with their source. "
                "A company's figure as of a day is the value in its latest report dated on "
                "or before that day that has the figure; declared and realised investment "
                "are never added together."
            ),
            columns=_columns(
                Report, ReportResource.Meta.fields, company="company__slug", source="source_en"
            ),
            primary_key=["company", "reported_on"],
            foreign_keys=[
                {"fields": "company", "reference": {"resource": "companies", "fields": "slug"}}
            ],
            rows=_published_reports,
        ),
        Table(
            name="claims",
            title="Claims",
            description=(
                "Headline statements that others published about the park, with the figures "
                "they state; the register is compared with each as of its date."
            ),
            columns=_columns(
                Claim,
                [
                    "id",
                    "claimed_on",
                    "date_is_approximate",
                    "speaker",
                    "statement",
                    "source",
                    "companies",
                    "companies_qualifier",
                    "countries",
                    "countries_qualifier",
                    "declared_investment",
                    "declared_investment_qualifier",
                    "direct_jobs",
                    "direct_jobs_qualifier",
                    "is_reference",
                ],
            ),
            primary_key=["id"],
            rows=lambda: Claim.objects.filter(is_published=True).order_by("claimed_on", "id"),
        ),
    ]


def row_counts() -> dict[str, int]:
    """How many rows each published table has, kept per register revision."""
    return cached_per_revision(
        "download-counts", lambda: {t.name: t.rows().count() for t in tables()}
    )


def xlsx_available() -> bool:
    """Whether the register is small enough for one XLSX workbook: openpyxl writes some
    tens of thousands of cells a second, so a larger one would outlast a request."""
    return sum(row_counts().values()) <= settings.DOWNLOADS_XLSX_MAX_ROWS


def table(name: str) -> Table | None:
    """The published table called `name`, if there is one."""
    return next((t for t in tables() if t.name == name), None)


# --- Files ------------------------------------------------------------------------------


def csv_stream(table: Table, *, bom: bool = False) -> Iterator[str]:
    """A table as CSV (UTF-8; with a byte-order mark, which Excel needs to read it as
    UTF-8). Text that a spreadsheet would run as a formula starts with a quote."""
    if bom:
        yield BOM
    yield from csv_chunks(
        header=[column.name for column in table.columns],
        rows=table.values(),
        per_chunk=ROWS_PER_CHUNK,
    )


def json_stream(*, metadata: dict) -> Iterator[bytes]:
    """The whole register as one JSON object: `metadata`'s keys, then a list per table
    (amounts as decimal strings, as in the API), a chunk of rows at a time."""
    yield dumps(metadata)[:-1]
    for t in tables():
        yield b',"' + t.name.encode() + b'":['
        separator, chunk = b"", []
        for record in t.records():
            chunk.append(dumps(record))
            if len(chunk) == ROWS_PER_CHUNK:
                yield separator + b",".join(chunk)
                separator, chunk = b",", []
        if chunk:
            yield separator + b",".join(chunk)
        yield b"]"
    yield b"}"


def _xlsx_cell(value):
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, datetime):
        # Excel has no time zones: the park's local time, as the pages show it.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        # Excel numbers are binary floating point; amounts in cents stay exact to 2^53.
        return float(value)
    return value


def xlsx_file() -> tempfile.SpooledTemporaryFile:
    """The whole register as an XLSX workbook, a sheet per table, in a temporary file
    (openpyxl's write-only mode keeps one row in memory; the workbook goes to disk)."""
    workbook = Workbook(write_only=True)
    for t in tables():
        header = [column.name for column in t.columns]
        sheet, part, written = None, 1, XLSX_ROWS_PER_SHEET
        for row in t.values():
            if written == XLSX_ROWS_PER_SHEET:
                sheet = workbook.create_sheet(t.name if part == 1 else f"{t.name} ({part})")
                sheet.append(header)
                part, written = part + 1, 0
            sheet.append([_xlsx_cell(value) for value in row])
            written += 1
        if sheet is None:
            workbook.create_sheet(t.name).append(header)
    # Closed by the response that sends it (FileResponse closes its file).
    output = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


def publisher_name() -> str:
    """The publisher's name as machine-readable metadata gives it: in English."""
    with translation.override("en"):
        return str(settings.PUBLISHER_NAME)


def data_package(*, homepage: str, modified: datetime | None, is_demo: bool) -> dict:
    """The Frictionless Data Package descriptor (`datapackage.json`) of the CSV files,
    which sit beside it (its resources' paths are relative)."""
    description = (
        "The register of the residents of the China–Belarus Industrial Park “Great Stone”: "
        "companies, the figures they reported with their sources, sectors, and published "
        "claims about the park."
    )
    if is_demo:
        description += " DEMONSTRATION DATA: the companies and their figures are synthetic."
    package = {
        "name": "great-stone-park-register",
        "title": "China–Belarus Industrial Park register of residents",
        "description": description,
        "homepage": homepage,
        "licenses": [
            {
                "name": settings.DATA_LICENSE_NAME.replace(" ", "-"),
                "path": settings.DATA_LICENSE_URL,
                "title": settings.DATA_LICENSE_TITLE,
            }
        ],
        "contributors": [
            {
                "title": publisher_name(),
                "email": settings.PUBLISHER_EMAIL,
                "path": settings.PUBLISHER_URL,
                "role": "publisher",
            }
        ],
        "sources": [
            {
                "title": "Reports of the park's residents and the park administration's records",
                "path": settings.PUBLISHER_URL,
            }
        ],
        "keywords": ["China–Belarus Industrial Park", "Great Stone", "investment", "residents"],
        "resources": [
            {
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "path": f"{t.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": t.table_schema(),
            }
            for t in tables()
        ],
    }
    if modified:
        package["created"] = modified.isoformat()
    return package
