"""Keyboard only: the skip link comes first, every link and control is reached by
Tab, and whatever has focus shows it."""

import pytest
from playwright.sync_api import expect

PAGES = [
    "/",
    "/columns/ga-jij-naar-de-klant/",
    "/themas/klant-centraal/",
    "/auteurs/",
    "/volgen/",
    "/zoeken/?q=klant&thema=klant-centraal",
]

FOCUSABLE = """() => [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
)].filter((el) => !el.disabled && el.getClientRects().length > 0
  // Deliberately out of the tab order (the reaction form's honeypot for robots).
  && el.getAttribute("tabindex") !== "-1"
  // A group of radio buttons is one Tab stop: its checked one (the arrows move inside).
  && !(el.type === "radio" && !el.checked
       && el.form?.querySelector(`input[type=radio][name="${el.name}"]:checked`)))
  .map((el) => el.outerHTML.slice(0, 120))"""

# What focus looks like on the element that has it: an outline or a ring.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    html: el.outerHTML.slice(0, 120),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    ring: style.boxShadow !== 'none',
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


def test_skip_link_is_first_visible_on_focus_and_jumps_to_the_content(page, site):
    page.goto("/columns/ga-jij-naar-de-klant/")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")

    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#inhoud")).to_be_focused()
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    )
    assert focused_in_main


@pytest.mark.parametrize("path", PAGES)
def test_tab_reaches_every_control_with_a_visible_focus_style(page, site, settings, path):
    page.goto(path)
    expected = page.evaluate(FOCUSABLE)
    reached, unstyled = [], []

    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["html"].startswith("<body"):
            break
        reached.append(state["html"])
        if not (state["outline"] or state["ring"]) or not state["visible"]:
            unstyled.append(state)

    assert reached == expected
    assert unstyled == []
