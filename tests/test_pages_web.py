"""A good citizen of the web: the feed, sitemap.xml, robots.txt, redirects, 404 and 500."""

import xml.etree.ElementTree as ET

from django.test import RequestFactory
from django.utils import translation

from ops.views import server_error
from tests.pages import text

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_root_redirects_to_the_visitors_language(client, db):
    assert client.get("/")["Location"] == "/en/"
    assert client.get("/", headers={"accept-language": "ru,en;q=0.5"})["Location"] == "/ru/"
    assert client.get("/", headers={"accept-language": "zh-CN,zh"})["Location"] == "/zh-hans/"
    assert client.get("/companies/?country=CN")["Location"] == "/en/companies/?country=CN"


def test_feed_lists_new_residents_newest_first_without_drafts_or_applicants(
    client, residents_and_a_draft
):
    response = client.get("/en/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Gamma Logistics", "Beta Freight", "Alpha Telecom"]
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert links[0] == "http://testserver/en/companies/gamma-logistics/"


def test_feed_speaks_the_language_of_its_address(client, residents_and_a_draft):
    feed = ET.fromstring(client.get("/ru/feed/").content)
    assert (
        feed.find(f"{ATOM}title").text
        == "Новые резиденты Китайско-Белорусского индустриального парка"
    )
    entry = next(feed.iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}summary").text == "Складские услуги и железнодорожные перевозки."
    assert entry.find(f"{ATOM}link").get("href").endswith("/ru/companies/gamma-logistics/")


def test_sitemap_index_names_each_section(client, residents_and_a_draft):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sections == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ("pages", "companies", "countries", "sectors")
    ]


def test_sitemap_lists_published_companies_in_every_language_with_alternates(
    client, residents_and_a_draft
):
    sitemap = ET.fromstring(client.get("/sitemap-companies.xml").content)
    locations = [url.find(f"{SITEMAP}loc").text for url in sitemap.iter(f"{SITEMAP}url")]
    assert "http://testserver/zh-hans/companies/gamma-logistics/" in locations
    assert len(locations) == 4 * 3  # four published companies, three languages
    assert not any("secret-draft" in location for location in locations)
    first = next(sitemap.iter(f"{SITEMAP}url"))
    alternates = {link.get("hreflang") for link in first.iter(f"{XHTML}link")}
    assert alternates == {"en", "ru", "zh-hans", "x-default"}


def test_sitemap_countries_leave_out_countries_of_drafts_only(client, residents_and_a_draft):
    content = client.get("/sitemap-countries.xml").content.decode()
    assert "/en/countries/BY/" in content
    assert "/countries/DE/" not in content


def test_robots_txt_allows_the_pages_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_unknown_address_is_a_friendly_404_in_the_visitors_language(client, db):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in text(response)
    assert 'action="/ru/companies/"' in response.content.decode()


def test_server_error_page_is_friendly_and_needs_nothing_from_the_request(db):
    with translation.override("en"):
        response = server_error(RequestFactory().get("/en/"))
    assert response.status_code == 500
    assert "Something went wrong" in text(response)
    with translation.override("zh-hans"):
        assert "出错了" in text(server_error(RequestFactory().get("/zh-hans/")))


def test_every_page_has_a_title_a_description_and_hreflang_alternates(
    client, residents_and_a_draft
):
    for address in (
        "/en/",
        "/en/companies/",
        residents_and_a_draft.alpha.get_absolute_url(),
        "/en/claims/",
    ):
        html = client.get(address).content.decode()
        assert "<title>" in html and '<meta name="description" content="' in html
        assert '<link rel="alternate" hreflang="zh-hans" href="http://testserver/zh-hans/' in html
        assert '<a class="skip-link" href="#main">' in html


def test_pages_only_answer_reads(client, residents_and_a_draft):
    assert client.post("/en/companies/").status_code == 405
    assert client.put("/en/").status_code == 405
    assert client.head("/en/companies/").status_code == 200
