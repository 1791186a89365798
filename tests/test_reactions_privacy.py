"""What is kept about readers who react, for how long, and how they get it back."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from reactions.models import Reaction, TrustedAddress

from .reactions import Browser, page_cache_on


@pytest.fixture(autouse=True)
def _fresh_limits(db, settings):
    cache.clear()
    settings.REACTIONS_MIN_INTERVAL = 0
    settings.REACTIONS_PER_HOUR = 0


@pytest.fixture(autouse=True)
def _page_cache_on(db, settings):
    """As in production: readers without a session get pages from the page cache."""
    page_cache_on(settings)


@pytest.fixture
def client():
    """A reader's browser."""
    return Browser()


def run(*args):
    """A management command; what it leaves for after its commit (the page-cache
    refresh) runs when it ends, as in production."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(*args, stdout=out)
    return out.getvalue()


def test_the_client_address_is_kept_only_as_a_keyed_hash(column, post_reaction, settings):
    post_reaction(column, peer="203.0.113.77")
    reaction = Reaction.objects.get()

    assert len(reaction.client_hash) == 64
    stored = json.dumps(list(Reaction.objects.values()), default=str)
    assert "203.0.113.77" not in stored

    settings.REACTIONS_CLIENT_HASH_KEY = "another key"
    post_reaction(column, peer="203.0.113.77", body="Nog een.")
    assert Reaction.objects.last().client_hash != reaction.client_hash


def test_the_email_address_is_never_shown_and_no_gravatar(client, column, reaction_factory):
    reaction_factory(column=column, email="geheim@example.nl")
    response = client.get(column.get_absolute_url())
    assertNotContains(response, "geheim@example.nl")
    assertNotContains(response, "gravatar")


def test_clearing_address_hashes_after_30_days_is_safe_to_repeat(reaction_factory):
    old = reaction_factory(client_hash="a" * 64, created_at=timezone.now() - timedelta(days=31))
    new = reaction_factory(client_hash="b" * 64, created_at=timezone.now() - timedelta(days=29))

    assert "erased: 1" in run("clear_reaction_addresses")
    assert "erased: 0" in run("clear_reaction_addresses")

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.client_hash, new.client_hash) == ("", "b" * 64)
    assert "erased: 1" in run("clear_reaction_addresses", "--days", "0")


def test_export_command_prints_every_reaction_of_an_address(reaction_factory):
    parent = reaction_factory(email="anna@example.nl", body="Eerste.")
    reaction_factory(email="ANNA@example.nl", body="Antwoord.", parent=parent, column=parent.column)
    reaction_factory(email="bob@example.nl")

    data = json.loads(run("export_reactions", "Anna@Example.nl"))

    assert data["email"] == "anna@example.nl"
    assert [r["text"] for r in data["reactions"]] == ["Eerste.", "Antwoord."]
    assert data["reactions"][1]["in_reply_to"] == parent.pk
    assert data["reactions"][0]["column_url"] == parent.column.get_absolute_url()


def test_anonymise_command_keeps_or_removes_the_text(client, reaction_factory):
    kept = reaction_factory(email="anna@example.nl", name="Anna Jansen", body="Mijn mening.")
    gone = reaction_factory(email="bob@example.nl", body="Weg ermee.")
    TrustedAddress.objects.create(email="anna@example.nl")
    for reaction in [kept, gone]:
        assertContains(client.get(reaction.column.get_absolute_url()), reaction.body)

    assert "anonymised: 1" in run("anonymise_reactions", "anna@example.nl")
    kept.refresh_from_db()
    assert (kept.name, kept.email, kept.client_hash) == ("Anoniem", "", "")
    assert not TrustedAddress.objects.exists()
    page = client.get(kept.column.get_absolute_url())
    assertContains(page, "Mijn mening.")
    assertNotContains(page, "Anna Jansen")

    run("anonymise_reactions", "bob@example.nl", "--remove-text")
    gone.refresh_from_db()
    assert (gone.body, gone.body_html, gone.status) == ("", "", "removed")
    assertNotContains(client.get(gone.column.get_absolute_url()), "Weg ermee.")
    assert json.loads(run("export_reactions", "bob@example.nl"))["reactions"] == []


def test_privacy_page_says_what_is_stored_and_how_long(client, db, settings):
    settings.DEFAULT_FROM_EMAIL = "redactie@kennisbank.nl"
    response = client.get("/privacy/")
    assertContains(response, 'href="mailto:redactie@kennisbank.nl"')
    assertContains(response, "<h1>Privacyverklaring</h1>", html=False)
    for text in [
        "e-mailadres",
        "publiceren we nooit",
        "30 dagen",
        "Anoniem",
        "cookie",
        "versleutelde vingerafdruk van je e-mailadres",
    ]:
        assertContains(response, text)


def test_every_page_links_to_the_privacy_statement(client, column):
    for url in ["/", column.get_absolute_url()]:
        assertContains(client.get(url), 'href="/privacy/"')
