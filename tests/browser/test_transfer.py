"""The WordPress import in the admin, in a real browser: an editor with the permission
uploads WordPress's theme test export, reads the dry run and confirms; the columns are
there and an old address leads to one. Screenshots of both steps at 1280 px."""

import re

from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.test_transfer import WXR

from . import tools


def no_horizontal_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_editor_uploads_reads_dry_run_and_confirms(editor, editor_page, page):
    tools.require(WXR.exists(), str(WXR), "the shared import test data")
    editor.user_permissions.add(Permission.objects.get(codename="import_wordpress"))
    editor_page.goto("/admin/")
    editor_page.get_by_role("link", name="WordPress-imports").click()
    expect(editor_page.get_by_role("heading", name="WordPress-export importeren")).to_be_visible()
    tools.screenshot(editor_page, "admin-transfer-upload-desktop")
    editor_page.get_by_label("WordPress-export").set_input_files(str(WXR))
    # Reading (and importing) the file takes a few seconds, more on a busy machine.
    with editor_page.expect_navigation(timeout=120_000):
        editor_page.get_by_role("button", name="Proefdraai maken").click()

    expect(editor_page.get_by_text("Er is nog niets veranderd.")).to_be_visible()
    summary = editor_page.locator("table.transfer__summary")
    expect(summary.get_by_role("row", name="Columns 50 0 0 1")).to_be_visible()
    expect(editor_page.get_by_role("cell", name="Template: Comments", exact=True)).to_be_visible()
    assert no_horizontal_scroll(editor_page)
    tools.screenshot(editor_page, "admin-transfer-dry-run-desktop", full_page=False)
    assert tools.axe_violations(editor_page) == []

    with editor_page.expect_navigation(timeout=120_000):
        editor_page.get_by_role("button", name="Importeren bevestigen").click()
    expect(editor_page.get_by_role("heading", name="Import uitgevoerd")).to_be_visible()
    expect(editor_page.locator(".messagelist .success")).to_contain_text("nieuw: ")
    tools.screenshot(editor_page, "admin-transfer-done-desktop", full_page=False)

    page.goto("/2012/01/03/template-comments/")
    expect(page).to_have_url(re.compile(r"/columns/template-comments/$"))
    expect(page.get_by_role("heading", name="Template: Comments", exact=True)).to_be_visible()
