from decimal import Decimal

import pytest

from companies.spreadsheets import spreadsheet_safe


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
