"""What a reader notices about the layout: at 1280 and 375 px nothing scrolls
sideways, the navigation is in reach, and body text has a comfortable measure."""

import re
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


# Every screen an editor of Redactie uses, by screenshot name.
ADMIN_SCREENS = {
    "index": "/admin/",
    "columns": "/admin/articles/column/",
    "columns-2019": "/admin/articles/column/?published_at__year=2019",
    "column-add": "/admin/articles/column/add/",
    "column-change": "/admin/articles/column/{column}/change/",
    "column-delete": "/admin/articles/column/{column}/delete/",
    "authors": "/admin/articles/author/",
    "author-change": "/admin/articles/author/{author}/change/",
    "themes": "/admin/articles/theme/",
    "theme-change": "/admin/articles/theme/{theme}/change/",
    "reactions": "/admin/reactions/reaction/",
    "reaction-change": "/admin/reactions/reaction/{reaction}/change/",
    "moderation-words": "/admin/reactions/moderationword/",
    "moderation-word-add": "/admin/reactions/moderationword/add/",
    "trusted-addresses": "/admin/reactions/trustedaddress/",
    "trusted-address-add": "/admin/reactions/trustedaddress/add/",
    "answers": "/admin/feedback/vote/",
    "useful-per-column": "/admin/feedback/columnfeedback/",
    "figures": "/admin/figures/dailyviews/",
    "figures-week": "/admin/figures/dailyviews/?dagen=7",
    "password": "/admin/password_change/",
}
# English that Django 6.1 leaves in its Dutch admin, and the "(s)" of lazy plurals.
ENGLISH = re.compile(
    r"\b(Filter by|Select an option|Note|Search|Today|Yesterday|Tomorrow|Previous|Next"
    r"|hours?|ahead|behind|results?|selected|Delete|Save|History|Logout|Log out)\b|\(s\)"
)
# What the page says, in text and in the attributes that assistive technology reads.
PAGE_TEXT = """() => [document.body.innerText, ...[...document.querySelectorAll(
  '[alt], [title], [aria-label], [placeholder], input[type=submit]'
)].flatMap((el) => [el.alt, el.title, el.ariaLabel, el.placeholder,
                    el.type === 'submit' ? el.value : ''])
  // Django writes a boolean icon's value (True/False) as its alt text; the icons are
  // on the reactions screens only (reactions/admin.py).
  .filter((text) => text && !/^(True|False|None)$/.test(text))].join('\\n')"""
# Elements whose content is wider than they are: a list or an input cut off.
CLIPPED = """() => [...document.querySelectorAll('.results, input.vTextField, input.vURLField')]
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .map((el) => `${el.className || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`)"""


def long_content():
    """A column, author, themes and reaction with long names, for the lists to fit."""
    from tests import factories

    author = factories.AuthorFactory(
        name="Maria-Josefien van den Heuvel-Oosterbroek",
        role="zelfstandig adviseur klantcontact, interimmanager en auteur bij Heuvel & Partners",
    )
    column = factories.ColumnFactory(
        author=author,
        title="Waarom de klant die altijd gelijk heeft soms toch ongelijk krijgt van de balie",
        themes=[
            factories.ThemeFactory(name=name)
            for name in (
                "klantgerichte dienstverlening",
                "samenwerking tussen afdelingen",
                "medewerkerstevredenheid",
                "leiderschapsontwikkeling",
            )
        ],
    )
    reaction = factories.ReactionFactory(
        column=column,
        email="maria-josefien.vandenheuvel-oosterbroek@heuvelenpartners-advies.example.nl",
        status="pending",
        reason="first",
    )
    from datetime import timedelta

    from django.utils import timezone

    from feedback.models import Vote
    from figures.models import DailyViews

    Vote.objects.create(column=column, useful=True)
    Vote.objects.create(
        column=column, useful=False, reason="onduidelijk", comment="Ik mis een voorbeeld. " * 10
    )
    for days_ago in range(0, 30, 3):
        day = timezone.localdate() - timedelta(days=days_ago)
        DailyViews.objects.create(column=column, day=day, views=100 + 7 * days_ago, from_search=9)
    return {"column": column.pk, "author": author.pk, "theme": 1, "reaction": reaction.pk}


def test_every_admin_screen_fits_at_1280_and_speaks_dutch(
    site, editor, browser, browser_context_args
):
    ids = long_content()
    # A clock in another time zone than the server's, so date fields show their note.
    context = browser.new_context(**{**browser_context_args, "timezone_id": "UTC"})
    page = context.new_page()
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Gebruikersnaam").fill(editor.username)
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url("**/admin/")

    problems = []
    for name, path in ADMIN_SCREENS.items():
        page.goto(path.format(**ids))
        tools.screenshot(page, f"admin-{name}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > DESKTOP["width"]:
            problems.append(f"{name}: {width}px wide")
        problems += [f"{name}: cut off: {clipped}" for clipped in page.evaluate(CLIPPED)]
        english = sorted({match[0] for match in ENGLISH.finditer(page.evaluate(PAGE_TEXT))})
        if english:
            problems.append(f"{name}: English: {english}")
    page.goto("/admin/articles/column/add/")
    note = page.locator(".timezonewarning").inner_text()
    context.close()

    assert problems == []
    assert note.startswith("Let op: vul tijden in volgens de tijdzone Europe/Amsterdam.")
