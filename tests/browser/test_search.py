"""A reader searches from the header box: Dutch word forms match, the match is
highlighted, a facet narrows the results and one click takes it away again, and a
misspelling gets a "Bedoelde je" suggestion."""

import re

from playwright.sync_api import expect

from . import tools
from .conftest import DESKTOP, PHONE


def results(page):
    return page.locator("ol#zoekresultaten > li")


def search_from_the_header(page, text):
    box = page.locator(".site-header").get_by_role("combobox", name="Zoeken")
    box.fill(text)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/zoeken/\?q="))


def test_search_with_a_highlighted_match_and_a_removable_filter(page, site):
    page.goto("/columns/ga-jij-naar-de-klant/")
    search_from_the_header(page, "klanten")

    expect(page.get_by_role("heading", level=1)).to_have_text("Zoeken")
    expect(page.get_by_role("combobox", name="Zoek in alle columns")).to_have_value("klanten")
    expect(results(page).first).to_be_visible()
    total = results(page).count()
    assert total >= 3
    expect(page.locator(".search-summary h2")).to_have_text(f"{total} columns gevonden")
    # "klanten" finds "klant" too, and marks the word in the snippet.
    marks = {
        text.lower() for text in results(page).locator(".search-snippet mark").all_inner_texts()
    }
    assert marks and all(mark.startswith("klant") for mark in marks), marks
    assert "klant" in marks, marks
    expect(results(page).first.locator("mark").first).to_be_visible()

    # Narrow down to one theme: only its columns remain, and the filter shows.
    facets = page.get_by_role("complementary", name="Resultaten verfijnen")
    theme_facet = facets.locator(".facet", has=page.get_by_role("heading", name="Thema"))
    narrower = [
        (item.get_by_role("link").inner_text(), int(item.locator(".count").inner_text()))
        for item in theme_facet.locator("li").all()
    ]
    name, count = next((name, count) for name, count in narrower if count < total)
    theme_facet.get_by_role("link", name=name, exact=True).click()

    expect(results(page)).to_have_count(count)
    expect(page).to_have_url(re.compile(r"[?&]thema="))
    for item in results(page).all():
        expect(item.locator(".chips")).to_contain_text(name)
    remove = facets.get_by_role("link", name=f"Filter thema {name} verwijderen")
    expect(remove).to_be_visible()

    remove.click()

    expect(results(page)).to_have_count(total)
    expect(page).not_to_have_url(re.compile(r"thema="))
    expect(facets.get_by_role("link", name=re.compile("verwijderen"))).to_have_count(0)


def test_filter_by_author_and_clear_all_filters(page, site):
    page.goto("/zoeken/?q=klant")
    total = results(page).count()
    facets = page.get_by_role("complementary", name="Resultaten verfijnen")
    author_facet = facets.locator(".facet", has=page.get_by_role("heading", name="Auteur"))

    author_facet.get_by_role("link", name="Dirk Boersma", exact=True).click()

    expect(results(page)).to_have_count(1)
    expect(results(page).locator(".meta__author")).to_have_text("Dirk Boersma")
    facets.get_by_role("link", name="Alle filters wissen").click()
    expect(results(page)).to_have_count(total)


def test_a_misspelling_is_corrected_or_searched_as_typed_with_a_suggestion(page, site):
    page.goto("/")
    search_from_the_header(page, "evenwaardighied")

    correction = page.locator(".search-correction")
    expect(correction).to_contain_text("Resultaten voor evenwaardigheid")
    expect(results(page).first).to_contain_text(
        "Ook in relaties met klanten draait het om evenwaardigheid"
    )
    expect(results(page).first.locator("mark").first).to_be_visible()
    correction.get_by_role("link", name="evenwaardighied").click()

    expect(results(page)).to_have_count(0)
    suggestion = page.locator(".search-suggestion")
    expect(suggestion).to_contain_text("Bedoelde je")
    suggestion.get_by_role("link", name="evenwaardigheid").click()

    expect(page.get_by_role("combobox", name="Zoek in alle columns")).to_have_value(
        "evenwaardigheid"
    )
    expect(results(page).first).to_contain_text(
        "Ook in relaties met klanten draait het om evenwaardigheid"
    )
    expect(results(page).first.locator("mark").first).to_be_visible()


def test_search_screenshots(page, site):
    """The search page with results, facets and a highlight, at desktop and phone
    width, light and dark, under test-artifacts/screenshots/."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.goto("/zoeken/?q=klant")
            expect(results(page).first).to_be_visible()
            path = tools.screenshot(page, f"search-{width}-{scheme}")
            assert path.stat().st_size > 10_000
