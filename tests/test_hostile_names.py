"""Names compared as people read them, and values never silently coerced, on every way
in: the API (create and update), the admin's add form, `manage.py import_register` and
the admin's import.

A name is stored normalised (NFC, surrounding and repeated spaces removed); a name that
reads as an existing one (differing in case, spaces, composition or character width) is
refused as a duplicate; control, zero-width and bidi characters are refused naming the
character. `1_000`, `1e5`, full-width digits and "7" are not numbers; dates before the
park (or before any figures) are refused with the bound in the message. A refusal
writes nothing."""

import io
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from companies.models import Claim, Company, Sector
from tests.factories import CompanyFactory, SectorFactory
from tests.sheets import company_row, csv_bytes, register_dump, report_row, xlsx_bytes
from tests.test_import_claims import claim_row

LIST = "/api/v1/companies/"
ADD = reverse("admin:companies_company_add")
DUPLICATE = "A company with this name already exists."
REFUSED = "Remove the character {}: control, invisible and direction-changing characters"

# A hostile name -> what becomes of it: ("stored", the stored name), ("duplicate",) of
# "Sozh Electronics" or "Café Sozh", or ("refused", the character named).
NAMES = {
    "trailing space": ("Sozh Electronics ", ("duplicate",)),
    "double inner space": ("Sozh  Electronics", ("duplicate",)),
    "other case": ("SOZH electronics", ("duplicate",)),
    "full-width look-alike": ("\uff33\uff4f\uff5a\uff48 Electronics", ("duplicate",)),
    "decomposed é (NFD)": ("Cafe\u0301 Sozh", ("duplicate",)),
    "unusual spaces": ("\u00a0Neman\u3000 Optics ", ("stored", "Neman Optics")),
    "decomposed é, new": ("Ne\u0301man Optics", ("stored", "N\u00e9man Optics")),
    "zero-width space": ("Sozh\u200bElectronics", ("refused", "U+200B ZERO WIDTH SPACE")),
    "right-to-left override": (
        "Sozh \u202eElectronics",
        ("refused", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ),
    "byte order mark": ("\ufeffNeman Optics", ("refused", "U+FEFF ZERO WIDTH NO-BREAK SPACE")),
    "control character": ("Sozh\x07Electronics", ("refused", "U+0007")),
    "line break": ("Sozh\nElectronics", ("refused", "U+000A")),
}


@pytest.fixture
def sector(db):
    return SectorFactory(slug="electronics")


@pytest.fixture
def existing(sector):
    """Two companies whose names the hostile ones imitate, and one each surface renames."""
    CompanyFactory(name="Sozh Electronics", slug="sozh", sector=sector)
    CompanyFactory(name="Caf\u00e9 Sozh", slug="cafe-sozh", sector=sector)
    return CompanyFactory(name="Neman Logistics", slug="neman", sector=sector)


# --- The surfaces: each writes a name and answers the messages given on `name` ----------


def api_create(client, name):
    body = {
        "name": name,
        "slug": "hostile",
        "country": "BY",
        "sector": "electronics",
        "status": "resident",
        "resident_since": "2020-02-03",
    }
    response = client["api"].post(LIST, body, format="json")
    assert response.status_code in (201, 400), response.content
    return response.json().get("name") if response.status_code == 400 else []


def api_update(client, name):
    response = client["api"].patch(f"{LIST}neman/", {"name": name}, format="json")
    assert response.status_code in (200, 400), response.content
    return response.json().get("name") if response.status_code == 400 else []


def admin_add(client, name):
    response = client["admin"].post(ADD, admin_form(name=name, slug="hostile"))
    if response.status_code == 302:
        return []
    assert response.status_code == 200
    return response.context["adminform"].form.errors.get("name", ["(no error on name)"])


def command_import(client, name, tmp_path):
    path = tmp_path / "companies.csv"
    path.write_bytes(csv_bytes([company_row(slug="hostile", name=name, sector="electronics")]))
    try:
        call_command("import_register", str(path), verbosity=0, stderr=client["stderr"])
    except CommandError:
        lines = client["stderr"].getvalue().splitlines()
        prefix = "companies.csv: line 2, name: "
        return [line.removeprefix(prefix) for line in lines if line.startswith(prefix)] or lines
    return []


def admin_import(client, name):
    content = csv_bytes([company_row(slug="hostile", name=name, sector="electronics")])
    response = client["admin"].post(
        reverse("admin:companies_company_import"),
        {"format": "0", "import_file": SimpleUploadedFile("companies.csv", content)},
    )
    assert response.status_code == 200
    result = response.context["result"]
    if not result.problems:
        # The preview wrote nothing; confirming it does.
        form = response.context["confirm_form"]
        data = {field: form[field].value() for field in form.fields}
        confirmed = client["admin"].post(reverse("admin:companies_company_process_import"), data)
        assert confirmed.status_code == 302
        return []
    return [p.message for p in result.problems if p.line == 2 and p.column == "name"] or [
        str(p) for p in result.problems
    ]


SURFACES = {
    "api create": lambda client, name, tmp_path: api_create(client, name),
    "api update": lambda client, name, tmp_path: api_update(client, name),
    "admin add form": lambda client, name, tmp_path: admin_add(client, name),
    "import_register": command_import,
    "admin import": lambda client, name, tmp_path: admin_import(client, name),
}


def admin_form(**values) -> dict:
    data = {
        "name": "Svisloch Photonics",
        "slug": "svisloch-photonics",
        "legal_name": "",
        "country": "BY",
        "sector": Sector.objects.get(slug="electronics").pk,
        "website": "",
        "status": "resident",
        "resident_since": "2019-04-01",
        "exited_on": "",
        "exit_reason": "",
        "description_en": "",
        "description_ru": "",
        "description_zh_hans": "",
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
        "reports-MIN_NUM_FORMS": "0",
        "reports-MAX_NUM_FORMS": "1000",
    }
    data.update(values)
    return data


@pytest.fixture
def clients(editor_client, editor_api):
    return {"api": editor_api, "admin": editor_client, "stderr": io.StringIO()}


def written_name(surface: str) -> str | None:
    """The name the surface's write left, if it wrote one."""
    if surface == "api update":
        return Company.objects.get(slug="neman").name
    company = Company.objects.filter(slug="hostile").first()
    return company and company.name


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("variant", NAMES)
def test_a_hostile_name_is_stored_normalised_or_refused_naming_the_field(
    existing, clients, tmp_path, surface, variant
):
    name, outcome = NAMES[variant]
    before = register_dump()

    messages = SURFACES[surface](clients, name, tmp_path)

    if outcome[0] == "stored":
        assert messages == []
        assert written_name(surface) == outcome[1]
        return
    expected = DUPLICATE if outcome[0] == "duplicate" else REFUSED.format(outcome[1])
    assert len(messages) == 1, messages
    assert messages[0].startswith(expected), messages
    assert register_dump() == before


# --- Numbers: nothing is silently coerced ----------------------------------------------

# A number cell or field as written -> the field it is given in. JSON text, so that 1e5
# is an exponent number and "7" a string.
NUMBERS = [
    ("direct_jobs", '"1_000"'),
    ("direct_jobs", "1e5"),
    ("direct_jobs", '"\uff11\uff12\uff13"'),
    ("direct_jobs", '"7"'),
    ("declared_investment", '"1_000"'),
    ("declared_investment", "1e5"),
    ("declared_investment", '"1e5"'),
    ("declared_investment", '"\uff11\uff12\uff13"'),
]


@pytest.mark.parametrize(("field", "text"), NUMBERS)
def test_a_number_in_another_notation_is_a_400_naming_the_field(editor_api, existing, field, text):
    before = register_dump()
    response = editor_api.post(
        f"{LIST}neman/reports/",
        f'{{"reported_on": "2021-12-31", "source": "AR", "{field}": {text}}}',
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert register_dump() == before


@pytest.mark.parametrize(
    "field",
    ["name", "slug", "legal_name", "exit_reason", "exit_reason_ru", "description_zh_hans",
     "website"],
)  # fmt: skip
@pytest.mark.parametrize("number", ["7", "7.5"])
def test_a_number_where_text_belongs_is_a_400_naming_the_field(
    editor_api, existing, field, number
):
    before = register_dump()
    response = editor_api.patch(
        f"{LIST}neman/", f'{{"{field}": {number}}}', content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert register_dump() == before


@pytest.mark.parametrize("field", ["source", "source_ru"])
def test_a_number_as_a_reports_source_is_a_400_naming_it(editor_api, existing, field):
    before = register_dump()
    body = {"reported_on": "2021-12-31", "direct_jobs": 5, "source": "AR", field: 7}
    response = editor_api.post(f"{LIST}neman/reports/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert register_dump() == before


@pytest.mark.parametrize("cell", ["1_000", "1e5", "\uff11\uff12\uff13", "1,000"])
@pytest.mark.parametrize("column", ["direct_jobs", "declared_investment"])
@pytest.mark.parametrize("name", ["reports.csv", "reports.xlsx"])
def test_a_number_cell_in_another_notation_refuses_its_row(existing, tmp_path, name, column, cell):
    # A text cell of a workbook, as a spreadsheet keeps what it cannot read as a number.
    build = csv_bytes if name.endswith(".csv") else partial(xlsx_bytes, native=False)
    path = tmp_path / name
    rows = [
        report_row(company="neman"),
        report_row(company="neman", reported_on="2021-12-31", **{column: cell}),
    ]
    path.write_bytes(build(rows))
    before, stderr = register_dump(), io.StringIO()

    with pytest.raises(CommandError, match="refused; nothing was imported"):
        call_command("import_register", str(path), verbosity=0, stderr=stderr)

    errors = [line for line in stderr.getvalue().splitlines() if ": line " in line]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path.name}: line 3, {column}: Enter a number such as")
    assert register_dump() == before


# --- Dates before the park -------------------------------------------------------------

RESIDENCE_BOUND = "The date cannot be before 2012-06-01, when the park was established."
REPORT_BOUND = "The date cannot be before 2010-01-01: the register has no figures so old."


@pytest.mark.parametrize("day", ["0001-01-01", "2011-12-31", "2012-05-31"])
def test_a_residence_before_the_park_is_refused_on_every_surface(
    existing, clients, editor_api, tmp_path, day
):
    before = register_dump()
    body = {"name": "Early", "slug": "early", "country": "BY", "sector": "electronics",
            "status": "resident", "resident_since": day}  # fmt: skip
    response = editor_api.post(LIST, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"resident_since": [RESIDENCE_BOUND]}

    response = clients["admin"].post(
        ADD, admin_form(name="Early", slug="early", resident_since=day)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"resident_since": [RESIDENCE_BOUND]}

    path = tmp_path / "companies.csv"
    path.write_bytes(csv_bytes([company_row(slug="early", name="Early", resident_since=day)]))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_register", str(path), verbosity=0, stderr=stderr)
    assert f"companies.csv: line 2, resident_since: {RESIDENCE_BOUND}" in stderr.getvalue()
    assert register_dump() == before


def test_the_first_day_of_the_park_is_a_residence(existing, editor_api):
    body = {"name": "Early", "slug": "early", "country": "BY", "sector": "electronics",
            "status": "resident", "resident_since": "2012-06-01"}  # fmt: skip
    assert editor_api.post(LIST, body, format="json").status_code == 201


@pytest.mark.parametrize("day", ["0001-01-01", "2009-12-31"])
def test_figures_or_claims_before_2010_are_refused_on_every_surface(
    existing, editor_api, tmp_path, day
):
    before = register_dump()
    body = {"reported_on": day, "direct_jobs": 3, "source": "AR"}
    response = editor_api.post(f"{LIST}neman/reports/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"reported_on": [REPORT_BOUND]}

    path = tmp_path / "reports.csv"
    path.write_bytes(csv_bytes([report_row(company="neman", reported_on=day)]))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_register", str(path), verbosity=0, stderr=stderr)
    assert f"reports.csv: line 2, reported_on: {REPORT_BOUND}" in stderr.getvalue()

    path = tmp_path / "claims.csv"
    path.write_bytes(csv_bytes([claim_row(claimed_on=day)]))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_register", str(path), verbosity=0, stderr=stderr)
    assert f"claims.csv: line 2, claimed_on: {REPORT_BOUND}" in stderr.getvalue()
    assert register_dump() == before


# --- Names already in the register ------------------------------------------------------


def migrate(target: str):
    """Migrate the companies app to `target`; returns the models as of it."""
    executor = MigrationExecutor(connection)
    executor.migrate([("companies", target)])
    executor.loader.build_graph()
    return executor.loader.project_state([("companies", target)]).apps


@pytest.fixture
def before_keys(transactional_db):
    """The register migrated back to before name keys; forward again afterwards."""
    yield migrate("0013_figure_ledger")
    migrate(latest_migration())


def latest_migration() -> str:
    from django.db import connection

    return max(
        name for app, name in MigrationLoader(connection).graph.leaf_nodes() if app == "companies"
    )


def test_the_migration_normalises_existing_names_and_fills_their_keys(before_keys):
    sector = before_keys.get_model("companies", "Sector").objects.create(slug="s", name="S")
    old = before_keys.get_model("companies", "Company").objects
    for slug, name in [("a", "Sozh  Electronics "), ("b", "Cafe\u0301 Sozh"), ("c", "Neman")]:
        old.create(slug=slug, name=name, country="BY", sector=sector, status="applicant")

    migrate(latest_migration())

    assert list(Company.objects.order_by("slug").values_list("name", "name_key")) == [
        ("Sozh Electronics", "sozh electronics"),
        ("Caf\u00e9 Sozh", "caf\u00e9 sozh"),
        ("Neman", "neman"),
    ]


def test_the_migration_refuses_names_that_already_read_the_same(before_keys):
    sector = before_keys.get_model("companies", "Sector").objects.create(slug="s", name="S")
    old = before_keys.get_model("companies", "Company").objects
    for slug, name in [("a", "Sozh Electronics"), ("b", "Sozh Electronics "), ("c", "Neman")]:
        old.create(slug=slug, name=name, country="BY", sector=sector, status="applicant")

    with pytest.raises(RuntimeError, match="'Sozh Electronics' / 'Sozh Electronics'"):
        migrate(latest_migration())
    old.filter(slug="b").update(name="Sozh Electronics (Gomel)")


# --- Other names: sectors and claims' speakers ------------------------------------------


def test_a_sector_name_is_stored_normalised_in_every_language(editor_client):
    form = {"slug": "biomed", "name_en": " Bio\u00a0 medicine ", "name_ru": "Биомедицина  ",
            "name_zh_hans": "生物\u3000医药"}  # fmt: skip
    assert editor_client.post(reverse("admin:companies_sector_add"), form).status_code == 302
    sector = Sector.objects.get(slug="biomed")
    assert (sector.name_en, sector.name_ru, sector.name_zh_hans) == (
        "Bio medicine", "Биомедицина", "生物 医药"
    )  # fmt: skip


def test_a_sector_name_with_a_bidi_override_is_refused(editor_client):
    form = {"slug": "biomed", "name_en": "Bio\u202emed", "name_ru": "", "name_zh_hans": ""}
    response = editor_client.post(reverse("admin:companies_sector_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name_en": [REFUSED.format("U+202E RIGHT-TO-LEFT OVERRIDE") + " are not accepted."]
    }
    assert not Sector.objects.exists()


@pytest.mark.parametrize(
    "name", ["electronics", " Electronics ", "ELECTRONICS", "\uff25lectronics"]
)
def test_a_sector_name_that_reads_as_another_is_refused(editor_client, name):
    SectorFactory(slug="electronics", name_en="Electronics")
    form = {"slug": "electronics-2", "name_en": name, "name_ru": "", "name_zh_hans": ""}
    response = editor_client.post(reverse("admin:companies_sector_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name_en": ["A sector with this name already exists."]
    }
    assert list(Sector.objects.values_list("slug", flat=True)) == ["electronics"]


@pytest.fixture
def before_sector_keys(transactional_db):
    """The register migrated back to before sector name keys; forward again afterwards."""
    yield migrate("0015_search_text_trigram_index")
    migrate(latest_migration())


def test_the_migration_keys_existing_sector_names(before_sector_keys):
    old = before_sector_keys.get_model("companies", "Sector").objects
    old.create(slug="a", name_en="Bio medicine", name="Bio medicine")
    old.create(slug="b", name_en="Caf\u00e9 Logistics", name="Caf\u00e9 Logistics")

    migrate(latest_migration())

    assert list(Sector.objects.order_by("slug").values_list("name_key", flat=True)) == [
        "bio medicine",
        "caf\u00e9 logistics",
    ]


def test_the_migration_refuses_sector_names_that_already_read_the_same(before_sector_keys):
    old = before_sector_keys.get_model("companies", "Sector").objects
    old.create(slug="a", name_en="Logistics", name="Logistics")
    old.create(slug="b", name_en="LOGISTICS", name="LOGISTICS")

    with pytest.raises(RuntimeError, match="'Logistics' / 'LOGISTICS'"):
        migrate(latest_migration())
    old.filter(slug="b").delete()


def import_claims(tmp_path, *rows) -> str:
    path = tmp_path / "claims.csv"
    path.write_bytes(csv_bytes(list(rows)))
    stderr = io.StringIO()
    try:
        call_command("import_register", str(path), verbosity=0, stderr=stderr)
    except CommandError:
        return stderr.getvalue()
    return ""


def test_a_speaker_differing_only_in_spaces_names_the_same_claim(db, tmp_path):
    assert import_claims(tmp_path, claim_row(speaker="BelTA")) == ""
    assert import_claims(tmp_path, claim_row(speaker=" BelTA ", companies="72")) == ""
    assert list(Claim.objects.values_list("speaker", "companies")) == [("BelTA", 72)]


def test_a_speaker_with_a_zero_width_space_is_refused(db, tmp_path):
    errors = import_claims(tmp_path, claim_row(speaker="Bel\u200bTA"))
    assert "claims.csv: line 2, speaker: " + REFUSED.format("U+200B ZERO WIDTH SPACE") in errors
    assert not Claim.objects.exists()
