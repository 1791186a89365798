"""The CSRF tokens filled into cached pages are Django's own (its public get_token):
Django's CSRF check accepts them, and only for the reader they were made for."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from pytest_django.asserts import assertContains

from ops import pagecache

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
APPS = ["kb", "articles", "search", "reactions", "ops"]


@pytest.fixture(autouse=True)
def page_cache_on(settings, db):
    settings.PAGE_CACHE_SECONDS = 600
    settings.ROOT_URLCONF = "tests.ops_urls"
    settings.PAGE_CACHE_NAMESPACES = ["proef"]
    # An empty page cache: pages stored by an earlier test that committed (the cache
    # table is no model, so the flush after a transactional test leaves it) stay out.
    cache.clear()
    pagecache._recent.entries.clear()


def cached_form(reader):
    """The test form page, from the page cache, and the CSRF token in it."""
    Client().get("/proef/formulier/")  # someone else filled the cache
    page = reader.get("/proef/formulier/")
    assert page["X-Page-Cache"] == "hit"
    return page, TOKEN.search(page.content.decode()).group(1)


def send(reader, token):
    return reader.post("/proef/formulier/", {"naam": "Els", "csrfmiddlewaretoken": token})


def test_a_new_reader_gets_a_cookie_and_a_token_that_django_accepts():
    reader = Client(enforce_csrf_checks=True)
    page, token = cached_form(reader)
    assert len(page.cookies["csrftoken"].value) == 32 and len(token) == 64
    assertContains(send(reader, token), "Ontvangen: Els")


def test_a_reader_with_a_cookie_keeps_it_and_gets_a_fresh_token_every_time():
    reader = Client(enforce_csrf_checks=True)
    reader.get("/proef/formulier/")
    secret = reader.cookies["csrftoken"].value
    tokens = {cached_form(reader)[1] for _ in range(3)}
    assert len(tokens) == 3  # masked afresh for every page (BREACH)
    assert reader.cookies["csrftoken"].value == secret
    for token in tokens:
        assertContains(send(reader, token), "Ontvangen: Els")


def test_a_token_made_for_another_reader_is_refused():
    mine, theirs = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    cached_form(mine)
    _, their_token = cached_form(theirs)
    assert send(mine, their_token).status_code == 403


def private_django_names(source):
    """Names starting with _ that `source` imports from Django or reaches through
    a Django module (`django.middleware.csrf._unmask_cipher_token`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            chain = node.value
            while isinstance(chain, ast.Attribute):
                chain = chain.value
            if isinstance(chain, ast.Name) and chain.id == "django":
                found.append(ast.unparse(node))
    return found


def test_private_names_are_found():
    source = (
        "import django.middleware.csrf\n"
        "from django.middleware.csrf import _unmask_cipher_token, get_token\n"
        "django.middleware.csrf._mask_cipher_secret('x')\n"
        "model._meta.label\n"
    )
    assert private_django_names(source) == [
        "django.middleware.csrf._unmask_cipher_token",
        "django.middleware.csrf._mask_cipher_secret",
    ]


def test_the_apps_use_no_private_function_of_django():
    """Django's private functions may change in any release; the apps use its public API."""
    found = {
        str(path.relative_to(settings.BASE_DIR)): names
        for app in APPS
        for path in sorted(Path(settings.BASE_DIR, app).rglob("*.py"))
        if (names := private_django_names(path.read_text()))
    }
    assert found == {}
