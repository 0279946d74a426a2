"""The Atom feed as RFC 4287 asks (authors, text summaries), pages sent compressed, and
static files cached for a year under their hashed names."""

import gzip
import re

import feedparser
import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests.factories import CompanyFactory


def test_the_feed_names_its_author_and_sends_descriptions_as_text(client, residents_and_a_draft):
    CompanyFactory(
        name="Omega Labs",
        sector=residents_and_a_draft.electronics,
        description_en="Chips <b>and</b> boards & more",
    )
    response = client.get("/en/feed/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.author_detail.name == "Administration of the China–Belarus Industrial Park"
    assert feed.feed.author_detail.email == "opendata@industrialpark.example"
    described = [entry for entry in feed.entries if "summary" in entry]
    assert described
    for entry in described:
        assert entry.summary_detail.type == "text/plain"
    omega = next(entry for entry in feed.entries if entry.title == "Omega Labs")
    # Markup typed by an editor is text to the reader, not HTML.
    assert omega.summary == "Chips <b>and</b> boards & more"
    assert '<summary type="text">Chips &lt;b&gt;and&lt;/b&gt; boards &amp; more</summary>' in (
        response.content.decode()
    )


def test_a_company_without_description_gets_no_empty_summary(client, residents_and_a_draft):
    CompanyFactory(name="Quiet Co", sector=residents_and_a_draft.logistics, description_en="")
    feed = feedparser.parse(client.get("/en/feed/").content)
    quiet = next(entry for entry in feed.entries if entry.title == "Quiet Co")
    assert "summary" not in quiet


@pytest.mark.parametrize(
    "path", ["/en/", "/ru/about/", "/data/companies.csv", "/api/v1/companies/"]
)
def test_responses_are_gzipped_for_clients_that_accept_it(client, residents_and_a_draft, path):
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    plain = client.get(path)
    expected = b"".join(plain.streaming_content) if plain.streaming else plain.content
    if path.endswith("/") and not path.startswith("/api/"):
        # Each page has its own CSRF token and CSP nonce: compare the page's frame.
        page = gzip.decompress(raw)
        assert page.startswith(b"<!doctype html>") and page.endswith(b"</html>\n")
        assert len(page) == pytest.approx(len(expected), abs=100)
    else:
        assert gzip.decompress(raw) == expected
    assert len(raw) < len(expected)


def test_without_accept_encoding_nothing_is_compressed(client, residents_and_a_draft):
    assert not client.get("/en/").has_header("Content-Encoding")


def test_static_files_are_cached_for_a_year_under_hashed_names(tmp_path, settings):
    storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES={**settings.STORAGES, "staticfiles": storage},
        DEBUG=False,
    ):
        # Only the site's own files: the admin's and Swagger UI's would take long to hash.
        call_command(
            "collectstatic",
            "--noinput",
            "--ignore=admin",
            "--ignore=drf_spectacular_sidecar",
            "--ignore=import_export",
            "--ignore=rest_framework",
            "--ignore=modeltranslation",
            "--ignore=simple_history",
            "--ignore=knox",
            "--ignore=ops",
            verbosity=0,
        )
        hashed = next((tmp_path / "companies").glob("site.*.css")).name
        assert re.fullmatch(r"site\.[0-9a-f]{12}\.css", hashed)
        browser = Client()  # a new handler: WhiteNoise reads the collected files
        response = browser.get(f"/static/companies/{hashed}", HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response["Content-Encoding"] == "gzip"
        unhashed = browser.get("/static/companies/site.css")
        assert "immutable" not in unhashed["Cache-Control"]
