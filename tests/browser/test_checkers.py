"""The web's own checkers over every public page: the Nu Html Checker and axe-core."""

import re

from . import tools
from .conftest import ILLUSTRATED_COLUMN, REACTED_COLUMN


def test_every_public_page_is_valid_html(public_pages):
    errors = tools.vnu_errors(public_pages)
    assert errors == [], "\n".join(errors)


def test_the_html_checker_reports_invalid_html():
    errors = tools.vnu_errors({"http://example.test/kapot/": "<!doctype html><p><div></p>"})
    assert any("http://example.test/kapot/:1:" in error for error in errors), errors


def test_every_public_page_has_no_axe_violations_in_light_and_dark_mode(page, public_pages):
    """All WCAG 2.1 A/AA rules in light mode; in dark mode only the colours change,
    so only contrast needs a second look (on the same page, without reloading it)."""
    violations = []
    for url in public_pages:
        page.goto(url)
        violations += tools.axe_violations(page)
        page.emulate_media(color_scheme="dark")
        violations += [
            f"(dark) {line}" for line in tools.axe_violations(page, rules=["color-contrast"])
        ]
        page.emulate_media(color_scheme="light")
    assert violations == [], "\n".join(violations)


def test_axe_reports_an_image_without_text(page, site):
    page.goto("/")
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML("
        "'beforeend', '<a href=\"/\"><img src=\"/static/icons/icon-192.png\"></a>')"
    )
    assert any("image-alt" in line for line in tools.axe_violations(page))


def test_crawl_reaches_every_kind_of_public_page(public_pages, site):
    paths = {url.removeprefix(site) for url in public_pages}
    assert {"/", "/columns/", "/themas/", "/auteurs/", "/archief/"} <= paths
    assert "/columns/ga-jij-naar-de-klant/" in paths
    assert "/themas/klant-centraal/" in paths
    assert "/auteurs/dirk-boersma/" in paths
    assert "/archief/2019/" in paths
    assert "/columns/?pagina=2" in paths
    assert "/zoeken/" in paths  # the header's search box


def test_crawl_covers_search_and_a_column_with_reactions(public_pages, site):
    """What the checkers see of search and reactions, not just that the pages exist."""
    search = public_pages[f"{site}/zoeken/?q=klant"]
    assert '<ol id="zoekresultaten"' in search and "<mark>" in search
    assert 'aria-label="Resultaten verfijnen"' in search
    filtered = public_pages[f"{site}/zoeken/?q=klanten&thema=klant-centraal"]
    assert "Filter thema klant centraal verwijderen" in filtered
    assert "Resultaten voor" in public_pages[f"{site}/zoeken/?q=evenwaardighied"]
    assert "Bedoelde je" in public_pages[f"{site}/zoeken/?q=evenwaardighied&letterlijk=1"]
    column = public_pages[f"{site}/columns/{REACTED_COLUMN}/"]
    assert "2 reacties" in column and "reaction--editor" in column
    assert 'class="reaction-form"' in column


def test_every_public_page_has_its_own_title_and_canonical_url(public_pages, site):
    titles, canonicals = {}, {}
    for url, html in public_pages.items():
        if url.endswith("/deze-pagina-bestaat-niet/"):
            continue
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        assert 'property="og:title"' in html and 'name="twitter:card"' in html, url
        if "?antwoord=" in url:
            # "Reageer" under a reaction: the column page, its form set to answer.
            assert canonical == url.partition("?")[0], url
            continue
        titles[url] = re.search(r"<title>(.+?)</title>", html).group(1)
        if "/zoeken/?" in url:
            # Results are not pages of their own for search engines: one search page.
            assert canonical == f"{site}/zoeken/", url
            continue
        canonicals[url] = canonical
    duplicates = {
        url: title for url, title in titles.items() if list(titles.values()).count(title) > 1
    }
    assert duplicates == {}
    assert canonicals == {url: url for url in canonicals}


def test_crawl_covers_a_column_with_images_contents_and_breadcrumbs(public_pages, site):
    column = public_pages[f"{site}/columns/{ILLUSTRATED_COLUMN}/"]
    assert column.count("<figure") == 3 and column.count("srcset=") == 6
    assert '<nav class="toc"' in column and 'aria-label="Kruimelpad"' in column
