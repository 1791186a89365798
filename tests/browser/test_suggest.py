"""Search as you type, by keyboard only: the header box and the search page's box
suggest themes, authors and columns while a reader types, forgive a typo, say how
many suggestions there are, and open the chosen one with Enter."""

import re

import pytest
from playwright.sync_api import expect

from . import tools
from .conftest import DESKTOP, PHONE

SUGGESTIONS = "/zoeken/suggesties/"


def header_box(page):
    return page.locator(".site-header").get_by_role("combobox", name="Zoeken")


def options(page):
    return page.get_by_role("listbox", name="Suggesties").get_by_role("option")


def tab_to(page, box, limit=12):
    """Press Tab until `box` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if box.evaluate("element => element === document.activeElement"):
            return
    pytest.fail("Tab never reached the search box")


def test_a_suggestion_chosen_by_keyboard_from_the_header(page, site):
    page.goto("/")
    box = header_box(page)
    expect(box).to_have_attribute("aria-expanded", "false")
    tab_to(page, box)

    page.keyboard.insert_text("hremarij")  # two letters swapped; one answer (see below)

    expect(options(page)).to_have_count(1)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options(page).first).to_contain_text("John Hermarij")
    expect(options(page).first).to_contain_text("Auteur · 1 column")
    expect(page.locator(".site-header [role=status]")).to_have_text("1 suggestie")
    listbox_id = box.get_attribute("aria-controls")
    expect(page.locator(f"#{listbox_id}")).to_have_attribute("role", "listbox")

    page.keyboard.press("ArrowDown")

    first = options(page).first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(box).to_be_focused()

    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/auteurs/john-hermarij/$"))


def test_arrow_keys_escape_and_tab(page, site):
    page.goto("/columns/")
    box = header_box(page)
    tab_to(page, box)
    # One input event, so one answer: typed letter by letter on a loaded machine, the
    # list for "klan" could show first and the one for "klant" replace it (and the
    # chosen option) between the key presses below.
    page.keyboard.insert_text("klant")

    expect(options(page).first).to_contain_text("klant centraal")
    count = options(page).count()
    assert 3 <= count <= 8
    expect(page.locator(".site-header [role=status]")).to_have_text(f"{count} suggesties")
    # Up from the box wraps to the last suggestion, down from the last to the first.
    page.keyboard.press("ArrowUp")
    expect(options(page).last).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(options(page).first).to_have_attribute("aria-selected", "true")
    expect(options(page).last).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowDown")
    expect(options(page).nth(1)).to_have_attribute("aria-selected", "true")

    # Escape closes the list and keeps the text; a second Escape clears the box.
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox", name="Suggesties")).to_be_hidden()
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile("."))
    expect(box).to_have_value("klant")
    # Down opens it again.
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options(page).first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(box).to_have_value("")
    expect(page.locator(".site-header [role=status]")).to_have_text("")

    # Tab leaves the box and closes the list, choosing nothing.
    page.keyboard.type("vriend", delay=30)
    expect(options(page)).to_have_count(1)
    page.keyboard.press("Tab")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page).to_have_url(re.compile(r"/columns/$"))


def test_enter_without_a_chosen_suggestion_searches(page, site):
    page.goto("/zoeken/?q=klant")
    box = page.get_by_role("combobox", name="Zoek in alle columns")
    box.fill("")
    box.focus()
    page.keyboard.type("evenwaadigheid", delay=20)  # a letter missing

    expect(options(page).first).to_contain_text("evenwaardigheid")
    expect(options(page).first.locator("mark")).to_have_text("evenwaardigheid")
    tools.screenshot(page, "suggesties-zoekpagina", full_page=False)
    assert tools.axe_violations(page) == []
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/zoeken/\?q=evenwaadigheid$"))


def test_no_suggestions_is_announced(page, site):
    page.goto("/zoeken/")
    box = page.get_by_role("combobox", name="Zoek in alle columns")
    box.focus()
    page.keyboard.type("zwembadrooster", delay=20)
    status = page.locator(".search-form [role=status]")
    expect(status).to_have_text("Geen suggesties")
    expect(box).to_have_attribute("aria-expanded", "false")


def test_requests_are_debounced_and_outdated_ones_aborted(page, site):
    asked, failed, held = [], [], []
    page.on(
        "request",
        lambda request: SUGGESTIONS in request.url and asked.append(request.url),
    )
    page.on(
        "requestfailed",
        lambda request: SUGGESTIONS in request.url and failed.append(request.url),
    )
    # The answer for "gaa" never comes: the next letter must abort it.
    page.route(re.compile(r".*/zoeken/suggesties/\?q=gaa$"), lambda route: held.append(route))
    page.goto("/")
    box = header_box(page)
    box.focus()

    page.keyboard.type("ga jij naar", delay=10)  # faster than the debounce
    expect(options(page)).to_have_count(1)
    assert len(asked) <= 2, asked

    box.fill("")
    page.keyboard.type("gaa", delay=10)
    page.wait_for_timeout(400)
    assert held, "the request for 'gaa' was made"
    page.keyboard.type("n", delay=10)
    expect(page.locator(".site-header [role=status]")).to_have_text("Geen suggesties")
    assert any(url.endswith("q=gaa") for url in failed), failed


def test_the_plain_form_works_without_javascript(browser, site, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    box = page.locator(".site-header").get_by_role("searchbox", name="Zoeken")
    expect(box).not_to_have_attribute("role", "combobox")
    box.fill("klant")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/zoeken/\?q=klant$"))
    expect(page.locator("ol#zoekresultaten > li").first).to_be_visible()
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_suggestions_pass_axe_and_vnu(page, site, viewport, scheme):
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    page.goto("/columns/ga-jij-naar-de-klant/")
    box = header_box(page)
    box.focus()
    page.keyboard.type("klant", delay=20)
    expect(options(page).first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    name = f"suggesties-{'desktop' if viewport == DESKTOP else 'phone'}-{scheme}"
    tools.screenshot(page, name, full_page=False)
    assert tools.axe_violations(page) == []
    if viewport == DESKTOP and scheme == "light":
        assert tools.vnu_errors({page.url: page.content()}) == []
