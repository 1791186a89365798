"""What a reader notices about the layout: at 1280 and 375 px nothing scrolls
sideways, the navigation is in reach, and body text has a comfortable measure."""

import statistics

import pytest
from playwright.sync_api import expect

from . import tools
from .conftest import DESKTOP, PHONE

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
PAGES = [
    "/",
    "/columns/",
    "/columns/klanten-komen-altijd-van-rechts-of-niet/",
    "/themas/",
    "/themas/klant-centraal/",
    "/auteurs/",
    "/auteurs/bart-groothuis/",
    "/archief/",
    "/zoeken/?q=klant",
    "/zoeken/?q=evenwaardighied",
]

# Characters on each full line of the body paragraphs (the last line of a
# paragraph is left out: it is as short as the sentence happens to end).
CHARACTERS_PER_LINE = """(selector) => {
  const counts = [];
  for (const paragraph of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let top = null, count = 0;
    const lines = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        if (top !== null && rect.top > top + rect.height / 2) { lines.push(count); count = 0; }
        top = rect.top; count++;
      }
    }
    counts.push(...lines);  // every line but the last
  }
  return counts;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(page, site, width):
    page.set_viewport_size(WIDTHS[width])
    too_wide = []
    for path in PAGES:
        page.goto(path)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > WIDTHS[width]["width"]:
            too_wide.append(f"{path}: {scroll_width}px")
    assert too_wide == []


@pytest.mark.parametrize("width", WIDTHS)
def test_navigation_is_in_reach_and_works(page, site, width):
    page.set_viewport_size(WIDTHS[width])
    page.goto("/columns/ga-jij-naar-de-klant/")
    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    for name in ("Columns", "Thema’s", "Auteurs", "Archief"):
        link = navigation.get_by_role("link", name=name)
        expect(link).to_be_visible()
        expect(link).to_be_in_viewport()
        box = link.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, (name, box)  # easy to tap

    navigation.get_by_role("link", name="Auteurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Auteurs")


def test_column_text_has_a_comfortable_measure_on_desktop(page, site):
    page.set_viewport_size(DESKTOP)
    page.goto("/columns/klanten-komen-altijd-van-rechts-of-niet/")

    counts = page.evaluate(CHARACTERS_PER_LINE, ".column__body > p")

    assert len(counts) > 20
    assert 45 <= statistics.median(counts) <= 80, counts
    assert 45 <= min(counts) and max(counts) <= 85, counts


def test_listing_leads_have_a_comfortable_measure_on_desktop(page, site):
    page.set_viewport_size(DESKTOP)
    page.goto("/columns/")

    counts = page.evaluate(CHARACTERS_PER_LINE, ".card__lead")

    assert counts
    assert 45 <= statistics.median(counts) <= 80, counts


def test_column_text_is_readable_on_a_phone(page, site):
    page.set_viewport_size(PHONE)
    page.goto("/columns/klanten-komen-altijd-van-rechts-of-niet/")

    font_size = page.locator(".column__body p").first.evaluate(
        "(p) => parseFloat(getComputedStyle(p).fontSize)"
    )
    counts = page.evaluate(CHARACTERS_PER_LINE, ".column__body > p")

    assert font_size >= 16
    assert 28 <= statistics.median(counts) <= 50, counts


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_printed_column_has_no_navigation_and_spells_out_links(page, site, scheme):
    page.goto("/columns/ga-jij-naar-de-klant/")
    page.emulate_media(media="print", color_scheme=scheme)

    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".related")).to_be_hidden()
    expect(page.locator(".column__body")).to_be_visible()
    for selector in (".column__title", ".column__body p", ".author-box__name a"):
        colour = page.locator(selector).first.evaluate("(el) => getComputedStyle(el).color")
        assert colour == "rgb(0, 0, 0)", selector
    link_text = page.locator(".author-box a[href^='http']").first.evaluate(
        "(a) => getComputedStyle(a, '::after').content"
    )
    assert "http" in link_text
    tools.screenshot(page, f"column-print-{scheme}")
