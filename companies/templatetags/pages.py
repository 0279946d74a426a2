"""Template helpers of the public pages: localised numbers and money, language links,
and query strings that keep the current filters."""

from copy import copy
from decimal import Decimal

from babel import Locale
from babel.numbers import format_compact_currency, format_decimal
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info, to_locale

register = template.Library()

DASH = "—"
# Spaces that the languages' number formats use (between digit groups, before "$").
SPACES = str.maketrans({" ": "\u00a0", "\u202f": "\u00a0"})


def unbroken(text: str) -> SafeString:
    """A number as one unbreakable piece: no line break inside it, nor between it and its
    currency sign, in any language (non-breaking spaces, and a span that does not wrap)."""
    return format_html('<span class="nowrap">{}</span>', text.translate(SPACES))


def _locale() -> Locale:
    return Locale.parse(to_locale(get_language() or settings.LANGUAGE_CODE))


@register.filter
def number(value) -> str:
    """A count with the language's digit grouping: 1,080 / 1 080."""
    if value is None or value == "":
        return DASH
    return unbroken(format_decimal(value, locale=_locale()))


@register.filter
def usd(value) -> str:
    """US dollars in the language's currency format, cents only when there are any."""
    if value is None or value == "":
        return DASH
    value = Decimal(value)
    locale = _locale()
    pattern = copy(locale.currency_formats["standard"])
    if value == value.to_integral_value():
        pattern.frac_prec = (0, 0)
    return unbroken(pattern.apply(value, locale, currency="USD", currency_digits=False))


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


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    query = context["request"].GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
