"""Fixtures for the real-browser tests: Debian's Chromium driven by Playwright
against pytest-django's live server with the seed columns.

Later features add their flows as test_<area>.py files here and reuse these
fixtures: `site` (the live server with the seed loaded), `editor_page` (a page
logged in to /admin/ as a member of Redactie), `public_pages` (every public page,
crawled from /), and `tools.screenshot`, `tools.axe_violations`, `tools.vnu_errors`.
"""

import os

import pytest
from django.core.management import call_command
from django.test import override_settings

from . import tools

# pytest-django's live server and Playwright's sync API share the main thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="session", autouse=True)
def _live_server_serves_static_source_files():
    """The live server starts once, before any test's `settings`: give it the
    source-folder static files that tests/conftest.py gives each test."""
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=True,
        WHITENOISE_USE_FINDERS=True,
    ):
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, not a Playwright download (which does not work here)."""
    tools.require(
        tools.CHROMIUM.is_file(),
        f"Chromium ({tools.CHROMIUM})",
        "install the Debian packages chromium and chromium-driver (`make test` does, as root)",
    )
    return {
        **browser_type_launch_args,
        "executable_path": str(tools.CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *tools.CHROMIUM_FLAGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "nl-NL"}


@pytest.fixture(autouse=True)
def _fail_fast(context):
    """A page that does not show what a test waits for fails in seconds, not 30."""
    context.set_default_timeout(10_000)


@pytest.fixture(scope="session")
def base_url(_live_server_serves_static_source_files, live_server):
    """Playwright's page.goto("/...") goes to the live server."""
    return live_server.url


@pytest.fixture
def site(transactional_db, live_server):
    """The live server with the five seed columns; returns its address."""
    call_command("load_seed", verbosity=0)
    return live_server.url


@pytest.fixture
def editor_page(site, editor, browser, browser_context_args):
    """A page of its own, logged in to /admin/ through the login form as a member of
    Redactie; `page` stays an anonymous reader."""
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Gebruikersnaam").fill(editor.username)
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url("**/admin/")
    yield page
    context.close()


@pytest.fixture
def public_pages(site, settings):
    """Every public page a reader can reach by links from /, plus the 404 page, as
    {url: html}. Two columns a page, so later pages of listings are covered too."""
    settings.COLUMNS_PER_PAGE = 2
    pages = tools.crawl(f"{site}/")
    assert len(pages) >= 15, sorted(pages)
    missing = f"{site}/deze-pagina-bestaat-niet/"
    pages[missing] = tools.fetch(missing)[1]
    return pages
