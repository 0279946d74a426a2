"""An import checks its rows' unique values for the whole sheet at once, with the outcome
of checking and saving them one by one: a row sees the records as the rows before it
leave them, whether the preview or the confirmation reads it, across batches too."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from companies.models import Company
from companies.resources import CompanyResource
from tests.factories import CompanyFactory, SectorFactory
from tests.sheets import company_row, csv_bytes, register_dump

pytestmark = pytest.mark.django_db

TAKEN = "A company with this name already exists."


@pytest.fixture(autouse=True)
def sector(db):
    return SectorFactory(slug="electronics")


@pytest.fixture(params=[1000, 1], ids=["one batch", "a batch a row"])
def batch_size(request, monkeypatch):
    monkeypatch.setattr(CompanyResource._meta, "batch_size", request.param)


def run(tmp_path, *rows, dry_run=False) -> list[str]:
    """The problems the import reports (none if it imported)."""
    path = tmp_path / "companies.csv"
    path.write_bytes(csv_bytes(list(rows)))
    stderr = StringIO()
    options = ["--dry-run"] if dry_run else []
    try:
        call_command("import_register", str(path), *options, verbosity=0, stderr=stderr)
    except CommandError:
        return [line for line in stderr.getvalue().splitlines() if ": line " in line]
    return []


@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "confirm"])
def test_a_name_that_reads_as_an_earlier_rows_is_refused_on_its_line(
    tmp_path, batch_size, dry_run
):
    before = register_dump()

    problems = run(
        tmp_path,
        company_row(slug="a", name="Huaxin Telecom"),
        company_row(slug="b", name="Neman"),
        company_row(slug="c", name="HUAXIN  telecom"),
        dry_run=dry_run,
    )

    assert problems == [f"companies.csv: line 4, name: {TAKEN}"]
    assert register_dump() == before


def test_a_name_given_up_by_an_earlier_row_is_free_and_not_before(tmp_path, batch_size):
    CompanyFactory(slug="a", name="Alpha")
    CompanyFactory(slug="b", name="Beta")

    # b still holds Beta when a asks for it.
    assert run(
        tmp_path,
        company_row(slug="a", name="Beta"),
        company_row(slug="b", name="Gamma"),
    ) == [f"companies.csv: line 2, name: {TAKEN}"]
    # b gave Beta up on the line before.
    assert (
        run(
            tmp_path,
            company_row(slug="b", name="Gamma"),
            company_row(slug="a", name="Beta"),
        )
        == []
    )
    assert dict(Company.objects.values_list("slug", "name")) == {"a": "Beta", "b": "Gamma"}


def test_new_companies_without_slugs_get_distinct_ones_and_a_later_row_cannot_take_one(
    tmp_path, batch_size
):
    CompanyFactory(slug="neman-tech", name="Neman Tech JSC")

    assert run(
        tmp_path,
        company_row(slug="", name="Neman Tech"),
        company_row(slug="", name="Neman, Tech"),
        company_row(slug="neman-tech-2", name="Another"),
    ) == ["companies.csv: line 4, slug: Company with this Slug already exists."]

    assert (
        run(
            tmp_path,
            company_row(slug="", name="Neman Tech"),
            company_row(slug="", name="Neman, Tech"),
        )
        == []
    )
    assert set(Company.objects.values_list("slug", flat=True)) == {
        "neman-tech",
        "neman-tech-2",
        "neman-tech-3",
    }
