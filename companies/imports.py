"""Reading the spreadsheets editors import, for the admin and `manage.py import_register`.

Both read files here and import them through the resources (companies/resources/),
so a file means the same thing wherever it is loaded.
"""

import csv
import io
import zipfile
from collections.abc import Iterator

import tablib
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.formats import base_formats

from .blank import is_blank
from .resources import ClaimResource, CompanyResource, Problem, RegisterResource, ReportResource

RESOURCES: dict[str, type[RegisterResource]] = {
    "companies": CompanyResource,
    "reports": ReportResource,
    "claims": ClaimResource,
}
# Excel saves CSV with the list separator of the user's locale (';' in Belarus and Russia).
CSV_DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"


class SheetError(Exception):
    """A file that cannot be read as a sheet; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    @classmethod
    def of_file(cls, message: str) -> "SheetError":
        """A refusal of the file as a whole, at no line or column."""
        return cls([Problem(None, "", message)])


# Columns read from an XLSX row: far more than any sheet of the register has, and a bound
# on the cells a row costs (a cell in column XFD would otherwise pad a row to 16,384).
MAX_COLUMNS = 64


def sheet_read(*, content: bytes, name: str = "", max_rows: int | None = None) -> tablib.Dataset:
    """Read a CSV (UTF-8, comma, semicolon or tab separated) or XLSX file (first sheet).

    The format comes from the content (an XLSX file is a zip archive), so a wrong
    extension does not matter. Blank lines are skipped; `dataset.line_numbers[i]` is
    the line (CSV) or row (XLSX) of the file that data row `i` came from. Rows are read
    one at a time and reading stops past `max_rows` lines after the header (blank ones
    included), refusing the file; an XLSX file whose contents inflate beyond
    settings.IMPORT_MAX_INFLATED_MB is refused before it is parsed."""
    if not content:
        raise SheetError.of_file(_("The file is empty."))
    if content.startswith(XLSX_MAGIC) or name.lower().endswith(".xlsx"):
        return _dataset(_xlsx_rows(content), exact=False, max_rows=max_rows)
    return _dataset(_csv_rows(content), exact=True, max_rows=max_rows)


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SheetError.of_file(
            _("The file is not UTF-8 text (byte %(byte)s at position %(position)s). "
              "Save it as “CSV UTF-8” or as an XLSX workbook.")
            % {"byte": f"0x{content[error.start]:02X}", "position": error.start}
        ) from None  # fmt: skip
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise SheetError(
            [Problem(line, "", _("The file is not valid CSV: %s.") % error)]
        ) from None


def _xlsx_inflated_check(content: bytes) -> None:
    """Refuse a workbook whose parts inflate beyond the limit (a zip bomb), from the
    sizes its directory declares: reading a part never yields more than its declared
    size (zipfile checks it), so nothing larger is ever decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SheetError.of_file(
            _("The file is not a readable XLSX workbook (%s).") % error
        ) from None
    limit = settings.IMPORT_MAX_INFLATED_MB * 1024 * 1024
    if inflated > limit:
        raise SheetError.of_file(
            _("The workbook unpacks to %(size)s MB; at most %(limit)s MB are read. Save it "
              "again without unused rows, columns and sheets, or split it.")
            % {"size": number_format(inflated / 1024 / 1024, 1),
               "limit": settings.IMPORT_MAX_INFLATED_MB}
        )  # fmt: skip


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    import openpyxl

    _xlsx_inflated_check(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SheetError.of_file(
            _("The file is not a readable XLSX workbook (%s).") % error
        ) from None
    try:
        sheet = book.worksheets[0]
        # The declared dimension (A1:Z1048576, say) is only a claim: without it the rows
        # are those the sheet holds, not a padding of empty ones up to its last row.
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):
            values = [_Formula() if cell.data_type == "f" else cell.value for cell in cells]
            while values and values[-1] is None:  # the padding up to MAX_COLUMNS
                values.pop()
            yield number, values
    finally:
        book.close()


class TooManyRows(SheetError):
    """More lines than may be read; reading stopped there."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(
            [
                Problem(
                    None,
                    "",
                    ngettext(
                        "The file has more than %(limit)d line after its header (blank ones "
                        "included).",
                        "The file has more than %(limit)d lines after its header (blank ones "
                        "included).",
                        limit,
                    )
                    % {"limit": limit},
                )
            ]
        )


class _Formula:
    """A formula cell: its value was computed by a spreadsheet program, if at all."""


def _dataset(
    rows: Iterator[tuple[int, list]], *, exact: bool, max_rows: int | None
) -> tablib.Dataset:
    """The first non-blank line names the columns; with `exact`, every line must have
    as many cells as there are columns (CSV), else short lines are padded (XLSX)."""
    rows = iter(rows)
    header = None
    for read, (line, cells) in enumerate(rows, 1):
        if max_rows is not None and read > max_rows:
            raise TooManyRows(max_rows)
        if not all(is_blank(c) for c in cells):
            header = line, cells
            break
    if header is None:
        raise SheetError.of_file(_("The file has no header line."))
    header_line, headers = header
    # Spreadsheets often carry empty columns to the right of the data.
    width = max(i + 1 for i, header in enumerate(headers) if not is_blank(header))
    names = [_header(h) for h in headers[:width]]
    dataset = tablib.Dataset(headers=names)
    problems, lines = [], []
    for read, (line, cells) in enumerate(rows, 1):
        if max_rows is not None and read > max_rows:
            raise TooManyRows(max_rows)
        if all(is_blank(c) for c in cells):
            continue
        used = max(i + 1 for i, cell in enumerate(cells) if not is_blank(cell))
        if used > width or (exact and len(cells) < width):
            problems.append(
                Problem(
                    line,
                    "",
                    ngettext(
                        "The line has %(cells)d cell; the header has %(width)d.",
                        "The line has %(cells)d cells; the header has %(width)d.",
                        max(used, len(cells)),
                    )
                    % {"cells": max(used, len(cells)), "width": width},
                )
            )
            continue
        cells = list(cells[:width]) + [None] * (width - len(cells))
        problems.extend(
            Problem(line, names[i], _("The cell holds a formula; paste its value instead."))
            for i, cell in enumerate(cells)
            if isinstance(cell, _Formula)
        )
        dataset.append(cells)
        lines.append(line)
    if problems:
        raise SheetError(problems)
    dataset.header_line = header_line
    dataset.line_numbers = lines
    return dataset


def _header(value) -> str:
    return "" if value is None else str(value).strip()


def resource_for(*, headers: list[str], model: str | None = None) -> type[RegisterResource]:
    """The resource a sheet is for: `model` if given, else the one whose columns the
    header matches best (a companies sheet has `slug`, a reports sheet `reported_on`)."""
    if model is not None:
        return RESOURCES[model]
    headers = {_header(h) for h in headers}
    return max(RESOURCES.values(), key=lambda resource: len(headers & set(resource.columns())))


class SheetFormat:
    """An import format of the admin that reads files with `sheet_read`, within what one
    request can import (settings.IMPORT_MAX_UPLOAD_MB, IMPORT_MAX_ROWS)."""

    def create_dataset(self, in_stream, **kwargs):
        megabytes = len(in_stream or b"") / 1024 / 1024
        if megabytes > settings.IMPORT_MAX_UPLOAD_MB:
            raise SheetError.of_file(
                _("The file is %(size)s MB; the admin imports files of up to %(limit)s MB. "
                  "Split it, or import it with manage.py import_register.")
                % {"size": number_format(megabytes, 1), "limit": settings.IMPORT_MAX_UPLOAD_MB}
            )  # fmt: skip
        try:
            dataset = sheet_read(content=in_stream, max_rows=settings.IMPORT_MAX_ROWS)
        except TooManyRows:
            raise SheetError.of_file(
                _("The file has more than %(limit)d rows; the admin imports up to %(limit)d "
                  "rows at a time. Split it, or import it with manage.py import_register.")
                % {"limit": settings.IMPORT_MAX_ROWS}
            ) from None  # fmt: skip
        return dataset

    def is_binary(self):
        # The admin then hands over bytes, and sheet_read decodes them strictly.
        return True

    def get_read_mode(self):
        return "rb"


class CSVImport(SheetFormat, base_formats.CSV):
    pass


class XLSXImport(SheetFormat, base_formats.XLSX):
    pass
