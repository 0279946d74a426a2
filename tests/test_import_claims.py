"""Importing published claims: the shipped file, bad rows, the admin's preview."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from companies import demo
from companies.models import Claim
from companies.resources import ClaimResource
from tests.factories import ClaimFactory
from tests.sheets import csv_bytes

pytestmark = pytest.mark.django_db

COLUMNS = [
    "claimed_on", "date_is_approximate", "companies", "companies_qualifier", "countries",
    "countries_qualifier", "declared_investment_usd", "declared_investment_qualifier",
    "direct_jobs", "direct_jobs_qualifier", "reference", "speaker", "source",
]  # fmt: skip


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def claim_row(**values) -> dict:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        claimed_on="2021-06-30", date_is_approximate="no", companies="71",
        companies_qualifier="exactly", reference="no", speaker="BelTA",
        source="https://belta.example/1",
    )  # fmt: skip
    row.update(values)
    return row


def shipped_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO(demo.CLAIMS_FILE.read_text(encoding="utf-8"))))


def test_the_shipped_file_has_the_columns_the_import_reads():
    with demo.CLAIMS_FILE.open(encoding="utf-8") as sheet:
        header = next(csv.reader(sheet))
    required = [c for c in ClaimResource.columns() if c not in ClaimResource.optional_columns]
    assert header == required == COLUMNS


def test_the_shipped_claims_import_with_every_figure_and_qualifier(tmp_path, capsys):
    call_command("import_register", str(demo.CLAIMS_FILE), verbosity=0)

    rows = shipped_rows()
    assert "created: 35" in capsys.readouterr().out
    assert Claim.objects.count() == len(rows) == 35
    assert Claim.objects.filter(is_reference=True).count() == sum(
        r["reference"] == "yes" for r in rows
    )
    snapshot = Claim.objects.get(claimed_on=date(2021, 6, 30))
    assert (snapshot.companies, snapshot.countries) == (71, 13)
    assert snapshot.declared_investment == Decimal("1200000000")
    assert snapshot.declared_investment_qualifier == Claim.Qualifier.MORE_THAN
    assert (snapshot.direct_jobs, snapshot.direct_jobs_qualifier) == (1000, "more_than")
    assert snapshot.date_is_approximate and snapshot.is_reference
    assert snapshot.source == ""
    end_of_2025 = Claim.objects.get(claimed_on=date(2025, 12, 31))
    assert end_of_2025.speaker == "park administration (news.by)"
    assert end_of_2025.direct_jobs is None
    assert end_of_2025.declared_investment_qualifier == Claim.Qualifier.ABOUT


def test_importing_the_same_file_again_changes_nothing(capsys):
    call_command("import_register", str(demo.CLAIMS_FILE), verbosity=0)
    before = list(Claim.objects.order_by("pk").values())
    capsys.readouterr()

    call_command("import_register", str(demo.CLAIMS_FILE), verbosity=0)

    assert "unchanged: 35" in capsys.readouterr().out
    assert list(Claim.objects.order_by("pk").values()) == before


def test_bad_claim_rows_are_all_reported_with_their_lines_and_nothing_is_written(tmp_path, capsys):
    ClaimFactory(claimed_on=date(2019, 1, 1), speaker="Kept", companies=5)
    sheet = tmp_path / "claims.csv"
    sheet.write_bytes(
        csv_bytes(
            [
                claim_row(),  # line 2: good
                claim_row(claimed_on="2021-07-01", companies_qualifier="roughly"),  # 3
                claim_row(claimed_on="2021-07-02", companies="-4"),  # 4
                claim_row(claimed_on="2021-07-03", countries="13"),  # 5: no qualifier
                claim_row(claimed_on="2021-07-04", companies="", companies_qualifier=""),  # 6
                claim_row(),  # 7: line 2 again
                claim_row(claimed_on="30.06.2021"),  # 8
                claim_row(claimed_on="2021-07-05", speaker=""),  # 9
            ],
            columns=COLUMNS,
        )
    )

    with pytest.raises(CommandError, match="refused; nothing was imported"):
        call_command("import_register", str(sheet), verbosity=0)

    errors = capsys.readouterr().err
    assert "line 3, companies_qualifier: Enter one of exactly, more_than" in errors
    assert "line 4, companies:" in errors
    assert "line 5, countries_qualifier: State how the figure is qualified" in errors
    assert "line 6: A claim needs at least one stated figure." in errors
    assert "line 7, speaker: Line 2 has the same date and speaker" in errors
    assert "line 8, claimed_on: Enter a real date as YYYY-MM-DD" in errors
    assert errors.count("line 9, speaker: This field cannot be blank.") == 1
    assert "line 2" not in errors.replace("Line 2 has", "")
    assert list(Claim.objects.values_list("speaker", flat=True)) == ["Kept"]


def test_a_claims_sheet_may_carry_translations_and_the_quote(tmp_path):
    columns = [*COLUMNS, "statement_en", "speaker_ru", "source_zh_hans"]
    sheet = tmp_path / "claims.csv"
    sheet.write_bytes(
        csv_bytes(
            [claim_row(statement_en="71 companies.", speaker_ru="БелТА", source_zh_hans="白通社")],
            columns=columns,
        )
    )

    call_command("import_register", str(sheet), verbosity=0)

    claim = Claim.objects.get()
    assert (claim.statement_en, claim.speaker_ru, claim.source_zh_hans) == (
        "71 companies.", "БелТА", "白通社"
    )  # fmt: skip


def test_an_unknown_column_refuses_a_claims_sheet(tmp_path, capsys):
    sheet = tmp_path / "claims.csv"
    sheet.write_bytes(csv_bytes([{**claim_row(), "mood": "bold"}], columns=[*COLUMNS, "mood"]))

    with pytest.raises(CommandError):
        call_command("import_register", str(sheet), "--model", "claims", verbosity=0)

    assert "line 1, mood: Unknown column" in capsys.readouterr().err
    assert not Claim.objects.exists()


def test_editors_preview_and_confirm_a_claims_import_in_the_admin(editor_client):
    content = demo.CLAIMS_FILE.read_bytes()

    previewed = editor_client.post(
        reverse("admin:companies_claim_import"),
        {"format": "0", "import_file": SimpleUploadedFile("published-claims.csv", content)},
    )

    assert previewed.status_code == 200
    assert previewed.context["result"].created == 35
    assert not Claim.objects.exists()
    form = previewed.context["confirm_form"]
    confirmed = editor_client.post(
        reverse("admin:companies_claim_process_import"),
        {name: form[name].value() for name in form.fields},
    )
    assert confirmed.status_code == 302
    assert Claim.objects.count() == 35
