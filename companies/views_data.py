"""The register as open data: the about and downloads pages (under a language prefix),
and the files and catalogues themselves (language-neutral, at stable addresses).

Every file is built from companies/downloads.py while it is sent, so a download of the
whole register holds one chunk of rows in memory however large the register is. Each
answers with an ETag naming the register's revision, so a portal that harvests it again
gets a 304 until the register changes.
"""

import orjson
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import etag, require_safe

from . import dcat, downloads, selectors

JSONLD = "application/ld+json"


def _revision_etag(request: HttpRequest, **kwargs) -> str:
    return f"{selectors.register_revision().key}:{request.path}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _catalog_arguments(request: HttpRequest) -> dict:
    status = selectors.register_status()
    return {
        "absolute": request.build_absolute_uri,
        "modified": status.changed_at,
        "is_demo": status.is_demo,
    }


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    """Who keeps the register, how its figures are counted, where they come from, how to
    report an error, and the accessibility statement."""
    return render(request, "companies/about.html")


@require_safe
def downloads_page(request: HttpRequest) -> HttpResponse:
    counts = downloads.row_counts()
    tables = [{"table": t, "rows": counts[t.name]} for t in downloads.tables()]
    return render(
        request,
        "companies/downloads.html",
        {
            "tables": tables,
            "xlsx_available": downloads.xlsx_available(),
            "xlsx_max_rows": settings.DOWNLOADS_XLSX_MAX_ROWS,
        },
    )


@require_safe
@etag(_revision_etag)
def table_csv(request: HttpRequest, name: str, bom: bool = False) -> StreamingHttpResponse:
    table = downloads.table(name)
    if table is None:
        raise Http404("There is no such table.")
    response = StreamingHttpResponse(
        downloads.csv_stream(table, bom=bom), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, f"{name}-excel.csv" if bom else f"{name}.csv")


@require_safe
@etag(_revision_etag)
def register_json(request: HttpRequest) -> StreamingHttpResponse:
    status = selectors.register_status()
    metadata = {
        "title": dcat.TITLE,
        "license": settings.DATA_LICENSE_URL,
        "publisher": downloads.publisher_name(),
        "modified": status.changed_at,
        "is_demo": status.is_demo,
    }
    response = StreamingHttpResponse(
        downloads.json_stream(metadata=metadata), content_type="application/json"
    )
    return _attachment(response, "register.json")


@require_safe
@etag(_revision_etag)
def register_xlsx(request: HttpRequest) -> HttpResponse:
    if not downloads.xlsx_available():
        message = _(
            "The register has more rows than one XLSX workbook is built for here "
            "(%(most)s): download the CSV files, which Excel opens too."
        ) % {"most": settings.DOWNLOADS_XLSX_MAX_ROWS}
        return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")
    return FileResponse(
        downloads.xlsx_file(),
        as_attachment=True,
        filename="register.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_safe
@etag(_revision_etag)
def datapackage(request: HttpRequest) -> HttpResponse:
    status = selectors.register_status()
    package = downloads.data_package(
        homepage=request.build_absolute_uri(reverse("companies:downloads")),
        modified=status.changed_at,
        is_demo=status.is_demo,
    )
    return HttpResponse(
        orjson.dumps(package, option=orjson.OPT_INDENT_2), content_type="application/json"
    )


@require_safe
@etag(_revision_etag)
def catalog(request: HttpRequest, format: str) -> HttpResponse:
    """The DCAT-AP catalogue of the register, as Turtle or JSON-LD."""
    graph = dcat.catalog_graph(**_catalog_arguments(request))
    if format == "ttl":
        return HttpResponse(graph.serialize(format="turtle"), content_type="text/turtle")
    return HttpResponse(graph.serialize(format="json-ld", indent=2), content_type=JSONLD)
