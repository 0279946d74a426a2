"""No lost edits: a save based on a version that changed meanwhile is refused."""

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from companies import services
from companies.models import Company, Report
from tests.adminforms import form_data
from tests.factories import CompanyFactory, ReportFactory, UserFactory
from tests.sheets import company_row, csv_bytes, register_dump


def change_url(record) -> str:
    return reverse(f"admin:companies_{record._meta.model_name}_change", args=[record.pk])


@pytest.fixture
def alice(db):
    """A second editor, working at the same time."""
    user = UserFactory(username="alice", is_staff=True)
    user.groups.add(services.editors_group_sync())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def company(db):
    company = CompanyFactory(
        name="Svisloch Photonics", legal_name="Svisloch LLC", website="https://a.example"
    )
    ReportFactory(company=company, reported_on=date(2020, 12, 31), source="Annual report 2020")
    return Company.objects.get(pk=company.pk)


def refusal(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["adminform"].form.non_field_errors())


def test_saving_a_company_that_changed_meanwhile_is_refused_and_says_what_changed(
    editor_client, alice, company
):
    mine = editor_client.get(change_url(company))
    theirs = alice.get(change_url(company))
    assert (
        alice.post(change_url(company), form_data(theirs, legal_name="Svisloch JSC")).status_code
        == 302
    )
    before = register_dump()

    response = editor_client.post(
        change_url(company), form_data(mine, website="https://b.example")
    )

    assert refusal(response) == (
        f"Svisloch Photonics was changed by alice since you read it (version "
        f"{company.version}, now {company.version + 1}): legal name. Reload it and apply "
        "your edits again."
    )
    assert register_dump() == before
    company.refresh_from_db()
    assert (company.legal_name, company.website) == ("Svisloch JSC", "https://a.example")
    # The editor's typing is kept on the page, to apply again after reloading.
    assert response.context["adminform"].form["website"].value() == "https://b.example"


def test_saving_a_fresh_form_succeeds(editor_client, company):
    page = editor_client.get(change_url(company))
    response = editor_client.post(change_url(company), form_data(page, legal_name="New LLC"))
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.legal_name == "New LLC"


def test_a_form_without_its_version_is_refused(editor_client, company):
    page = editor_client.get(change_url(company))
    response = editor_client.post(
        change_url(company), form_data(page, legal_name="New LLC", loaded_version=None)
    )
    assert "does not say which version" in refusal(response)
    assert Company.objects.get().legal_name == "Svisloch LLC"


def test_an_import_in_between_makes_an_open_form_stale(editor_client, company, tmp_path):
    page = editor_client.get(change_url(company))
    path = tmp_path / "companies.csv"
    path.write_bytes(
        csv_bytes(
            [
                company_row(
                    slug=company.slug,
                    name=company.name,
                    legal_name="Imported LLC",
                    country="CN",
                    sector=company.sector.slug,
                    resident_since="2018-01-01",
                    description_en=company.description_en,
                    description_ru="",
                    website="https://a.example",
                )
            ]
        )
    )
    UserFactory(username="importer")
    call_command("import_register", str(path), "--user", "importer", verbosity=0)

    response = editor_client.post(change_url(company), form_data(page, website=""))

    assert "was changed by importer since you read it" in refusal(response)
    assert "legal name" in refusal(response)
    assert Company.objects.get().legal_name == "Imported LLC"


def test_new_figures_from_a_report_make_an_open_company_form_stale(editor_client, alice, company):
    page = editor_client.get(change_url(company))
    report = company.reports.get()
    theirs = alice.get(change_url(report))
    alice.post(change_url(report), form_data(theirs, direct_jobs="99"))

    response = editor_client.post(change_url(company), form_data(page, legal_name="Mine"))

    assert "was changed by alice" in refusal(response)
    assert "direct jobs" in refusal(response)


def test_an_edited_inline_report_that_changed_meanwhile_is_refused(editor_client, alice, company):
    report = company.reports.get()
    mine = editor_client.get(change_url(company))
    theirs = alice.get(change_url(report))
    alice.post(change_url(report), form_data(theirs, source_en="Letter of 2021-01-15"))

    response = editor_client.post(
        change_url(company),
        form_data(mine, **{"reports-0-source_en": "Annual report (corrected)"}),
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert "was changed by alice since you read it" in errors["__all__"][0]
    assert "source" in errors["__all__"][0]
    assert Report.objects.get().source == "Letter of 2021-01-15"


def test_inline_rows_posted_as_loaded_do_not_put_back_old_values(editor_client, alice, company):
    """The page posts every inline row as it was loaded; saving it would silently undo
    a change made meanwhile, so the save is refused even if the editor did not touch it."""
    report = company.reports.get()
    mine = editor_client.get(change_url(company))
    theirs = alice.get(change_url(report))
    alice.post(change_url(report), form_data(theirs, source_en="Letter of 2021-01-15"))
    before = register_dump()

    response = editor_client.post(change_url(company), form_data(mine, legal_name="Mine LLC"))

    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert "was changed by alice since you read it" in errors["__all__"][0]
    assert register_dump() == before
    assert Report.objects.get().source == "Letter of 2021-01-15"


def test_deleting_an_inline_report_that_changed_meanwhile_is_refused(
    editor_client, alice, company
):
    report = company.reports.get()
    mine = editor_client.get(change_url(company))
    theirs = alice.get(change_url(report))
    alice.post(change_url(report), form_data(theirs, source_en="Letter of 2021-01-15"))

    response = editor_client.post(
        change_url(company), form_data(mine, **{"reports-0-DELETE": "on"})
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "was changed by alice" in formset.non_form_errors()[0]
    assert Report.objects.exists()


def test_saving_a_report_that_changed_meanwhile_is_refused(editor_client, alice, company):
    report = company.reports.get()
    mine = editor_client.get(change_url(report))
    theirs = alice.get(change_url(report))
    alice.post(change_url(report), form_data(theirs, direct_jobs="20"))
    before = register_dump()

    response = editor_client.post(change_url(report), form_data(mine, direct_jobs="30"))

    assert "changed by alice since you read it" in refusal(response)
    assert "direct jobs" in refusal(response)
    assert register_dump() == before
    assert Company.objects.get().direct_jobs == 20
