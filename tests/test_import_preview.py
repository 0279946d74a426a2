"""The import preview shows what will change, and a preview is confirmed at most once."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from companies.models import Company, ImportRecord
from tests.factories import CompanyFactory, SectorFactory
from tests.sheets import register_dump
from tests.test_import_admin import confirm, export, preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(db):
    """119 companies, as many as the sheet of the report that asked for this preview."""
    sector = SectorFactory(slug="electronics")
    return CompanyFactory.create_batch(119, sector=sector)


def exported_with_one_change(client) -> bytes:
    text = export(client, "company", "csv").content.decode("utf-8-sig")
    company = Company.objects.order_by("slug")[60]
    edited = text.replace(f"{company.legal_name},", "Renamed Holding LLC,", 1)
    assert edited != text
    return edited.encode("utf-8-sig")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_a_preview_of_119_rows_with_one_change_shows_that_row_and_counts_the_others(
    companies, editor_client
):
    previewed = preview(
        editor_client, "company", "export.csv", exported_with_one_change(editor_client)
    )

    page = previewed.content.decode()
    summary = page.index("0 to create, 1 to update, 118 unchanged, 0 refused.")
    changes = re.findall(r'<table class="import-changes">.*?</table>', page, re.S)
    assert len(changes) == 1
    assert changes[0].count("<tr>") == 2  # the header and the one changed row
    changed = Company.objects.order_by("slug")[60]
    assert f"<del>{changed.legal_name}</del> → <ins>Renamed Holding LLC</ins>" in changes[0]
    assert "<code>legal_name</code>" in changes[0]
    assert "<code>name</code>" not in changes[0]  # unchanged cells are not listed
    # The summary leads, the unchanged rows wait behind their count.
    assert summary < page.index('<table class="import-changes">')
    assert "<summary>118 rows unchanged (not written)</summary>" in page
    assert page.count('<tr class="skip">') == 0


def test_refused_rows_are_listed_with_their_lines_and_counted_in_the_summary(
    companies, editor_client
):
    text = export(editor_client, "company", "csv").content.decode("utf-8-sig")
    lines = text.splitlines()
    lines[5] = lines[5].replace(",CN,", ",ZZ,")
    lines[9] = lines[9].replace(",CN,", ",XX,")
    response = preview(editor_client, "company", "bad.csv", "\n".join(lines).encode())
    page = response.content.decode()
    assert "0 to create, 0 to update, 0 unchanged, 2 refused." in page
    assert "<td>6</td>" in page and "<td>10</td>" in page
    assert "Value &#x27;ZZ&#x27; is not a valid choice." in page


def test_confirming_twice_imports_once_and_says_so(companies, editor_client):
    previewed = preview(
        editor_client, "company", "export.csv", exported_with_one_change(editor_client)
    )
    first = confirm(editor_client, "company", previewed)
    assert first.status_code == 302
    after_first = register_dump()

    again = confirm(editor_client, "company", previewed)

    assert again.status_code == 302
    assert register_dump() == after_first
    assert messages_of(again)[-1].startswith(
        "Nothing was imported. This preview was already confirmed by editor at "
    )
    assert ImportRecord.objects.get().updated == 1


def test_a_second_confirmation_racing_the_first_imports_nothing(companies, editor_client):
    """Both confirmations found the waiting file; the second one to take the register's
    lock finds the first one's record."""
    previewed = preview(
        editor_client, "company", "export.csv", exported_with_one_change(editor_client)
    )
    form = previewed.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    url = reverse("admin:companies_company_process_import")
    waiting = f"django-import-export-{data['import_file_name']}"
    content = cache.get(waiting)
    assert editor_client.post(url, data).status_code == 302
    cache.set(waiting, content)  # as if the second request had read it before the first ended
    after_first = register_dump()

    again = editor_client.post(url, data)

    assert again.status_code == 302
    assert register_dump() == after_first
    assert "already confirmed by editor" in messages_of(again)[-1]


def test_a_stale_preview_imports_nothing_and_says_to_upload_again(companies, editor_client):
    previewed = preview(
        editor_client, "company", "export.csv", exported_with_one_change(editor_client)
    )
    other = companies[3]
    other.legal_name = "Changed by another editor"
    other.save()
    before = register_dump()

    response = confirm(editor_client, "company", previewed)

    assert response.url == reverse("admin:companies_company_import")
    assert register_dump() == before
    assert "The register changed since the preview" in messages_of(response)[-1]


def test_an_expired_preview_imports_nothing_and_says_so(companies, editor_client):
    previewed = preview(
        editor_client, "company", "export.csv", exported_with_one_change(editor_client)
    )
    cache.clear()
    before = register_dump()
    response = confirm(editor_client, "company", previewed)
    assert response.status_code == 302
    assert register_dump() == before
    assert "This preview is no longer available" in messages_of(response)[-1]


def test_the_recent_imports_name_who_made_them(companies, editor_client, editor):
    previewed = preview(
        editor_client, "company", "export.csv", exported_with_one_change(editor_client)
    )
    confirm(editor_client, "company", previewed)
    record = ImportRecord.objects.get()
    assert (record.user, record.sheet, record.file_name) == (editor, "companies", "export.csv")
    assert (record.created, record.updated, record.unchanged) == (0, 1, 118)
    listed = editor_client.get(reverse("admin:companies_importrecord_changelist"))
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [record]
    assert "export.csv" in listed.content.decode()
