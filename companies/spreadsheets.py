"""Cells written to CSV and XLSX files that people open in spreadsheets."""

# A cell starting with one of these is read as a formula by spreadsheet programs
# (CSV injection); tab and carriage return can hide such a start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Prefix text that a spreadsheet would execute with a quote; other values pass through.

    Numbers are left alone: a negative amount is data, not a formula, and stays numeric."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
