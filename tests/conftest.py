import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings
from pytest_django.plugin import blocking_manager_key

from . import factories, images, reactions
from .redactie import redactie_group, restore_redactie_group


def _empties_the_database(item):
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in item.fixturenames
        or "live_server" in item.fixturenames
        or (marker is not None and marker.kwargs.get("transaction", False))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Transactional and live-server tests empty the database when they end;
    afterwards, put back what the migrations made (the Redactie group) for the tests
    that run after them, whichever tests share the process. (Serialized rollback
    cannot: Playwright's sync API runs a browser test in another context, whose
    database connection never saw the serialized data.)"""
    result = yield
    # After the last test the session's fixtures are gone, the test database with them.
    if nextitem is not None and _empties_the_database(item):
        with item.config.stash[blocking_manager_key].unblock():
            restore_redactie_group()
            connections.close_all()
    return result


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Production hashes a password in ~0.3 s (PBKDF2, by design); the suite creates
    and logs in an editor in hundreds of tests. Tests of the login itself check what
    it does, not the hash's strength, so they use the fastest hasher."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Serve static files from the source folders, as in development: tests don't
    run collectstatic, so there is no manifest of hashed names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploaded images go to a folder of each test's own, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Views are tested as they run; tests/test_pagecache.py turns the page cache on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _no_view_counts_carried_over():
    """Views counted in one test are never written during another."""
    from figures import counter

    counter.discard()
    yield
    counter.discard()


@pytest.fixture(autouse=True)
def _no_remembered_suggestions():
    """Each process keeps the search suggestions' names, synonyms and recommendations
    while the page cache's content generation stays; content made in a test's
    transaction never moves it (its on_commit never runs), so every test starts
    without them."""
    from search import curated, suggest

    suggest.forget()
    curated.forget()


@pytest.fixture(autouse=True)
def _no_searches_logged_across_tests():
    """Searches logged in one test are never written during another."""
    from search import log

    log.discard()
    yield
    log.discard()


@pytest.fixture
def author(db):
    return factories.AuthorFactory()


@pytest.fixture
def theme(db):
    return factories.ThemeFactory(name="klant centraal", slug="klant-centraal")


@pytest.fixture
def column_factory(db):
    return factories.ColumnFactory


@pytest.fixture
def column(db, theme):
    return factories.ColumnFactory(themes=[theme])


@pytest.fixture
def seed(db):
    """The five seed columns, loaded as `make run` loads them."""
    call_command("load_seed", verbosity=0)


@pytest.fixture
def editor(db, django_user_model):
    """A member of the editors' group, as the redactie works."""
    user = django_user_model.objects.create_user(
        username="redacteur", password="geheim-wachtwoord-123", is_staff=True
    )
    user.groups.add(redactie_group())
    return user


@pytest.fixture
def editor_client(editor):
    """A browser of its own for the editor, so `client` stays an anonymous reader."""
    editor_client = Client()
    editor_client.force_login(editor)
    return editor_client


@pytest.fixture
def image_factory(db):
    """make(alt_text=..., width=..., height=..., ...): a library image from a generated
    picture, stored as an upload would be."""
    return images.make_image


@pytest.fixture
def reaction_factory(db):
    return factories.ReactionFactory


@pytest.fixture
def post_reaction(client):
    """Post the reaction form as a browser would, with a form shown `age` seconds ago."""

    def post(column, *, using=None, **kwargs):
        return reactions.post_reaction(using or client, column, **kwargs)

    return post
