"""Figures as editors read them in the admin: amounts and headcounts with separators."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from modeltranslation.utils import build_localized_fieldname


def figure_display(value) -> str:
    """An amount (USD) or a headcount with the language's thousands separators; cents
    only when there are any; "—" when missing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return number_format(int(value), decimal_pos=0, use_l10n=True, force_grouping=True)


def figure_cell(company, figure: str, *, with_source: bool = False) -> str:
    """A company's current figure, formatted, with the day of the report it comes from
    (and, `with_source`, that report's source) beneath."""
    value = getattr(company, figure)
    if value is None:
        return "—"
    day = getattr(company, f"{figure}_reported_on")
    reported = gettext("reported %(day)s") % {"day": day.isoformat()} if day else ""
    if with_source:
        # In the editor's language where the report has a translation (no column for
        # English: `<figure>_source` is the English one).
        local = build_localized_fieldname(f"{figure}_source", get_language())
        source = getattr(company, local, None) or getattr(company, f"{figure}_source") or ""
        reported = format_html("{} · {}", reported, source) if source else reported
    return format_html('{}<span class="figure-day">{}</span>', figure_display(value), reported)
