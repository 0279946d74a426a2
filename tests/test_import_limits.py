"""Imports that would exhaust memory are refused early, in the admin and in
`import_register` alike: rows are counted while the file streams and reading stops at
the cap, an XLSX file's inflated size is bounded before it is parsed, a sheet that
claims a million rows costs what its real rows cost, and no message echoes a huge cell."""

import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from companies.models import Company
from tests.factories import SectorFactory
from tests.sheets import COMPANY_COLUMNS, company_row, register_dump, xlsx_bytes
from tests.test_import_admin import preview


@pytest.fixture
def electronics(db):
    return SectorFactory(slug="electronics")


def two_companies() -> list[dict]:
    return [company_row(slug=f"c{n}", name=f"Company {n}") for n in range(2)]


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one more part in its archive (compressed as zip does)."""
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def with_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with its first sheet's declared dimension replaced by `ref`."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
                assert ref.encode() in data
            archive.writestr(info, data)
    return out.getvalue()


def many_rows(count: int) -> bytes:
    """A companies workbook of `count` data rows (with its dimension at the top of the
    sheet, as spreadsheet programs write it: without one, openpyxl scans the whole
    sheet when it opens it)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COMPANY_COLUMNS)
    row = company_row()
    for number in range(count):
        cells = {**row, "is_published": number % 2}
        sheet.append([cells.get(column, "") for column in COMPANY_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def command(tmp_path, content: bytes, *args) -> None:
    path = tmp_path / "companies.xlsx"
    path.write_bytes(content)
    call_command("import_register", str(path), *args, verbosity=0)


def peak_megabytes(run) -> float:
    tracemalloc.start()
    try:
        run()
    except CommandError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 1024 / 1024


def test_a_zip_bomb_is_refused_before_it_is_parsed_by_the_command(electronics, tmp_path, settings):
    settings.IMPORT_MAX_INFLATED_MB = 5
    bomb = with_part(xlsx_bytes(two_companies()), "xl/media/padding.bin", bytes(20 * 2**20))
    assert len(bomb) < 2**20  # 20 MB of zeros compress to a few kilobytes
    before = register_dump()
    with pytest.raises(CommandError):
        command(tmp_path, bomb)
    assert register_dump() == before


def test_a_zip_bomb_is_refused_by_the_admin_naming_the_limit(electronics, editor_client, settings):
    settings.IMPORT_MAX_INFLATED_MB = 5
    bomb = with_part(xlsx_bytes(two_companies()), "xl/media/padding.bin", bytes(20 * 2**20))
    response = preview(editor_client, "company", "companies.xlsx", bomb)
    (error,) = response.context["form"].errors["import_file"]
    assert error.startswith("file: The workbook unpacks to 20.0 MB; at most 5 MB are read.")


def test_a_sheet_claiming_a_million_rows_costs_only_its_real_rows(electronics, tmp_path):
    claimed = with_dimension(xlsx_bytes(two_companies()), "A1:N1048576")
    peak = peak_megabytes(lambda: command(tmp_path, claimed))
    assert Company.objects.filter(slug__in=["c0", "c1"]).count() == 2
    # Padding to the claimed last row would hold a million rows of cells.
    assert peak < 30, peak


def test_the_admin_reads_a_sheet_claiming_a_million_rows_as_its_two(electronics, editor_client):
    claimed = with_dimension(xlsx_bytes(two_companies()), "A1:N1048576")
    response = preview(editor_client, "company", "companies.xlsx", claimed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Company 0" in html and "Company 1" in html
    assert Company.objects.filter(slug__in=["c0", "c1"]).count() == 0  # a preview writes nothing


def test_the_command_stops_reading_at_its_row_cap(electronics, tmp_path, capsys):
    content = many_rows(10_000)
    before = register_dump()
    # Reading all 10,000 rows before counting them would hold them all at once.
    assert peak_megabytes(lambda: command(tmp_path, content, "--max-rows", "100")) < 5
    assert "more than 100 lines after its header" in capsys.readouterr().err
    assert register_dump() == before


def test_the_command_has_a_cap_by_default(electronics, tmp_path, settings, capsys):
    settings.IMPORT_COMMAND_MAX_ROWS = 1
    with pytest.raises(CommandError):
        command(tmp_path, xlsx_bytes(two_companies()))
    assert "more than 1 line after its header" in capsys.readouterr().err


def test_the_admin_stops_reading_at_its_row_cap(electronics, editor_client, settings):
    settings.IMPORT_MAX_ROWS = 100
    response = preview(editor_client, "company", "companies.xlsx", many_rows(5_000))
    (error,) = response.context["form"].errors["import_file"]
    assert error.startswith("file: The file has more than 100 rows;")


HUGE = "9" * 200_000


def test_no_message_echoes_a_huge_cell(electronics, editor_client, tmp_path, capsys):
    rows = [company_row(resident_since=HUGE, name="N" * 100_000)]
    content = xlsx_bytes(rows, native=False)
    with pytest.raises(CommandError):
        command(tmp_path, content)
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(len(line) < 1_000 for line in lines)
    response = preview(editor_client, "company", "companies.xlsx", content)
    assert response.status_code == 200
    assert len(response.content) < 200_000
