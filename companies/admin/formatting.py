"""Figures as editors read them in the admin: amounts and headcounts with separators."""

from decimal import Decimal

from django.utils.formats import number_format


def figure_display(value) -> str:
    """An amount (USD) or a headcount with the language's thousands separators; cents
    only when there are any; "—" when missing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return number_format(int(value), decimal_pos=0, use_l10n=True, force_grouping=True)
