from decimal import Decimal

import pytest

from companies.spreadsheets import spreadsheet_safe, spreadsheet_unquote


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+7 017 000", "'+7 017 000"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Huaxin Telecom", "Huaxin Telecom"),
        ("", ""),
        (Decimal("-5"), Decimal("-5")),
        (None, None),
    ],
)
def test_formula_like_text_is_neutralised_and_other_values_pass(value, safe):
    assert spreadsheet_safe(value) == safe


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "'=1+1",
        "''=1+1",
        "-5",
        "'-5",
        "'",
        "''",
        "'quoted",
        "it's",
        "@SUM(A1)",
        "\t=1",
        "plain",
        "",
    ],
)
def test_unquoting_restores_every_exported_value_exactly(value):
    assert spreadsheet_unquote(spreadsheet_safe(value)) == value


def test_a_value_does_not_grow_a_quote_over_repeated_round_trips():
    value = "=HYPERLINK(1)"
    for _ in range(3):
        value = spreadsheet_unquote(spreadsheet_safe(value))
    assert value == "=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("typed", "imported"),
    [
        ("'=1+1", "=1+1"),  # the quote a spreadsheet shows before a formula-like text
        ("'hello", "'hello"),  # a quote before ordinary text is the text's own
        ("'", "'"),
    ],
)
def test_unquoting_drops_only_a_quote_that_neutralises_a_formula(typed, imported):
    assert spreadsheet_unquote(typed) == imported
