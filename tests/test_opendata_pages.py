"""Who publishes the register, under what licence, when it last changed: the footer of
every page, the about page, the demo notice, and the settings behind them."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import formats, timezone, translation

from companies import selectors
from companies.models import Company
from tests.pages import text
from tests.settings import BASE_DIR

LANGUAGES = {
    "en": (
        "Administration of the China–Belarus Industrial Park",
        "About the data",
        "Licence",
        "Accessibility statement",
    ),
    "ru": (
        "Администрация Китайско-Белорусского индустриального парка",
        "О данных",
        "Лицензия",
        "Заявление о доступности",
    ),
    "zh-hans": ("中白工业园区管理委员会", "关于数据", "许可", "无障碍声明"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_footer_names_publisher_licence_contact_last_change_and_links(
    client, residents_and_a_draft, language
):
    for path in ("", "companies/", "claims/", "companies/alpha-telecom/"):
        response = client.get(f"/{language}/{path}")
        footer = response.content.decode().split('<footer class="site-footer">', 1)[1]
        assert '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">' in footer
        assert "Creative Commons Attribution 4.0 International (CC BY 4.0)" in footer
        assert 'href="mailto:opendata@industrialpark.example"' in footer
        for label in LANGUAGES[language]:
            assert label in footer
        for link in (
            f"/{language}/about/",
            f"/{language}/downloads/",
            "/api/docs/",
            f"/{language}/about/#accessibility",
        ):
            assert f'href="{link}"' in footer
        changed = timezone.localtime(selectors.register_status().changed_at)
        with translation.override(language):
            day = formats.date_format(changed, "DATE_FORMAT")
        assert f'<time datetime="{changed.isoformat()}">{day}</time>' in footer


def test_the_last_change_follows_the_register(client, residents_and_a_draft):
    before = selectors.register_status().changed_at
    residents_and_a_draft.alpha.name = "Alpha Telecom Group"
    residents_and_a_draft.alpha.save()
    after = selectors.register_status().changed_at
    assert after > before
    assert (
        f'<time datetime="{timezone.localtime(after).isoformat()}">'
        in client.get("/en/").content.decode()
    )


@override_settings(
    PUBLISHER_NAME="Great Stone Administration",
    PUBLISHER_EMAIL="data@great-stone.example",
    DATA_LICENSE_NAME="ODbL",
    DATA_LICENSE_TITLE="Open Data Commons Open Database License",
    DATA_LICENSE_URL="https://opendatacommons.org/licenses/odbl/1-0/",
)
def test_publisher_and_licence_come_from_the_settings(client, residents_and_a_draft):
    page = client.get("/en/about/").content.decode()
    assert "Great Stone Administration keeps the register." in page
    assert 'href="mailto:data@great-stone.example"' in page
    assert (
        '<a rel="license" href="https://opendatacommons.org/licenses/odbl/1-0/">'
        "Open Data Commons Open Database License (ODbL)</a>"
    ) in page
    package = json.loads(client.get("/data/datapackage.json").content)
    assert package["licenses"][0]["path"] == "https://opendatacommons.org/licenses/odbl/1-0/"
    assert package["contributors"][0]["title"] == "Great Stone Administration"


def test_machine_readable_metadata_names_the_default_publisher_in_english(
    client, residents_and_a_draft
):
    english = "Administration of the China–Belarus Industrial Park"
    package = client.get("/data/datapackage.json", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert package["contributors"][0]["title"] == english
    catalogue = client.get("/catalog.ttl", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'foaf:name "{english}"' in catalogue


def test_the_settings_read_publisher_and_licence_from_the_environment():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environment = {
        "DJANGO_PUBLISHER_NAME": "Park Admin",
        "DJANGO_PUBLISHER_ADDRESS": "1 Stone Road",
        "DJANGO_PUBLISHER_EMAIL": "a@park.example",
        "DJANGO_PUBLISHER_URL": "https://park.example/",
        "DJANGO_DATA_LICENSE_NAME": "CC0 1.0",
        "DJANGO_DATA_LICENSE_TITLE": "Public domain dedication",
        "DJANGO_DATA_LICENSE_URL": "https://creativecommons.org/publicdomain/zero/1.0/",
    }
    names = [name.removeprefix("DJANGO_") for name in environment]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps([getattr(settings, name) for name in {names!r}]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "park.settings", "DJANGO_DEBUG": "1"}
        | environment,
        timeout=60,
    )
    # settings.configure is not called: importing django.conf.settings reads park.settings.
    assert json.loads(result.stdout) == list(environment.values()), result.stderr


ABOUT = {
    "en": ("How the figures are counted", "Declared and realised investment", "Report an error"),
    "ru": ("Как считаются показатели", "Заявленные и освоенные инвестиции", "Сообщить об ошибке"),
    "zh-hans": ("数据如何统计", "协议投资与实际投资", "报告错误"),
}


@pytest.mark.parametrize("language", ABOUT)
def test_about_page_explains_keeper_counting_sources_errors_and_accessibility(
    client, residents_and_a_draft, language
):
    response = client.get(f"/{language}/about/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for heading in ABOUT[language]:
        assert heading in html
    for anchor in ("keeper", "counting", "sources", "errors", "accessibility"):
        assert f'id="{anchor}"' in html
    assert "WCAG" in html
    assert html.count('href="mailto:opendata@industrialpark.example"') >= 3


def test_the_about_page_text_is_in_the_visitors_language(client, residents_and_a_draft):
    russian = text(client.get("/ru/about/"))
    chinese = text(client.get("/zh-hans/about/"))
    assert "Показатель компании на дату" in russian
    assert "on or before" not in russian
    assert "企业在某日的数据" in chinese
    assert "on or before" not in chinese


DEMO_NOTICE = {
    "en": "not the park's real residents",
    "ru": "это не настоящие резиденты парка",
    "zh-hans": "并非园区的真实入园企业",
}


def test_no_page_calls_a_real_register_synthetic(client, residents_and_a_draft):
    for path in ("/en/", "/en/about/", "/en/downloads/", "/en/companies/"):
        assert DEMO_NOTICE["en"] not in client.get(path).content.decode()


@pytest.mark.parametrize("language", DEMO_NOTICE)
def test_every_page_says_the_demo_register_is_synthetic(client, db, language):
    call_command("load_demo", verbosity=0)
    assert selectors.register_status().is_demo
    company = client.get(f"/{language}/companies/").context["page_obj"][0]
    for path in (
        "",
        "companies/",
        f"companies/{company['slug']}/",
        "countries/",
        "sectors/",
        "claims/",
        "about/",
        "downloads/",
    ):
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, path
        assert DEMO_NOTICE[language] in response.content.decode(), path
    assert "DEMONSTRATION DATA" in client.get("/data/datapackage.json").json()["description"]


def test_the_demo_flag_survives_a_later_change_and_a_second_load(client, db):
    call_command("load_demo", verbosity=0)
    number = selectors.register_revision().number
    call_command("load_demo", verbosity=0)
    company = Company.objects.published().first()
    company.legal_name = "Renamed LLC"
    company.save()
    assert selectors.register_status().is_demo
    assert selectors.register_revision().number > number


def test_error_pages_render_without_the_register(
    client, residents_and_a_draft, django_assert_num_queries
):
    # The footer's facts are read lazily: a page without the footer asks nothing of them.
    with django_assert_num_queries(0):
        response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert 'class="site-footer"' not in response.content.decode()
