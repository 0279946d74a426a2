"""Spreadsheets built in tests, and a full dump of what an import could change."""

import csv
import io
from datetime import date

import openpyxl
from django.apps import apps
from django.contrib.admin.models import LogEntry

from companies.resources import CompanyResource, ReportResource

COMPANY_COLUMNS = CompanyResource.columns()
REPORT_COLUMNS = ReportResource.columns()


def company_row(**values) -> dict:
    """A companies sheet row as an editor would type it; `values` override the defaults."""
    row = {
        "slug": "svisloch-photonics",
        "name": "Svisloch Photonics",
        "legal_name": "Svisloch Photonics LLC",
        "country": "BY",
        "sector": "electronics",
        "status": "resident",
        "resident_since": "2019-04-01",
        "exited_on": "",
        "exit_reason": "",
        "description_en": "Lasers.",
        "description_ru": "Лазеры.",
        "description_zh_hans": "",
        "website": "https://svisloch.example",
        "is_published": "1",
    }
    row.update(values)
    return row


def report_row(**values) -> dict:
    """A reports sheet row; `values` override the defaults."""
    row = {
        "company": "svisloch-photonics",
        "reported_on": "2020-12-31",
        "declared_investment": "2500000.00",
        "realised_investment": "400000.00",
        "direct_jobs": "14",
        "source": "Annual report 2020",
    }
    row.update(values)
    return row


def csv_bytes(rows: list[dict], *, columns=None, delimiter=",", encoding="utf-8") -> bytes:
    columns = columns or list(rows[0])
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], *, columns=None, native: bool = True) -> bytes:
    """An XLSX workbook; with `native`, dates, numbers and flags are typed cells, as a
    spreadsheet program saves them."""
    columns = columns or list(rows[0])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(
            [_native(row.get(column)) if native else row.get(column) for column in columns]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_cells(content: bytes) -> list[list]:
    """The cells of a workbook's first sheet, as openpyxl reads them."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _native(value):
    if not isinstance(value, str) or value == "":
        return value or None
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def register_dump() -> dict:
    """Every row of every table of the register, its history, the revision counter and the
    admin log, in full: equal dumps mean nothing changed."""
    models = [*apps.get_app_config("companies").get_models(), LogEntry]
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list()) for model in models
    }
