"""Files as spreadsheet programs save them: separators, blank lines, formulas, BOMs."""

import io

import openpyxl
import pytest

from companies.models import Company
from tests.factories import SectorFactory
from tests.sheets import COMPANY_COLUMNS, company_row, csv_bytes, register_dump
from tests.test_import_admin import preview, problems

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sector(db):
    return SectorFactory(slug="electronics")


def test_semicolon_separated_utf8_csv_with_a_bom_is_read(editor_client):
    # What Excel writes as "CSV UTF-8" where the list separator is ';' (Belarus, Russia).
    content = csv_bytes([company_row(legal_name="ООО «Свислочь»; филиал")], delimiter=";")
    response = preview(editor_client, "company", "companies.csv", b"\xef\xbb\xbf" + content)
    assert response.context["result"].created == 1


def test_lines_are_counted_in_the_file_across_blank_lines_and_multiline_cells(editor_client):
    text = csv_bytes(
        [company_row(slug="a", name="A", description_en="Two\nlines")], columns=COMPANY_COLUMNS
    ).decode()
    bad = csv_bytes([company_row(slug="b", name="B", country="ZZ")], columns=COMPANY_COLUMNS)
    content = text.encode() + b"\r\n,,,,,,,,,,,,,\r\n" + bad.decode().split("\r\n", 1)[1].encode()
    response = preview(editor_client, "company", "companies.csv", content)
    # Header on line 1, company A on lines 2-3, an empty line 4, a line of empty cells 5,
    # company B on line 6.
    assert problems(response) == ["line 6, country: Value 'ZZ' is not a valid choice."]


def xlsx_with(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_formula_cells_are_refused_with_their_line_and_column(editor_client):
    row = company_row()
    row["name"] = '=CONCAT("Svisloch", " Photonics")'
    content = xlsx_with([COMPANY_COLUMNS, [row.get(c, "") for c in COMPANY_COLUMNS]])
    before = register_dump()
    response = preview(editor_client, "company", "companies.xlsx", content)
    assert response.context["form"].errors["import_file"] == [
        "line 2, name: The cell holds a formula; paste its value instead."
    ]
    assert register_dump() == before


def test_empty_columns_and_rows_around_the_data_are_ignored(editor_client):
    row = company_row()
    content = xlsx_with(
        [
            [],
            [*COMPANY_COLUMNS, None, None],
            [*(row.get(c, "") for c in COMPANY_COLUMNS), None, ""],
            [None] * 16,
        ]
    )
    response = preview(editor_client, "company", "companies.xlsx", content)
    result = response.context["result"]
    assert (result.created, [r.line for r in result.valid_rows()]) == (1, [3])


def test_a_cell_outside_the_named_columns_is_refused(editor_client):
    row = company_row()
    content = xlsx_with(
        [COMPANY_COLUMNS, [*(row.get(c, "") for c in COMPANY_COLUMNS), "stray note"]]
    )
    response = preview(editor_client, "company", "companies.xlsx", content)
    assert response.context["form"].errors["import_file"] == [
        f"line 2: The line has {len(COMPANY_COLUMNS) + 1} cells; "
        f"the header has {len(COMPANY_COLUMNS)}."
    ]
    assert not Company.objects.exists()


def test_xlsx_saved_with_a_csv_name_is_still_read_as_a_workbook(editor_client):
    row = company_row()
    content = xlsx_with([COMPANY_COLUMNS, [row.get(c, "") for c in COMPANY_COLUMNS]])
    response = preview(editor_client, "company", "companies.csv", content)
    assert response.context["result"].created == 1
