"""The newsroom in a real browser: an editor uploads an image with alt text, puts it in
a column from the editor and sees it in the live preview, saves, edits the text,
compares the two revisions and restores the first; a reader then sees the restored
text, the image with its srcset and the table of contents."""

import re

from playwright.sync_api import expect

from tests.images import picture_bytes

from . import tools

SLUG = "ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid"
ALT = "Een medewerker en een klant in gesprek aan een lage tafel"
FIRST_WORDS = "Evenwaardigheid begint bij luisteren."
EDITED_WORDS = "Evenwaardigheid begint bij praten."


def save_and_continue(editor_page):
    editor_page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(editor_page.locator(".messagelist .success")).to_be_visible()


def test_upload_insert_preview_edit_compare_restore_and_read(editor_page, page, site, tmp_path):
    from articles.models import Column

    column = Column.objects.get(slug=SLUG)
    photo = tmp_path / "gesprek aan tafel.jpg"
    photo.write_bytes(picture_bytes(1600, 1000, gps=True))

    # 1. Upload with alt text; the guidance is on the page.
    editor_page.goto("/admin/images/image/add/")
    expect(editor_page.get_by_text("Begin niet met ‘foto van’ of ‘afbeelding van’")).to_be_visible()
    editor_page.get_by_label("Bestand").set_input_files(str(photo))
    editor_page.get_by_label("Alt-tekst").fill(ALT)
    editor_page.get_by_label("Maker of bron").fill("Anna de Vries")
    editor_page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(editor_page.locator(".messagelist .success")).to_be_visible()

    # 2. Insert it from the editor and see it in the live preview.
    editor_page.goto(f"/admin/articles/column/{column.pk}/change/")
    body = editor_page.get_by_label("Tekst")
    body.press("Control+Home")
    body.press_sequentially(FIRST_WORDS + "\n\n")
    editor_page.get_by_role("button", name="Beeld invoegen").click()
    picker = editor_page.get_by_role("dialog", name="Kies een beeld")
    expect(picker).to_be_visible()
    picker.get_by_role("button", name=ALT).click()
    expect(picker).to_be_hidden()
    expect(body).to_have_value(re.compile(r"luisteren\.\n\n\[\[beeld:\d+\]\]\n\n"))
    preview = editor_page.locator("[data-newsroom-preview]")
    expect(preview.get_by_role("img", name=ALT)).to_be_visible()
    expect(preview).to_contain_text(FIRST_WORDS)
    expect(editor_page.locator("[data-newsroom-count]")).to_contain_text("min lezen")
    tools.screenshot(editor_page, "admin-editor-preview-desktop", full_page=False)
    editor_page.get_by_label("Notitie bij deze versie").fill("Beeld erbij")
    save_and_continue(editor_page)

    # 3. Edit the text and save again.
    text = editor_page.get_by_label("Tekst").input_value()
    editor_page.get_by_label("Tekst").fill(text.replace(FIRST_WORDS, EDITED_WORDS))
    expect(preview).to_contain_text(EDITED_WORDS)
    save_and_continue(editor_page)

    # 4. Compare the two revisions.
    editor_page.get_by_role("link", name="Geschiedenis").click()
    expect(editor_page.get_by_role("cell", name="Beeld erbij")).to_be_visible()
    editor_page.get_by_role("button", name="Vergelijk de gekozen versies").click()
    diff = editor_page.locator(".diff")
    expect(diff.locator("del")).to_contain_text("luisteren")
    expect(diff.locator("ins")).to_contain_text("praten")
    tools.screenshot(editor_page, "admin-revisions-compare-desktop")

    # 5. Restore the first: a new revision.
    editor_page.get_by_role("link", name="terugzetten…").first.click()
    editor_page.get_by_role("button", name="Ja, zet deze versie terug").click()
    expect(editor_page.locator(".messagelist .success")).to_contain_text("teruggezet")
    expect(editor_page.get_by_label("Tekst")).to_have_value(re.compile("luisteren"))

    # 6. A reader sees the restored text, the image with srcset, and the contents.
    page.goto(f"/columns/{SLUG}/")
    expect(page.locator(".column__body")).to_contain_text(FIRST_WORDS)
    expect(page.locator(".column__body")).not_to_contain_text(EDITED_WORDS)
    image = page.locator(".column__body figure img")
    expect(image).to_have_attribute("alt", ALT)
    expect(image).to_have_attribute("srcset", re.compile(r"/media/.+ 1600w"))
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    toc = page.get_by_role("navigation", name="In deze column")
    headings = page.locator(".column__body h2, .column__body h3").count()
    assert headings >= 3
    expect(toc.get_by_role("link")).to_have_count(headings)
    toc.get_by_role("link", name="Protocollen").click()
    expect(page).to_have_url(f"{site}/columns/{SLUG}/#protocollen")
    tools.screenshot(page, "column-with-images-desktop")
