import json
import re
from xml.etree import ElementTree

import pytest
from pytest_django.asserts import assertContains

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
PUBLIC_PAGES = [
    "/",
    "/columns/",
    "/columns/ga-jij-naar-de-klant/",
    "/themas/",
    "/themas/klant-centraal/",
    "/auteurs/",
    "/auteurs/dirk-boersma/",
    "/archief/",
    "/archief/2019/",
]


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return match and match.group(1)


def test_sitemap_lists_published_columns_with_lastmod_authors_and_themes(
    client, seed, column_factory
):
    column_factory(slug="geheim-concept", draft=True)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    entries = {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }
    assert entries["http://testserver/columns/ga-jij-naar-de-klant/"].startswith("2019-12-03")
    assert "http://testserver/auteurs/dirk-boersma/" in entries
    assert "http://testserver/themas/klant-centraal/" in entries
    assert "http://testserver/" in entries
    assert not any("geheim-concept" in loc for loc in entries)


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_admin(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_favicon_ico_redirects_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/icons/favicon.ico"


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_has_canonical_url_and_social_tags(client, seed, url):
    html = client.get(url).content.decode()

    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert meta(html, "property", "og:url") == f"http://testserver{url}"
    assert meta(html, "property", "og:title")
    assert meta(html, "property", "og:description")
    assert meta(html, "property", "og:image").endswith("/static/icons/icon-512.png")
    assert meta(html, "name", "twitter:card") == "summary"
    assert meta(html, "name", "description")
    assert 'rel="manifest"' in html
    assert 'rel="icon"' in html


def test_titles_and_descriptions_are_unique(client, seed):
    pages = [client.get(url).content.decode() for url in PUBLIC_PAGES]
    titles = [re.search(r"<title>(.*?)</title>", html).group(1) for html in pages]
    descriptions = [meta(html, "name", "description") for html in pages]
    assert len(set(titles)) == len(PUBLIC_PAGES)
    assert len(set(descriptions)) == len(PUBLIC_PAGES)


def test_canonical_url_of_a_later_page_keeps_the_page_number(client, column_factory, settings):
    settings.COLUMNS_PER_PAGE = 2
    for _ in range(3):
        column_factory()

    response = client.get("/columns/?pagina=2&utm_source=nieuwsbrief")

    assertContains(response, '<link rel="canonical" href="http://testserver/columns/?pagina=2">')


def test_column_description_is_its_lead(client, seed):
    html = client.get("/columns/ga-jij-naar-de-klant/").content.decode()
    assert meta(html, "name", "description").startswith("Op de KWD Projectmanagement Vakdag")
    assert meta(html, "property", "og:type") == "article"


def test_column_page_carries_article_json_ld(client, seed):
    html = client.get("/columns/ga-jij-naar-de-klant/").content.decode()

    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Article"
    assert data["headline"] == "Ga jij naar de klant?"
    assert data["author"] == {
        "@type": "Person",
        "name": "John Hermarij",
        "url": "http://testserver/auteurs/john-hermarij/",
    }
    assert data["datePublished"].startswith("2019-12-03")
    assert data["dateModified"] >= data["datePublished"]


def test_json_ld_cannot_be_closed_by_a_title(client, column_factory):
    column = column_factory(title="</script><script>alert(1)</script>")

    html = client.get(column.get_absolute_url()).content.decode()

    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(raw)["headline"] == "</script><script>alert(1)</script>"


def test_draft_preview_is_not_indexed(editor_client, column_factory):
    column = column_factory(draft=True)
    response = editor_client.get(column.get_absolute_url())
    assertContains(response, '<meta name="robots" content="noindex">')


def test_the_first_page_of_a_listing_has_one_address(client, column_factory, settings):
    settings.COLUMNS_PER_PAGE = 2
    for _ in range(5):
        column_factory()

    second = client.get("/columns/?pagina=2").content.decode()
    third = client.get("/columns/?pagina=3").content.decode()

    assert 'rel="prev" href="?"' in second
    assert "pagina=1" not in second
    assert 'rel="prev" href="?pagina=2"' in third
