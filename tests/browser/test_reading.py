"""A reader's ways through the site, in a real browser."""

import re

from playwright.sync_api import expect

from articles.models import Author
from tests import factories

from . import tools


def test_home_theme_column_author_and_another_column(page, site):
    dirk = Author.objects.get(slug="dirk-boersma")
    factories.ColumnFactory(
        author=dirk, title="Een tweede column van Dirk", slug="tweede-column-van-dirk"
    )

    page.goto("/")
    expect(page).to_have_title("Kennisbank")
    page.locator(".home__aside").get_by_role("link", name="evenwaardigheid").click()

    expect(page).to_have_url(f"{site}/themas/evenwaardigheid/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evenwaardigheid")
    page.get_by_role(
        "link", name="Ook in relaties met klanten draait het om evenwaardigheid"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ook in relaties met klanten draait het om evenwaardigheid"
    )
    expect(page.locator(".column__body")).to_contain_text("evenwaardig")
    page.locator(".byline").get_by_role("link", name="Dirk Boersma").click()

    expect(page).to_have_url(f"{site}/auteurs/dirk-boersma/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dirk Boersma")
    page.get_by_role("link", name="Een tweede column van Dirk").click()

    expect(page).to_have_url(f"{site}/columns/tweede-column-van-dirk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Een tweede column van Dirk")
    expect(page.locator(".author-box")).to_contain_text("Dirk Boersma")


def test_related_columns_lead_to_another_column(page, site):
    page.goto("/columns/ga-jij-naar-de-klant/")
    related = page.locator(".related .card__title a")
    expect(related.first).to_be_visible()
    title = related.first.inner_text()

    related.first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert title != "Ga jij naar de klant?"


def test_archive_by_year(page, site):
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Archief").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Archief")
    years = page.locator(".tile__title a").all_inner_texts()
    assert years == sorted(years, reverse=True)
    assert {"2012", "2014", "2017", "2018", "2019"} <= set(years)
    page.get_by_role("link", name="2018", exact=True).click()

    expect(page).to_have_url(f"{site}/archief/2018/")
    expect(page.locator(".column-list .card")).to_have_count(1)
    page.get_by_role("link", name="Klanten komen altijd van rechts?! Of niet?!").click()
    expect(page.locator(".byline time")).to_have_text("15 mei 2018")


def test_pagination_walks_through_all_columns_and_back(page, site, settings):
    settings.COLUMNS_PER_PAGE = 2
    page.goto("/columns/")
    seen = []

    for number in (1, 2, 3):
        expect(page.locator(".pagination__status")).to_have_text(f"Pagina {number} van 3")
        seen += page.locator(".card__title a").all_inner_texts()
        if number < 3:
            page.get_by_role("link", name="Ouder →").click()

    assert len(seen) == 5 == len(set(seen))
    expect(page.get_by_role("link", name="Ouder →")).to_have_count(0)
    page.get_by_role("link", name="← Nieuwer").click()
    expect(page).to_have_url(re.compile(r"/columns/\?pagina=2$"))


def test_reader_screenshots(page, site):
    """Home, a column, a theme and an author at desktop and phone width, light and
    dark, under test-artifacts/screenshots/ for a person to look at."""
    pages = {
        "home": "/",
        "column": "/columns/ga-jij-naar-de-klant/",
        "theme": "/themas/klant-centraal/",
        "author": "/auteurs/dirk-boersma/",
    }
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width, viewport in (
            ("desktop", {"width": 1280, "height": 900}),
            ("phone", {"width": 375, "height": 740}),
        ):
            page.set_viewport_size(viewport)
            for name, url in pages.items():
                page.goto(url)
                path = tools.screenshot(page, f"{name}-{width}-{scheme}")
                assert path.stat().st_size > 10_000
