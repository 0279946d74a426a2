"""Counts and dollars on the pages are written exactly as Babel writes them in each
language (the filters apply Babel's symbols without its per-figure pattern parsing)."""

from copy import copy
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_decimal
from django.utils import translation
from django.utils.translation import to_locale

from companies.templatetags.pages import number, unbroken, usd

AMOUNTS = ["0", "0.5", "1", "7.05", "999", "1000", "1234.5", "65000", "1000000",
           "12345678.90", "1200000000", "99999999999999.99"]  # fmt: skip
COUNTS = [0, 1, 7, 999, 1000, 12345, 1080, 1000000]


def babel_usd(value: Decimal, locale: Locale) -> str:
    pattern = copy(locale.currency_formats["standard"])
    if value == value.to_integral_value():
        pattern.frac_prec = (0, 0)
    return pattern.apply(value, locale, currency="USD", currency_digits=False)


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_dollars_and_counts_are_written_as_babel_writes_them(language):
    locale = Locale.parse(to_locale(language))
    with translation.override(language):
        for amount in AMOUNTS:
            assert usd(Decimal(amount)) == unbroken(babel_usd(Decimal(amount), locale)), amount
        for count in COUNTS:
            assert number(count) == unbroken(format_decimal(count, locale=locale)), count
    assert usd(None) == number(None) == "—"


def test_russian_groups_digits_with_a_non_breaking_space():
    with translation.override("ru"):
        assert usd(Decimal("12000000")) == '<span class="nowrap">12\xa0000\xa0000\xa0$</span>'
        assert number(1080) == '<span class="nowrap">1\xa0080</span>'
