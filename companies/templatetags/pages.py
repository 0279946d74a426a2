"""Template helpers of the public pages: localised numbers and money, language links,
query strings that keep the current filters, and the rows of company tables."""

from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from html import escape

from babel import Locale
from babel.numbers import format_compact_currency, get_decimal_symbol, get_group_symbol
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext, to_locale

register = template.Library()

DASH = "—"
# Spaces that the languages' number formats use (between digit groups, before "$").
SPACES = str.maketrans({" ": "\u00a0", "\u202f": "\u00a0"})


def unbroken(text: str) -> SafeString:
    """A number as one unbreakable piece: no line break inside it, nor between it and its
    currency sign, in any language (non-breaking spaces, and a span that does not wrap)."""
    return format_html('<span class="nowrap">{}</span>', text.translate(SPACES))


# A table formats dozens of figures. Babel parses and applies a pattern per figure, which
# cost more than the rest of a table's row; so each language's way of writing a number
# (Babel's own, read once) is applied here with Python's formatting. Languages that do
# not group digits by threes fall back to Babel.
@lru_cache(maxsize=8)
def _locale_of(language: str) -> Locale:
    return Locale.parse(to_locale(language))


def _locale() -> Locale:
    return _locale_of(get_language() or settings.LANGUAGE_CODE)


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class _NumberStyle:
    """How a language writes counts and dollars: Babel's symbols and the text around a
    dollar amount (`$` before in English, ` $` after in Russian)."""

    symbols: dict  # ord(",") and ord(".") -> the language's group and decimal symbols
    usd_prefix: str
    usd_suffix: str


@lru_cache(maxsize=8)
def _number_style(language: str) -> _NumberStyle | None:
    locale = _locale_of(language)
    currency = copy(locale.currency_formats["standard"])
    if currency.grouping != (3, 3) or locale.decimal_formats[None].grouping != (3, 3):
        return None
    currency.frac_prec = (0, 0)
    prefix, suffix = currency.apply(1, locale, currency="USD", currency_digits=False).split("1")
    symbols = {ord(","): get_group_symbol(locale), ord("."): get_decimal_symbol(locale)}
    return _NumberStyle(symbols, prefix, suffix)


@register.filter
def number(value) -> str:
    """A count with the language's digit grouping: 1,080 / 1 080."""
    if value is None or value == "":
        return DASH
    style = _number_style(_language())
    if style is None or not isinstance(value, int):
        locale = _locale()
        return unbroken(locale.decimal_formats[None].apply(value, locale))
    return unbroken(f"{value:,}".translate(style.symbols))


@register.filter
def usd(value) -> str:
    """US dollars in the language's currency format, cents only when there are any."""
    if value is None or value == "":
        return DASH
    value = Decimal(value)
    whole = value == value.to_integral_value()
    language = _language()
    style = _number_style(language)
    if style is None:
        locale = _locale_of(language)
        pattern = copy(locale.currency_formats["standard"])
        if whole:
            pattern.frac_prec = (0, 0)
        return unbroken(pattern.apply(value, locale, currency="USD", currency_digits=False))
    digits = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return unbroken(f"{style.usd_prefix}{digits.translate(style.symbols)}{style.usd_suffix}")


@register.filter
def usd_compact(value) -> str:
    """US dollars rounded for headlines: $1.3B / 1,3 млрд $ / US$12.6亿."""
    if value is None or value == "":
        return DASH
    return unbroken(
        format_compact_currency(Decimal(value), "USD", locale=_locale(), fraction_digits=1)
    )


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each language: code, native name, address, whether current."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag
def figure_rows(rows: list[dict], columns, heading: str = "name") -> str:
    """The <tr>s of a table of totals (views.TOTALS_COLUMNS): per row a heading cell, its
    `heading` value linked to its `url` when it has one, then a cell per column (key,
    label, whether in US dollars), labelled for the stacked layout of a phone. One
    string, as company_rows: a template loop translated each cell's label anew, and the
    home page's three tables cost more than the rest of the page."""
    cells = [(key, escape(str(label)), usd if money else number) for key, label, money in columns]
    html = []
    for row in rows:
        text = escape(str(row[heading]))
        url = row.get("url")
        cells_html = "".join(
            f'<td class="num" data-label="{label}">{show(row[key])}</td>'
            for key, label, show in cells
        )
        link = f'<a href="{escape(url)}">{text}</a>' if url else text
        html.append(f'<tr><th scope="row">{link}</th>{cells_html}</tr>')
    return mark_safe("\n".join(html))  # every value is escaped above or by its format


@register.simple_tag
def company_rows(rows: list[dict]) -> str:
    """The <tr>s of a company table (includes/company_table.html) from the rows of
    views._company_rows: built as one string, since a template loop over 25 rows of nine
    cells cost more than everything else on the directory page (and html.escape is a
    fraction of Django's escape, which also builds a SafeString per value)."""
    labels = [
        escape(gettext(label))
        for label in (
            "Country", "Sector", "Status", "Resident since",
            "Declared investment", "Realised investment", "Direct jobs",
        )
    ]  # fmt: skip
    source = escape(gettext("Source:"))
    html = []
    for row in rows:
        cells = [
            f'<tr><th scope="row"><a href="{escape(row["url"])}">{escape(row["name"])}</a></th>'
            f'<td data-label="{labels[0]}"><a href="{escape(row["country_url"])}">'
            f"{escape(row['country'])}</a></td>"
            f'<td data-label="{labels[1]}"><a href="{escape(row["sector_url"])}">'
            f"{escape(row['sector'])}</a></td>"
            f'<td data-label="{labels[2]}">{escape(row["status"])}</td>'
            f'<td class="date" data-label="{labels[3]}">'
            f"{escape(row['resident_since'] or DASH)}</td>"
        ]
        for label, figure in zip(labels[4:], row["figures"], strict=True):
            provenance = (
                f'<small class="provenance" title="{source} {escape(figure["source"])}">'
                f"{escape(figure['day'])}</small>"
                if figure["day"]
                else ""
            )
            cells.append(f'<td class="num" data-label="{label}">{figure["text"]}{provenance}</td>')
        cells.append("</tr>")
        html.append("".join(cells))
    return mark_safe("\n".join(html))  # every value is escaped above
