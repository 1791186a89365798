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
from django.db import connections
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
        SERVE_MEDIA=True,  # uploaded images, from each test's own media folder
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_database_connections_left(django_db_setup, django_db_blocker):
    """Django keeps a database connection per context, and Playwright's sync API
    runs tests in a context of their own: connections opened there are out of reach
    of Django's teardown. On PostgreSQL a leftover connection keeps the test database
    from being dropped ("being accessed by other users"): end them before it goes."""
    with django_db_blocker.unblock():
        connection = connections["default"]
        vendor, params = connection.vendor, connection.get_connection_params()
    yield
    if vendor != "postgresql":
        return
    import psycopg

    test_database = params.pop("dbname")
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [test_database],
        )


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
def base_url(_live_server_serves_static_source_files, django_db_setup, live_server):
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


# Search pages a reader reaches by typing: results with facets and highlights, a
# filter applied, a page sorted by date, a misspelling corrected, the same searched as
# typed with a suggestion, nothing found.
SEARCHES = [
    "/zoeken/?q=klant",
    "/zoeken/?q=klanten&thema=klant-centraal",
    "/zoeken/?q=klant&sorteer=datum",
    "/zoeken/?q=evenwaardighied",
    "/zoeken/?q=evenwaardighied&letterlijk=1",
    "/zoeken/?q=zwembadrooster",
]
# A column with a conversation under it: a reader's reaction and the editors' answer.
REACTED_COLUMN = "ga-jij-naar-de-klant"
# A long column with a header image and two images in its text (and so a table of
# contents, breadcrumbs and figures) for the checkers.
ILLUSTRATED_COLUMN = "ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid"


@pytest.fixture
def public_pages(site, settings):
    """Every public page a reader can reach by links from /, the search pages above
    and the 404 page, as {url: html}. Two columns a page, so later pages of listings
    are covered too; reactions open (the seed columns are old), and one column with
    reactions, so the reaction form and a conversation are checked as well."""
    from articles.models import Column
    from tests.factories import ReactionFactory

    settings.COLUMNS_PER_PAGE = 2
    from tests.images import illustrate

    illustrate(ILLUSTRATED_COLUMN)
    column = Column.objects.get(slug=REACTED_COLUMN)
    question = ReactionFactory(
        column=column, name="Anna de Vries", body="Herkenbaar! Hoe begin je daarmee?"
    )
    ReactionFactory(
        column=column,
        parent=question,
        by_editor=True,
        name="Redactie",
        body="Begin met **luisteren**: vraag je klant wat hij nodig heeft.",
    )
    pages = tools.crawl(f"{site}/")
    assert len(pages) >= 15, sorted(pages)
    for path in [*SEARCHES, "/deze-pagina-bestaat-niet/"]:
        pages[f"{site}{path}"] = tools.fetch(f"{site}{path}")[1]
    return pages
