"""A reader reacts under a column, sees it wait; an editor of Redactie approves it
in /admin/; then every reader sees it, on the column page and in the listing, served
by the page cache as in production; the reader's next reaction is published at once."""

import pytest
from playwright.sync_api import expect

from . import tools
from .conftest import DESKTOP, PHONE

COLUMN = "/columns/ga-jij-naar-de-klant/"
TITLE = "Ga jij naar de klant?"
BODY = "Herkenbaar: bij ons zit de klant sinds kort gewoon aan tafel bij het teamoverleg."


@pytest.fixture
def form_without_wait(settings):
    """A person filling in the form in a test is faster than the robot check and the
    flood limit allow; the page cache is on, as in production."""
    settings.REACTIONS_MIN_FORM_SECONDS = 0
    settings.REACTIONS_MIN_INTERVAL = 0
    settings.PAGE_CACHE_SECONDS = 600


def test_reaction_waits_is_approved_and_appears_for_everyone(
    page, editor_page, site, form_without_wait, browser, browser_context_args
):
    page.goto(COLUMN)
    form = page.locator("form.reaction-form")
    form.get_by_role("textbox", name="Naam *").fill("Anna de Vries")
    form.get_by_role("textbox", name="E-mail *").fill("anna@example.nl")
    form.get_by_role("textbox", name="Reactie *").fill(BODY)
    form.get_by_role("button", name="Plaats reactie").click()

    expect(page.locator(".messages")).to_contain_text("Je reactie wacht op goedkeuring")
    own = page.locator(".reaction--pending")
    expect(own).to_have_count(1)
    expect(own).to_contain_text(BODY)
    expect(own.locator(".reaction__status")).to_have_text(
        "Wacht op goedkeuring — alleen jij ziet deze reactie nu."
    )
    expect(page.locator("#reacties")).not_to_contain_text(BODY)
    assert tools.axe_violations(page) == []  # the thank-you message and the waiting reaction
    tools.screenshot(page, "column-reaction-waiting-desktop")
    page.locator(".column-reactions").screenshot(
        path=tools.ARTIFACTS / "screenshots" / "reactions-waiting-desktop.png"
    )

    # Another reader does not see it yet.
    reader = browser.new_context(**browser_context_args)
    other = reader.new_page()
    assert other.goto(COLUMN).headers["x-page-cache"] in {"hit", "miss"}  # from the cache
    expect(other.get_by_text(BODY)).to_have_count(0)

    # The editor approves it with the changelist's bulk action.
    editor_page.goto("/admin/reactions/reaction/?status__exact=pending")
    row = editor_page.get_by_role("row", name="Anna de Vries")
    expect(row).to_contain_text(TITLE)
    row.get_by_role("checkbox").check()
    editor_page.get_by_label("Actie:").select_option("approve")
    editor_page.get_by_role("button", name="Uitvoeren").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("1 reactie goedgekeurd")

    # Now every reader sees it at once, with the count on the column and in the listing.
    assert other.goto(COLUMN).headers["x-page-cache"] == "miss"  # the cache was refreshed
    reactions = other.locator("#reacties")
    expect(reactions.get_by_role("heading", level=2)).to_have_text("1 reactie")
    expect(reactions.locator(".reaction")).to_have_count(1)
    expect(reactions.locator(".reaction")).to_contain_text("Anna de Vries")
    expect(reactions.locator(".reaction")).to_contain_text(BODY)
    expect(other.locator(".reaction--pending")).to_have_count(0)
    expect(other.locator(".byline").get_by_role("link", name="1 reactie")).to_be_visible()
    for scheme in ("light", "dark"):
        other.emulate_media(color_scheme=scheme)
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            other.set_viewport_size(viewport)
            other.locator("#reacties").scroll_into_view_if_needed()
            path = tools.screenshot(other, f"column-with-reaction-{width}-{scheme}")
            assert path.stat().st_size > 10_000
            # The reactions close up, for a person judging them.
            other.locator(".column-reactions").screenshot(
                path=path.with_name(f"reactions-{width}-{scheme}.png")
            )

    other.goto("/columns/")
    card = other.locator(".card", has=other.get_by_role("link", name=TITLE))
    expect(card.locator(".meta__reactions")).to_have_text("1 reactie")
    card.locator(".meta__reactions").click()
    expect(other).to_have_url(f"{site}{COLUMN}#reacties")
    reader.close()

    # The writer's own page shows it published, no longer as waiting.
    page.goto(COLUMN)
    expect(page.locator(".reaction--pending")).to_have_count(0)
    expect(page.locator("#reacties")).to_contain_text(BODY)

    # Her next reaction, from the same browser, is published at once.
    form.get_by_role("textbox", name="Naam *").fill("Anna de Vries")
    form.get_by_role("textbox", name="E-mail *").fill("anna@example.nl")
    form.get_by_role("textbox", name="Reactie *").fill("En nog een aanvulling.")
    form.get_by_role("button", name="Plaats reactie").click()
    expect(page.locator(".messages")).to_contain_text("Je reactie is geplaatst")
    expect(page.locator("#reacties")).to_contain_text("En nog een aanvulling.")
