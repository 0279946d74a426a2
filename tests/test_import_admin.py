"""Importing and exporting spreadsheets in the admin, as an editor does it."""

import tempfile
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from companies import selectors
from companies.models import Company, ImportRecord, Report
from tests.factories import CompanyFactory, ReportFactory, SectorFactory, UserFactory
from tests.sheets import (
    COMPANY_COLUMNS,
    REPORT_COLUMNS,
    company_row,
    csv_bytes,
    register_dump,
    report_row,
    xlsx_bytes,
    xlsx_cells,
)

pytestmark = pytest.mark.django_db

FORMATS = {"csv": "0", "xlsx": "1"}


def preview(client, model, name, content):
    """Upload a file to the import page: the dry run that shows what would happen."""
    return client.post(
        reverse(f"admin:companies_{model}_import"),
        {
            "format": FORMATS[name.rsplit(".", 1)[-1]],
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def confirm(client, model, previewed):
    """Confirm a preview, posting the confirmation form as the page renders it."""
    form = previewed.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:companies_{model}_process_import"), data)


def problems(response) -> list[str]:
    return [str(problem) for problem in response.context["result"].problems]


@pytest.fixture
def two_companies_to_correct(db):
    """One sector and two companies: one the sheet leaves as it is, one it corrects."""
    sector = SectorFactory(slug="electronics")
    CompanyFactory(
        slug="huaxin-telecom",
        name="Huaxin Telecom",
        legal_name="Huaxin Telecom LLC",
        country="CN",
        sector=sector,
        resident_since=date(2016, 3, 1),
        description_en="Telecom.",
        website="https://huaxin.example",
    )
    CompanyFactory(
        slug="neman-logistics",
        name="Neman Logistics",
        legal_name="Neman LLC",
        country="BY",
        sector=sector,
        resident_since=date(2018, 1, 1),
        description_en="Trucks.",
    )
    return sector


def good_companies_sheet() -> list[dict]:
    return [
        company_row(),  # new
        company_row(
            slug="huaxin-telecom",
            name="Huaxin Telecom",
            legal_name="Huaxin Telecom LLC",
            country="CN",
            resident_since="2016-03-01",
            description_en="Telecom.",
            description_ru="",
            website="https://huaxin.example",
        ),  # unchanged
        company_row(
            slug="neman-logistics",
            name="Neman Logistics",
            legal_name="Neman Logistics JSC",
            country="BY",
            resident_since="2018-01-01",
            description_en="Trucks.",
            description_ru="",
            website="",
        ),  # updated: legal name
    ]


@pytest.mark.parametrize(
    ("name", "build"), [("companies.csv", csv_bytes), ("companies.xlsx", xlsx_bytes)]
)
def test_good_companies_file_is_previewed_then_imported(
    two_companies_to_correct, editor_client, editor, name, build
):
    content = build(good_companies_sheet())
    before = register_dump()

    previewed = preview(editor_client, "company", name, content)

    assert previewed.status_code == 200
    result = previewed.context["result"]
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert [(row.line, row.import_type) for row in result.valid_rows()] == [
        (2, "new"),
        (3, "skip"),
        (4, "update"),
    ]
    assert "1 to create, 1 to update, 1 unchanged, 0 refused." in previewed.content.decode()
    assert register_dump() == before  # the preview wrote nothing

    done = confirm(editor_client, "company", previewed)

    assert done.status_code == 302
    assert Company.objects.count() == 3
    created = Company.objects.get(slug="svisloch-photonics")
    assert (created.country.code, created.sector, created.description_ru) == (
        "BY",
        two_companies_to_correct,
        "Лазеры.",
    )
    assert created.description_zh_hans is None  # untranslated: falls back to English
    assert Company.objects.get(slug="neman-logistics").legal_name == "Neman Logistics JSC"
    # The unchanged company was not written: no new version, no history entry.
    huaxin = Company.objects.get(slug="huaxin-telecom")
    assert (huaxin.version, huaxin.history.count()) == (1, 1)
    for company in (created, Company.objects.get(slug="neman-logistics")):
        entry = company.history.first()
        assert (entry.history_user, entry.history_change_reason) == (editor, f"import of {name}")
    messages = [str(m) for m in done.wsgi_request._messages]
    assert messages == ["Import finished: 1 created, 1 updated, 1 unchanged."]
    assert LogEntry.objects.filter(user=editor).count() == 2


@pytest.mark.parametrize(
    ("name", "build"), [("reports.csv", csv_bytes), ("reports.xlsx", xlsx_bytes)]
)
def test_good_reports_file_updates_the_figures_and_the_revision(
    two_companies_to_correct, editor_client, editor, name, build
):
    neman = Company.objects.get(slug="neman-logistics")
    ReportFactory(
        company=neman,
        reported_on=date(2019, 12, 31),
        declared_investment=Decimal("1000000.00"),
        realised_investment=Decimal("100000.00"),
        direct_jobs=10,
        source="Annual report 2019",
    )
    ReportFactory(
        company=neman,
        reported_on=date(2020, 12, 31),
        declared_investment=Decimal("1000000.00"),
        realised_investment=Decimal("200000.00"),
        direct_jobs=12,
        source="Annual report 2020",
    )
    sheet = [
        report_row(
            company="neman-logistics",
            reported_on="2019-12-31",
            declared_investment="1000000.00",
            realised_investment="100000.00",
            direct_jobs="10",
            source="Annual report 2019",
        ),  # unchanged
        report_row(
            company="neman-logistics",
            reported_on="2020-12-31",
            declared_investment="1000000.00",
            realised_investment="250000.50",
            direct_jobs="15",
            source="Annual report 2020",
        ),  # updated
        report_row(
            company="huaxin-telecom",
            reported_on="2021-06-30",
            declared_investment="40000000.00",
            realised_investment="",
            direct_jobs="120",
            source="Statistics office",
        ),  # new
    ]
    revision = selectors.register_revision().number

    previewed = preview(editor_client, "report", name, build(sheet))
    result = previewed.context["result"]
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert selectors.register_revision().number == revision
    assert confirm(editor_client, "report", previewed).status_code == 302

    neman.refresh_from_db()
    assert (neman.realised_investment, neman.direct_jobs) == (Decimal("250000.50"), 15)
    huaxin = Company.objects.get(slug="huaxin-telecom")
    assert (huaxin.declared_investment, huaxin.realised_investment, huaxin.direct_jobs) == (
        Decimal("40000000.00"),
        None,
        120,
    )
    assert selectors.register_revision().number > revision
    updated = Report.objects.get(company=neman, reported_on=date(2020, 12, 31))
    entry = updated.history.first()
    assert (
        entry.history_user,
        entry.prev_record.realised_investment,
        entry.realised_investment,
    ) == (
        editor,
        Decimal("200000.00"),
        Decimal("250000.50"),
    )


def test_import_page_lists_the_columns_and_formats(editor_client):
    response = editor_client.get(reverse("admin:companies_company_import"))
    assert response.status_code == 200
    page = response.content.decode()
    assert ", ".join(COMPANY_COLUMNS) in page
    assert [label for _, label in response.context["form"].fields["format"].choices] == [
        "---",
        "csv",
        "xlsx",
    ]


# --- Refused files: every bad row, and nothing written ----------------------------------

BAD_COMPANY_VALUES = [
    ({"country": "ZZ"}, "country", "Value 'ZZ' is not a valid choice."),
    ({"sector": "mining"}, "sector", "There is no sector with the slug “mining”."),
    (
        {"resident_since": "2021-02-30"},
        "resident_since",
        "Enter a real date as YYYY-MM-DD, not “2021-02-30”.",
    ),
    (
        {"resident_since": "01.04.2019"},
        "resident_since",
        "Enter a real date as YYYY-MM-DD, not “01.04.2019”.",
    ),
    ({"resident_since": "2999-01-01"}, "resident_since", "The date cannot be in the future."),
    (
        {"status": "exited", "exited_on": "2018-01-01", "exit_reason": "Moved."},
        "",
        "The exit date cannot be before the residence date.",
    ),
    (
        {"status": "exited", "exited_on": "2020-01-01"},
        "exit_reason",
        "Record why the company exited.",
    ),
    ({"status": "member"}, "status", "Value 'member' is not a valid choice."),
    ({"is_published": "maybe"}, "is_published", "Enter 1 for yes or 0 for no, not “maybe”."),
    ({"name": ""}, "name", "This field cannot be blank."),
    ({"website": "not a url"}, "website", "Enter a valid URL."),
]


@pytest.mark.parametrize(("values", "column", "reason"), BAD_COMPANY_VALUES)
@pytest.mark.parametrize("position", ["start", "middle", "end"])
def test_one_bad_company_row_refuses_the_whole_file(
    two_companies_to_correct, editor_client, values, column, reason, position
):
    rows = [company_row(slug=f"new-{i}", name=f"New {i}") for i in range(5)]
    index = {"start": 0, "middle": 2, "end": 4}[position]
    rows[index].update(values)
    before = register_dump()

    response = preview(editor_client, "company", "companies.csv", csv_bytes(rows))

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    where = f"line {index + 2}, {column}" if column else f"line {index + 2}"
    assert problems(response) == [f"{where}: {reason}"]
    assert "The file was refused; nothing was imported" in response.content.decode()
    assert register_dump() == before


BAD_REPORT_VALUES = [
    (
        {"declared_investment": "-5"},
        "declared_investment",
        "Ensure this value is greater than or equal to 0.",
    ),
    ({"direct_jobs": "-1"}, "direct_jobs", "Ensure this value is greater than or equal to 0."),
    ({"direct_jobs": "10.5"}, "direct_jobs", "Enter a whole number, not “10.5”."),
    (
        {"realised_investment": "1,000.00"},
        "realised_investment",
        "Enter a number such as 1234567.89 (a dot for decimals, no spaces or thousands "
        "separators), not “1,000.00”.",
    ),
    (
        {"realised_investment": "10.005"},
        "realised_investment",
        "Ensure that there are no more than 2 decimal places.",
    ),
    ({"company": "nobody"}, "company", "There is no company with the slug “nobody”."),
    (
        {"reported_on": "31/12/2020"},
        "reported_on",
        "Enter a real date as YYYY-MM-DD, not “31/12/2020”.",
    ),
    (
        {"declared_investment": "", "realised_investment": "", "direct_jobs": ""},
        "",
        "A report needs at least one figure.",
    ),
    ({"source": ""}, "source", "This field cannot be blank."),
]


@pytest.mark.parametrize(("values", "column", "reason"), BAD_REPORT_VALUES)
def test_one_bad_report_row_refuses_the_whole_file(
    two_companies_to_correct, editor_client, values, column, reason
):
    rows = [report_row(company="huaxin-telecom", reported_on=f"201{i}-12-31") for i in range(4)]
    rows[1].update(values)
    before = register_dump()

    response = preview(editor_client, "report", "reports.csv", csv_bytes(rows))

    where = f"line 3, {column}" if column else "line 3"
    assert problems(response) == [f"{where}: {reason}"]
    assert register_dump() == before


def test_every_bad_row_is_listed_with_its_line(two_companies_to_correct, editor_client):
    rows = [
        company_row(slug="a", name="A", country="ZZ"),
        company_row(slug="b", name="B"),
        company_row(slug="c", name="C", sector="mining", resident_since="yesterday"),
        company_row(slug="a", name="A again"),
    ]
    response = preview(editor_client, "company", "companies.csv", csv_bytes(rows))
    assert problems(response) == [
        "line 2, country: Value 'ZZ' is not a valid choice.",
        "line 4, resident_since: Enter a real date as YYYY-MM-DD, not “yesterday”.",
        "line 4, sector: There is no sector with the slug “mining”.",
        "line 5, slug: Line 2 has the same slug; each record may appear only once in a file.",
    ]
    assert response.context["result"].refused_lines == 3
    page = response.content.decode()
    assert "Correct these 3 lines and upload the file again." in page


def test_a_report_twice_in_one_file_is_refused(two_companies_to_correct, editor_client):
    rows = [
        report_row(company="huaxin-telecom", reported_on="2020-12-31"),
        report_row(company="neman-logistics", reported_on="2020-12-31"),
        report_row(company="huaxin-telecom", reported_on="2020-12-31", direct_jobs="99"),
    ]
    before = register_dump()
    response = preview(editor_client, "report", "reports.csv", csv_bytes(rows))
    assert problems(response) == [
        "line 4, reported_on: Line 2 has the same company and date; each record may appear "
        "only once in a file."
    ]
    assert register_dump() == before


def test_wrong_and_missing_columns_refuse_the_file(two_companies_to_correct, editor_client):
    columns = [c for c in COMPANY_COLUMNS if c != "country"] + ["contry"]
    rows = [company_row(contry="BY")]
    response = preview(editor_client, "company", "companies.csv", csv_bytes(rows, columns=columns))
    assert problems(response) == [
        "line 1, contry: Unknown column; the columns are: " + ", ".join(COMPANY_COLUMNS) + ".",
        "line 1, country: This column is missing.",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "companies.csv",
            csv_bytes([company_row(name="Свислочь")], encoding="cp1251"),
            "The file is not UTF-8 text (byte 0xD1 at position",
        ),
        (
            "companies.xlsx",
            b"PK\x03\x04 not really a workbook",
            "The file is not a readable XLSX workbook",
        ),
        ("companies.csv", b"", "The submitted file is empty."),
        ("companies.csv", b'slug,name\n"unclosed,quote\n', "The file is not valid CSV"),
        (
            "companies.csv",
            csv_bytes([company_row()]) + b"a,b\n",
            "line 3: The line has 2 cells; the header has 14.",
        ),
    ],
)
def test_a_broken_file_is_refused_with_the_reason(
    two_companies_to_correct, editor_client, name, content, message
):
    before = register_dump()
    response = preview(editor_client, "company", name, content)
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert any(message in error for error in errors), errors
    assert register_dump() == before


def test_a_sheet_without_rows_is_refused(two_companies_to_correct, editor_client):
    content = ",".join(COMPANY_COLUMNS).encode()
    response = preview(editor_client, "company", "companies.csv", content)
    assert "confirm_form" not in response.context
    assert Company.objects.count() == 2


def test_confirming_after_the_register_changed_imports_nothing(
    two_companies_to_correct, editor_client
):
    previewed = preview(editor_client, "company", "companies.csv", csv_bytes([company_row()]))
    # Another editor saves something between the preview and the confirmation.
    Company.objects.get(slug="huaxin-telecom").save()
    before = register_dump()

    response = confirm(editor_client, "company", previewed)

    assert response.status_code == 302
    assert response.url == reverse("admin:companies_company_import")
    assert register_dump() == before
    message = str(next(iter(response.wsgi_request._messages)))
    assert message.startswith("Nothing was imported. file: The register changed since the preview")


def test_a_file_longer_than_one_request_can_import_is_refused_saying_what_to_do(
    two_companies_to_correct, editor_client, settings
):
    settings.IMPORT_MAX_ROWS = 2
    before = register_dump()
    rows = [company_row(slug=f"c{n}", name=f"Company {n}") for n in range(3)]
    response = preview(editor_client, "company", "companies.csv", csv_bytes(rows))
    assert response.context["form"].errors["import_file"] == [
        "file: The file has more than 2 rows; the admin imports up to 2 rows at a time. Split it, "
        "or import it with manage.py import_register."
    ]
    assert register_dump() == before


def test_a_file_larger_than_the_admin_takes_is_refused_before_it_is_read(
    two_companies_to_correct, editor_client, settings
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    content = csv_bytes([company_row(description_en="x" * 1_100_000)])
    response = preview(editor_client, "company", "companies.csv", content)
    assert response.context["form"].errors["import_file"] == [
        "file: The file is 1.0 MB; the admin imports files of up to 1 MB. Split it, or "
        "import it with manage.py import_register."
    ]


def test_the_confirmation_needs_no_file_left_on_the_server_that_previewed(
    two_companies_to_correct, editor_client, tmp_path, monkeypatch
):
    previewed = preview(editor_client, "company", "companies.csv", csv_bytes([company_row()]))
    # Another replica (or worker) confirms: its temporary folder is not the same.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = confirm(editor_client, "company", previewed)
    assert response.status_code == 302
    assert Company.objects.filter(slug="svisloch-photonics").exists()


def test_only_editors_who_may_add_and_change_can_import(client, two_companies_to_correct):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_company"))
    client.force_login(viewer)
    assert client.get(reverse("admin:companies_company_import")).status_code == 403
    assert client.get(reverse("admin:companies_company_export")).status_code == 200


# --- Export, and re-import of an export ---------------------------------------------------


def export(client, model, fmt, query=""):
    url = reverse(f"admin:companies_{model}_export") + query
    return client.post(url, {"format": FORMATS[fmt], "resource": "0"})


@pytest.fixture
def tricky_register(two_companies_to_correct):
    """Companies whose text a spreadsheet would run as a formula, and reports."""
    huaxin = Company.objects.get(slug="huaxin-telecom")
    huaxin.legal_name = '=HYPERLINK("http://evil.example")'
    huaxin.description_ru = "-минус в начале"
    huaxin.description_zh_hans = "'=already quoted"
    huaxin.save()
    CompanyFactory(
        slug="-dash-slug",
        name="@Dash",
        sector=two_companies_to_correct,
        status="applicant",
        resident_since=None,
        website="",
        is_published=False,
    )
    CompanyFactory(
        name="Gone", sector=two_companies_to_correct, exited=True, exit_reason="+ moved to Minsk"
    )
    for company in Company.objects.all():
        ReportFactory(company=company, reported_on=date(2020, 12, 31), source="=1+1")
        ReportFactory(
            company=company,
            reported_on=date(2021, 6, 30),
            realised_investment=None,
            declared_investment=Decimal("12345678901.23"),
            direct_jobs=0,
        )
    return two_companies_to_correct


def test_export_writes_exactly_the_columns_the_import_reads(tricky_register, editor_client):
    response = export(editor_client, "company", "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == ",".join(COMPANY_COLUMNS)
    assert len(lines) == 1 + Company.objects.count()
    reports = export(editor_client, "report", "csv").content.decode("utf-8-sig").splitlines()
    assert reports[0] == ",".join(REPORT_COLUMNS)
    assert "huaxin-telecom,2021-06-30,12345678901.23,,0,Annual report,," in reports
    assert "huaxin-telecom,2020-12-31,1000000.00,250000.00,10,'=1+1,," in reports


def test_export_neutralises_formula_like_cells(tricky_register, editor_client):
    rows = xlsx_cells(export(editor_client, "company", "xlsx").content)
    header, data = rows[0], rows[1:]
    by_slug = {row[header.index("slug")]: dict(zip(header, row, strict=True)) for row in data}
    assert set(by_slug) == {"'-dash-slug", "gone", "huaxin-telecom", "neman-logistics"}
    huaxin = by_slug["huaxin-telecom"]
    assert huaxin["legal_name"] == '\'=HYPERLINK("http://evil.example")'
    assert huaxin["description_ru"] == "'-минус в начале"
    assert huaxin["description_zh_hans"] == "''=already quoted"
    assert huaxin["resident_since"].date() == date(2016, 3, 1)  # a real date cell
    assert huaxin["is_published"] is True
    assert by_slug["'-dash-slug"]["name"] == "'@Dash"
    assert by_slug["gone"]["exit_reason"] == "'+ moved to Minsk"
    for row in data:
        for cell in row:
            assert not (isinstance(cell, str) and cell[:1] in "=+-@\t\r"), row


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("model", ["company", "report"])
def test_reimporting_an_export_changes_nothing(tricky_register, editor_client, fmt, model):
    exported = export(editor_client, model, fmt).content
    before = register_dump()

    previewed = preview(editor_client, model, f"export.{fmt}", exported)

    result = previewed.context["result"]
    assert result.problems == []
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == (Company if model == "company" else Report).objects.count()
    confirm(editor_client, model, previewed)
    # Nothing written but the record that the editor imported the file.
    after = register_dump()
    (record,) = ImportRecord.objects.values_list("file_name", "created", "updated", "unchanged")
    assert record == (f"export.{fmt}", 0, 0, result.unchanged)
    after["companies.ImportRecord"] = before["companies.ImportRecord"]
    assert after == before


def test_an_exported_sheet_edited_and_reimported_updates_only_what_changed(
    tricky_register, editor_client
):
    exported = export(editor_client, "report", "csv").content.decode("utf-8-sig")
    edited = exported.replace(
        "neman-logistics,2021-06-30,12345678901.23,,0,",
        "neman-logistics,2021-06-30,12345678901.23,5000000.00,42,",
    )
    assert edited != exported
    previewed = preview(editor_client, "report", "edited.csv", edited.encode("utf-8-sig"))
    result = previewed.context["result"]
    assert (result.created, result.updated, result.unchanged) == (0, 1, Report.objects.count() - 1)
    confirm(editor_client, "report", previewed)
    neman = Company.objects.get(slug="neman-logistics")
    assert (neman.realised_investment, neman.direct_jobs) == (Decimal("5000000.00"), 42)


def test_export_follows_the_changelist_filters(tricky_register, editor_client):
    response = export(editor_client, "company", "csv", "?country=BY")
    lines = response.content.decode("utf-8-sig").splitlines()[1:]
    assert [line.split(",")[0] for line in lines] == ["neman-logistics"]
    response = export(editor_client, "company", "csv", "?is_published__exact=0")
    lines = response.content.decode("utf-8-sig").splitlines()[1:]
    assert [line.split(",")[0] for line in lines] == ["'-dash-slug"]


def test_export_query_count_does_not_grow_with_the_register(
    two_companies_to_correct, editor_client, django_assert_max_num_queries
):
    def queries_for_export(model):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert export(editor_client, model, "csv").status_code == 200
        return len(captured)

    small = (queries_for_export("company"), queries_for_export("report"))
    for i in range(30):
        ReportFactory(
            company=CompanyFactory(sector=two_companies_to_correct),
            reported_on=date(2020, 1, 1 + i % 28),
        )
    assert (queries_for_export("company"), queries_for_export("report")) == small
    with django_assert_max_num_queries(small[0]):
        export(editor_client, "company", "xlsx")


def test_the_lists_offer_import_and_an_export_of_what_they_show(editor_client):
    for model in ("company", "report"):
        url = reverse(f"admin:companies_{model}_changelist")
        page = editor_client.get(url, {"q": "huaxin"}).content.decode()
        assert reverse(f"admin:companies_{model}_import") in page
        assert reverse(f"admin:companies_{model}_export") + "?q=huaxin" in page
