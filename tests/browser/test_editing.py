"""An editor of Redactie writes, previews, publishes and unpublishes a column in
/admin/, and a reader sees it come and go."""

from playwright.sync_api import expect

from . import tools

TITLE = "Luisteren begint bij de balie"
SLUG = "luisteren-begint-bij-de-balie"
PLACES = ["/", "/themas/klant-centraal/", "/themas/medewerkers-eerst/", "/auteurs/dirk-boersma/"]
NEW_THEME = "/themas/aan-de-balie/"


def reader_sees(page, path):
    page.goto(path)
    return page.get_by_role("link", name=TITLE).count() > 0


def choose_theme(editor_page, typed, option):
    """Type in the themes field and pick `option` from what it offers."""
    editor_page.locator(".field-themes .select2-search__field").fill(typed)
    editor_page.get_by_role("option", name=option, exact=True).click()


def save_and_continue(editor_page):
    editor_page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(editor_page.locator(".messagelist .success")).to_be_visible()


def test_editor_drafts_previews_publishes_and_unpublishes(editor_page, page, site):
    editor_page.goto("/admin/articles/column/add/")
    editor_page.get_by_label("Titel").fill(TITLE)
    editor_page.get_by_label("Titel").press("End")  # the slug follows on keyup
    expect(editor_page.get_by_label("Slug")).to_have_value(SLUG)
    editor_page.locator(".field-author .select2-selection").click()
    editor_page.locator(".select2-dropdown .select2-search__field").fill("Dirk")
    editor_page.get_by_role("option", name="Dirk Boersma").click()
    editor_page.get_by_label("Inleiding").fill(
        "Wie de klant wil begrijpen, begint bij wie hem ziet."
    )
    editor_page.get_by_label("Tekst").fill(
        "## Aan de balie\n\nDe medewerker aan de balie hoort elke dag wat klanten willen.\n\n"
        "> Vraag het aan wie de klant spreekt.\n"
    )
    # Existing themes from the autocomplete (whatever the case typed), and a new one.
    choose_theme(editor_page, "klant", "klant centraal")
    choose_theme(editor_page, "Medewerkers", "medewerkers eerst")
    choose_theme(editor_page, "Aan de Balie", "Nieuw thema: aan de balie")
    expect(editor_page.locator(".field-themes .select2-selection__choice")).to_have_text(
        ["×klant centraal", "×medewerkers eerst", "×aan de balie"]
    )
    expect(editor_page.get_by_label("Status")).to_have_value("draft")
    save_and_continue(editor_page)
    tools.screenshot(editor_page, "admin-change-form-desktop")
    editor_page.set_viewport_size({"width": 375, "height": 740})
    tools.screenshot(editor_page, "admin-change-form-phone")
    editor_page.set_viewport_size({"width": 1280, "height": 900})

    # Preview ("Weergeven op website"): the editor sees a banner, the public a 404.
    editor_page.get_by_role("link", name="Weergeven op website").click()
    expect(editor_page).to_have_url(f"{site}/columns/{SLUG}/")
    expect(editor_page.locator(".banner")).to_contain_text("Concept")
    expect(editor_page.locator(".column .chips")).to_contain_text("klant centraal")
    expect(editor_page.locator(".column .chips")).to_contain_text("medewerkers eerst")
    expect(editor_page.locator(".column .chips")).to_contain_text("aan de balie")
    assert page.goto(f"/columns/{SLUG}/").status == 404
    assert page.goto(NEW_THEME).status == 404  # a theme on a draft only is not public
    assert not any(reader_sees(page, path) for path in PLACES)

    # Publish: status Gepubliceerd with an empty moment means now.
    editor_page.go_back()
    editor_page.get_by_label("Status").select_option("published")
    save_and_continue(editor_page)
    for path in [*PLACES, NEW_THEME]:
        assert reader_sees(page, path), path
    page.goto(f"/columns/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".banner")).to_have_count(0)

    # Unpublish with the changelist action, and it disappears everywhere.
    editor_page.goto("/admin/articles/column/")
    editor_page.get_by_role("row", name=TITLE).get_by_role("checkbox").check()
    editor_page.get_by_label("Actie:").select_option("unpublish")
    editor_page.get_by_role("button", name="Uitvoeren").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("teruggezet naar concept")
    for path in PLACES:
        assert not reader_sees(page, path), path
    assert page.goto(f"/columns/{SLUG}/").status == 404
