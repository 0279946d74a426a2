"""Cells written to CSV and XLSX files that people open in spreadsheets."""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.utils import timezone

# A cell starting with one of these is read as a formula by spreadsheet programs
# (CSV injection); tab and carriage return can hide such a start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Text that reads as a formula once leading quotes are removed: a formula start
# preceded by any number of quotes (none for a formula itself).
_QUOTED_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def spreadsheet_safe(value):
    """Prefix text that a spreadsheet would execute with a quote; other values pass through.

    Text that already starts with quotes before a formula start gets one more, so that
    `spreadsheet_unquote` restores every value exactly. Numbers are left alone: a
    negative amount is data, not a formula, and stays numeric."""
    if isinstance(value, str) and _QUOTED_FORMULA.match(value):
        return "'" + value
    return value


def spreadsheet_unquote(value):
    """Undo `spreadsheet_safe` on a cell read back from a file: drop one leading quote
    before quotes and a formula start; anything else passes through unchanged."""
    if isinstance(value, str) and value.startswith("'") and _QUOTED_FORMULA.match(value, 1):
        return value[1:]
    return value


def csv_cell(value):
    """A value as a CSV cell: empty for None, `true`/`false`, ISO 8601 dates and local
    date-times, text made spreadsheet-safe, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_chunks(*, header: Iterable[str], rows: Iterable[Iterable], per_chunk=500) -> Iterator[str]:
    """CSV text of a header and rows of values, `per_chunk` rows at a time, for a
    streamed response: memory stays that of one chunk whatever the number of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(value) for value in row])
        if count % per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
