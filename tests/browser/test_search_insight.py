"""A reader searches for a word that finds nothing; the editor sees it in Zoekinzicht,
adds a synonym from there in one click; the reader's next search (a page the page
cache had stored) finds the column and says "Ook gezocht op". The reader opens it
without JavaScript, and the browser's ping counts it for Zoekinzicht."""

import pytest
from playwright.sync_api import expect

from search import log
from search.models import SearchLog, SynonymSet

from . import tools

WORD = "gelijkwaardigheid"
COLUMN = "Ook in relaties met klanten draait het om evenwaardigheid"
# Playwright's own user agent says "HeadlessChrome", which the log leaves out as a bot.
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def reader(site, settings, browser, browser_context_args):
    """An anonymous reader's page without JavaScript, served by the page cache."""
    settings.PAGE_CACHE_SECONDS = 600
    context = browser.new_context(
        **browser_context_args, user_agent=READER_AGENT, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_failed_search_becomes_a_synonym_and_the_next_search_finds_the_column(
    reader, editor_page, page
):
    reader.goto(f"/zoeken/?q={WORD}")
    expect(reader.locator(".search-message")).to_contain_text("Geen columns gevonden.")
    reader.reload()
    expect(reader.locator(".search-message")).to_contain_text("Geen columns gevonden.")

    # Zoekinzicht shows it at once (the page writes its own worker's searches first).
    editor_page.goto("/admin/")
    editor_page.get_by_role("link", name="Zoekinzicht").click()
    expect(editor_page.get_by_role("heading", level=1)).to_have_text("Zoekinzicht")
    failed = editor_page.locator("section", has=editor_page.locator("#zonder-resultaat"))
    row = failed.get_by_role("row", name=WORD)
    expect(row.get_by_role("cell").nth(0)).to_have_text("2")
    tools.screenshot(editor_page, "zoekinzicht")
    assert tools.axe_violations(editor_page) == []

    row.get_by_role("link", name="Synoniem toevoegen").click()
    words = editor_page.get_by_label("Woorden")
    expect(words).to_have_value(WORD)
    words.fill(f"{WORD}, evenwaardigheid")
    editor_page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(editor_page.locator(".messagelist")).to_contain_text("toegevoegd")
    assert str(SynonymSet.objects.get()) == f"{WORD}, evenwaardigheid"

    reader.goto(f"/zoeken/?q={WORD}")
    expect(reader.locator(".search-synonyms")).to_have_text("Ook gezocht op: evenwaardigheid")
    first = reader.locator("#zoekresultaten li").first
    expect(first.get_by_role("heading")).to_have_text(COLUMN)
    tools.screenshot(reader, "zoeken-ook-gezocht-op")
    page.goto(f"/zoeken/?q={WORD}")  # axe needs JavaScript; a bot's visit, not logged
    assert tools.axe_violations(page) == []

    with reader.expect_request("**/zoeken/geopend/**") as pinged:
        first.get_by_role("link", name=COLUMN).click()
    assert "positie=1" in pinged.value.url
    expect(reader.get_by_role("heading", level=1)).to_have_text(COLUMN)
    reader.wait_for_timeout(500)  # the ping's answer: no page waits for it

    log.flush()
    searches = SearchLog.objects.order_by("pk").values_list("query", "results", "opened_rank")
    *failed_twice, found = searches
    assert failed_twice == [(WORD, 0, None), (WORD, 0, None)]
    assert found[0] == WORD and found[1] > 0 and found[2] == 1
    editor_page.goto("/admin/search/searchlog/")
    opened = editor_page.locator("section", has=editor_page.locator("#meest-geopend"))
    expect(opened.get_by_role("row", name=COLUMN)).to_be_visible()
