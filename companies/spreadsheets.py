"""Cells written to CSV and XLSX files that people open in spreadsheets."""

import re

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
