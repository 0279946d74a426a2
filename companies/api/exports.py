"""Streamed exports of the companies list: the whole filtered register in constant memory
(ExportMixin, which the companies viewset declares).

CSV columns, in this order (documented in the README; new ones are only ever appended):
slug, name, legal_name, country, country_name, sector, sector_name, status,
resident_since, exited_on, exit_reason, description, website, declared_investment,
realised_investment, direct_jobs, is_published, updated_at, as_of,
declared_investment_reported_on, declared_investment_source,
realised_investment_reported_on, realised_investment_source, direct_jobs_reported_on,
direct_jobs_source. Status and figures are as of `as_of`.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from operator import itemgetter

from django.http import StreamingHttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from companies.selectors import FIGURES
from companies.spreadsheets import csv_chunks

from .renderers import EXPORT_FORMATS, CSVRenderer, NDJSONRenderer, ORJSONRenderer, dumps
from .schema import FIELDS, NOT_MODIFIED, READ_ERRORS, errors
from .serializers import CompanySerializer, country_name_and_flag

ROWS_PER_CHUNK = 500
# Header -> the row's column; None: computed in _csv_chunks.
CSV_COLUMNS = {
    "slug": "slug",
    "name": "name",
    "legal_name": "legal_name",
    "country": "country",
    "country_name": None,
    "sector": "sector__slug",
    "sector_name": "sector_name",
    "status": "status_as_of",
    "resident_since": "resident_since",
    "exited_on": "exited_on",
    "exit_reason": "exit_reason_text",
    "description": "description_text",
    "website": "website",
    "declared_investment": "declared_investment_as_of",
    "realised_investment": "realised_investment_as_of",
    "direct_jobs": "direct_jobs_as_of",
    "is_published": "is_published",
    "updated_at": "updated_at",
    "as_of": None,
    **{
        f"{figure}_{column}": f"{figure}_as_of_{column}"
        for figure in FIGURES
        for column in ("reported_on", "source")
    },
}


def _csv_chunks(rows: Iterable[dict], as_of: date) -> Iterator[str]:
    language = get_language()
    computed = {
        "country_name": lambda row: country_name_and_flag(language, row["country"])[0],
        "as_of": lambda row: as_of,
    }
    cells = [
        computed[header] if key is None else itemgetter(key) for header, key in CSV_COLUMNS.items()
    ]
    return csv_chunks(
        header=CSV_COLUMNS,
        rows=([cell(row) for cell in cells] for row in rows),
        per_chunk=ROWS_PER_CHUNK,
    )


def _ndjson_chunks(rows: Iterable[dict], serializer: CompanySerializer) -> Iterator[bytes]:
    chunk = []
    for row in rows:
        chunk.append(dumps(serializer.to_representation(row)))
        if len(chunk) == ROWS_PER_CHUNK:
            yield b"\n".join(chunk) + b"\n"
            chunk = []
    if chunk:
        yield b"\n".join(chunk) + b"\n"


def companies_export(
    *, rows: Iterable[dict], format: str, serializer: CompanySerializer, as_of: date
):
    """A streamed response of every row (each as of the day `as_of`), as CSV or
    newline-delimited JSON."""
    if format == CSVRenderer.format:
        response = StreamingHttpResponse(
            _csv_chunks(rows, as_of), content_type="text/csv; charset=utf-8"
        )
        filename = "companies.csv"
    else:
        response = StreamingHttpResponse(
            _ndjson_chunks(rows, serializer), content_type=NDJSONRenderer.media_type
        )
        filename = "companies.ndjson"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportMixin:
    """The companies list's exports: `format=csv` or `format=ndjson` on the list, and the
    export_csv and export_ndjson actions (their own operations, because a generated
    client expects one format per operation), stream every company the filters match."""

    renderer_classes = [ORJSONRenderer, CSVRenderer, NDJSONRenderer]
    EXPORTS = {"export_csv": CSVRenderer, "export_ndjson": NDJSONRenderer}

    def get_renderers(self):
        if self.action in self.EXPORTS:
            return [ORJSONRenderer(), self.EXPORTS[self.action]()]
        if self.action in ("list", None):  # None: a method the route does not map (405)
            return super().get_renderers()
        return [ORJSONRenderer()]

    def export_format(self, request) -> str | None:
        """The export this request asks for, if any (throttled separately)."""
        if self.action in self.EXPORTS:
            return self.EXPORTS[self.action].format
        renderer = getattr(request, "accepted_renderer", None)
        if self.action == "list" and renderer and renderer.format in EXPORT_FORMATS:
            return renderer.format
        return None

    def list(self, request, *args, **kwargs):
        if self.export_format(request) is not None:
            return self.export(request)
        return super().list(request, *args, **kwargs)

    # Documented here: extend_schema_view does not find actions outside a router.
    @extend_schema(
        operation_id="companies_export_csv",
        description="Every company matching the filters as CSV, streamed; formula-like "
        "cells are neutralised.",
        filters=True,
        responses={
            (200, CSVRenderer.media_type): OpenApiResponse(
                OpenApiTypes.STR, description="One row per company; see the README's columns."
            ),
            304: NOT_MODIFIED,
            **errors(*READ_ERRORS),
        },
    )
    def export_csv(self, request, *args, **kwargs):
        return self.export(request)

    @extend_schema(
        operation_id="companies_export_ndjson",
        description="Every company matching the filters as newline-delimited JSON, streamed.",
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
    def export_ndjson(self, request, *args, **kwargs):
        return self.export(request)

    def export(self, request):
        companies = self.filter_queryset(self.get_queryset())
        self.check_not_modified()
        return companies_export(
            rows=self.serializer_class.rows(companies).iterator(chunk_size=2000),
            format=self.export_format(request),
            serializer=self.get_read_serializer(),
            as_of=self.day,
        )

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors of an export request answer in JSON like any other.
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and renderer and renderer.format in EXPORT_FORMATS:
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = ORJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
