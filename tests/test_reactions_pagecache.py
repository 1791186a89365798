"""The column page with its reaction form, served from the page cache."""

import re

import pytest
from django.core import signing
from django.test import Client
from pytest_django.asserts import assertContains

from reactions.forms import TOKEN_SALT
from reactions.models import ModerationWord, Reaction

from .reactions import Browser, page_cache_on, post_reaction

FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings, db):
    page_cache_on(settings)
    settings.REACTIONS_MIN_FORM_SECONDS = 0


def read_form(reader, column):
    page = reader.get(column.get_absolute_url())
    html = page.content.decode()
    token = FORM_TOKEN.search(html).group(1)
    return page, token, CSRF_TOKEN.search(html).group(1)


def test_every_reader_of_a_cached_column_page_gets_a_fresh_form_token(column):
    readers = [Client(enforce_csrf_checks=True) for _ in range(3)]
    forms = [read_form(reader, column) for reader in readers]

    assert [page["X-Page-Cache"] for page, _, _ in forms] == ["miss", "hit", "hit"]
    tokens = [token for _, token, _ in forms]
    assert len(set(tokens)) == 3
    for token in tokens:
        assert signing.loads(token, salt=TOKEN_SALT)["column"] == column.pk

    for number, (reader, (_, token, csrf)) in enumerate(zip(readers, forms, strict=True)):
        response = reader.post(
            f"/columns/{column.slug}/reageren/",
            {
                "name": f"Lezer {number}",
                "email": f"lezer{number}@example.nl",
                "body": f"Reactie nummer {number}.",
                "token": token,
                "homepage": "",
                "csrfmiddlewaretoken": csrf,
            },
            REMOTE_ADDR=f"192.0.2.{number + 1}",
        )
        assert response.status_code == 302
    assert Reaction.objects.count() == 3


def test_an_approved_reaction_shows_at_once_on_a_cached_column_page(
    client, column, django_capture_on_commit_callbacks
):
    assert client.get(column.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(column.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        reaction = Reaction.objects.create(
            column=column,
            name="Bea",
            email="bea@example.nl",
            body="Mooi stuk.",
            status=Reaction.Status.PENDING,
        )
    assert "Mooi stuk." not in client.get(column.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reaction.status = Reaction.Status.APPROVED
        reaction.save()

    page = client.get(column.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assertContains(page, "Mooi stuk.")


@pytest.mark.parametrize(
    ("body", "status"), [("Een eerste reactie.", "pending"), ("Casino!", "spam")]
)
def test_a_reaction_nobody_else_sees_leaves_the_cached_pages_alone(column, body, status):
    ModerationWord.objects.create(phrase="casino", action="block")
    reader = Browser()
    for url in [column.get_absolute_url(), "/columns/"]:
        assert reader.get(url)["X-Page-Cache"] == "miss"

    assert post_reaction(Browser(), column, body=body).status_code == 302

    assert Reaction.objects.get().status == status
    for url in [column.get_absolute_url(), "/columns/"]:
        page = reader.get(url)
        assert page["X-Page-Cache"] == "hit"
        assert body not in page.content.decode()


def test_readers_served_in_the_same_millisecond_get_different_form_tokens(
    client, column, monkeypatch
):
    client.get(column.get_absolute_url())
    monkeypatch.setattr("ops.formguard.time.time", lambda: 1795459153.125)
    tokens = [read_form(Client(), column)[1] for _ in range(2)]

    assert tokens[0] != tokens[1]
    assert [signing.loads(token, salt=TOKEN_SALT)["issued"] for token in tokens] == [
        1795459153.125
    ] * 2


def test_a_reader_without_cookies_costs_one_query_on_a_cached_column_page(
    column, django_assert_max_num_queries
):
    """As wrk in `make benchmark`: no cookies, so a new CSRF secret on every hit,
    and still only the cache generation comes from the database."""
    Client().get(column.get_absolute_url())
    with django_assert_max_num_queries(1):
        page = Client(enforce_csrf_checks=True).get(column.get_absolute_url())

    assert page["X-Page-Cache"] == "hit"
    assert len(page.cookies["csrftoken"].value) == 32
    assert "sessionid" not in page.cookies
