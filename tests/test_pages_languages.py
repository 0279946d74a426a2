"""English, Russian and Simplified Chinese: catalogues, switcher, localised content."""

import io
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import templatize

from tests.pages import chart_data, text

ROOT = Path(settings.BASE_DIR)
# Django's own admin templates, each overridden for one change: their strings are Django's,
# translated by its catalogue.
DJANGO_COPIES = {
    "templates/admin/edit_inline/tabular.html",
    "templates/admin/includes/fieldset.html",
}
# Everything visitors, API clients and editors read, as `make makemessages` finds it:
# pages, admin (import, export, history), API messages, error pages, lockout, settings.
SOURCES = sorted(
    path
    for package in ("companies", "ops", "park", "templates")
    for path in (ROOT / package).rglob("*")
    if path.suffix in (".py", ".html", ".txt")
    and "migrations" not in path.parts
    and str(path.relative_to(ROOT)) not in DJANGO_COPIES
)
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
}


def source_messages() -> set:
    """Every translatable string of the sources, as makemessages would extract it."""
    found = set()
    for path in SOURCES:
        source = path.read_text()
        if path.suffix == ".html":
            source = templatize(source, origin=str(path))
        for _line, message, _comments, _context in extract(
            "python", io.BytesIO(source.encode()), keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[:2])
    return found


def test_the_sources_checked_include_every_surface():
    checked = {str(path.relative_to(ROOT)) for path in SOURCES}
    assert {
        "companies/views.py",
        "companies/admin/company.py",
        "companies/resources/companies.py",
        "companies/api/views.py",
        "companies/templates/admin/companies/import.html",
        "ops/views.py",
        "ops/templates/ops/lockout.html",
        "park/settings.py",
    } <= checked


@pytest.mark.parametrize("language", ["ru", "zh_Hans"])
def test_every_visible_string_has_a_translation(language):
    with (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalogue = read_po(po)
    translated = {
        message.id[:2] if isinstance(message.id, tuple) else message.id
        for message in catalogue
        if message.id and "fuzzy" not in message.flags and all(_forms(message.string))
    }
    missing = source_messages() - translated
    assert not missing, f"untranslated in {language} (run makemessages, then translate)"


def _forms(string):
    return string if isinstance(string, tuple) else (string,)


def test_russian_home_page_speaks_russian(client, residents_and_a_draft):
    response = client.get("/ru/")
    page = text(response)
    assert '<html lang="ru">' in response.content.decode()
    assert "Парк в цифрах" in page
    assert "Резиденты и рабочие места по годам" in page
    assert "15 000 000 $" in page.replace("\xa0", " ")
    assert chart_data(response, "chart-by-country")["labels"] == ["Китай", "Беларусь"]
    assert "Логистика" in chart_data(response, "chart-by-sector")["labels"]


def test_chinese_home_page_speaks_chinese(client, residents_and_a_draft):
    response = client.get("/zh-hans/")
    page = text(response)
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "园区数据一览" in page
    assert "US$15,000,000" in page
    assert chart_data(response, "chart-by-country")["labels"] == ["中国", "白俄罗斯"]


def test_directory_in_russian_localises_countries_sectors_statuses_and_dates(
    client, residents_and_a_draft
):
    page = text(client.get("/ru/companies/?country=BY"))
    assert "Справочник компаний" in page
    assert "Найдено 2 компании." in page
    assert "Беларусь" in page and "Логистика" in page and "Вышла из парка" in page
    assert "1 июля 2019 г." in page


def test_invalid_filter_error_is_translated(client, residents_and_a_draft):
    response = client.get("/ru/companies/?country=XX")
    assert response.status_code == 400
    page = text(response)
    assert "Некоторые фильтры не удалось применить" in page
    assert "Страна:" in page


def test_company_description_and_dates_follow_the_language(client, residents_and_a_draft):
    address = "companies/gamma-logistics/"
    assert "Складские услуги и железнодорожные перевозки." in text(client.get(f"/ru/{address}"))
    chinese = text(client.get(f"/zh-hans/{address}"))
    assert "仓储和铁路货运。" in chinese and "2019年7月1日" in chinese
    # A description without a translation falls back to English.
    assert "Builds 5G network equipment." in text(client.get("/zh-hans/companies/alpha-telecom/"))


def test_claims_page_in_chinese(client, claims):
    page = text(client.get("/zh-hans/claims/"))
    assert "对照登记册核查的公开声明" in page
    assert "登记册与此声明一致。" in page


def test_switcher_posts_to_set_language_and_keeps_the_page_and_its_filters(
    client, residents_and_a_draft
):
    html = client.get("/en/companies/?country=BY").content.decode()
    assert '<form class="language-switcher" action="/i18n/setlang/" method="post">' in html
    assert '<input type="hidden" name="next" value="/en/companies/?country=BY">' in html
    assert 'value="ru" lang="ru">Русский</button>' in html
    assert 'value="zh-hans" lang="zh-hans">简体中文</button>' in html
    response = client.post(
        "/i18n/setlang/", {"language": "ru", "next": "/en/companies/?country=BY"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ru/companies/?country=BY"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    # The chosen language is remembered for the next visit to "/".
    assert client.get("/")["Location"] == "/ru/"


def test_each_language_has_its_own_address_for_every_page(client, residents_and_a_draft):
    for language in ("en", "ru", "zh-hans"):
        for address in ("", "companies/", "countries/", "sectors/", "claims/", "countries/CN/"):
            assert client.get(f"/{language}/{address}").status_code == 200


# --- The other surfaces speak the same languages ---------------------------------------


@pytest.mark.django_db
def test_api_errors_follow_accept_language(api):
    answers = {
        language: api.get("/api/v1/stats/", {"as_of": "soon"}, HTTP_ACCEPT_LANGUAGE=language)
        for language in ("en", "ru", "zh-hans")
    }
    assert {language: answer.json()["as_of"] for language, answer in answers.items()} == {
        "en": ["'soon' is not a date; write it YYYY-MM-DD."],
        "ru": ["«soon» — не дата; укажите её в формате ГГГГ-ММ-ДД."],
        "zh-hans": ["“soon”不是日期；请按 YYYY-MM-DD 格式填写。"],
    }


@pytest.mark.django_db
def test_an_import_refusal_is_explained_in_the_editors_language(editor_client):
    response = editor_client.post(
        "/admin/companies/company/import/",
        {
            "format": "0",
            "import_file": SimpleUploadedFile("latin.csv", "slug,name\nx,Café".encode("cp1252")),
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "Файл не является текстом в UTF-8" in text(response)
    assert "Китайско-Белорусский индустриальный парк · реестр" in text(response)
