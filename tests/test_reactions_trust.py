"""Who is published without waiting: a known reader proves it with their own browser;
someone who only types a known name and e-mail address waits."""

import re

import pytest
from django.core.cache import cache
from pytest_django.asserts import assertContains, assertNotContains

from reactions import services
from reactions.models import Reaction, TrustedAddress
from reactions.views import KNOWN_READER_COOKIE

from .reactions import Browser, page_cache_on, post_reaction, shown_token

ANNA = {"name": "Anna de Vries", "email": "anna@example.nl"}


@pytest.fixture(autouse=True)
def _as_in_production(db, settings):
    cache.clear()
    page_cache_on(settings)
    settings.REACTIONS_MIN_INTERVAL = 0
    settings.REACTIONS_PER_HOUR = 0
    settings.REACTIONS_MODERATORS = []


def approve(reactions):
    services.reactions_moderate(reactions=reactions, status=Reaction.Status.APPROVED, user=None)


@pytest.fixture
def annas_browser(column_factory):
    """Anna's browser: her first reaction, sent from it, waited and was approved."""
    browser = Browser()
    post_reaction(browser, column_factory(), body="Mijn eerste reactie.", **ANNA)
    approve(Reaction.objects.all())
    return browser


def posted(browser, column, **fields):
    """Post a reaction; returns the response and the reaction it stored."""
    response = post_reaction(browser, column, **{"body": "Weer een reactie.", **ANNA, **fields})
    return response, Reaction.objects.filter(column=column).latest("pk")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Anna de Vries", "other_browser"),  # her name and address, another browser
        ("Bea Bakker", "other_name"),  # her address alone
    ],
)
def test_someone_typing_a_known_name_and_address_in_another_browser_waits(
    annas_browser, column, name, reason
):
    reader = Browser()
    reader.get(column.get_absolute_url())

    response, reaction = posted(Browser(), column, name=name, body="Ik ben het echt.")

    assert (reaction.status, reaction.reason) == ("pending", reason)
    assert KNOWN_READER_COOKIE not in response.cookies
    assertNotContains(reader.get(column.get_absolute_url()), "Ik ben het echt.")


def test_a_returning_reader_is_published_at_once_from_her_own_browser(annas_browser, column):
    reader = Browser()
    reader.get(column.get_absolute_url())

    response, reaction = posted(annas_browser, column, body="Ik ben er weer.")

    assert (reaction.status, reaction.reason) == ("approved", "known")
    assertContains(annas_browser.get(response["Location"]), "Je reactie is geplaatst")
    page = reader.get(column.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"  # refreshed, not served stale
    assertContains(page, "Ik ben er weer.")

    cookie = response.cookies[KNOWN_READER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    keyed_hash = cookie.value.split(":")[0]  # signed: value:timestamp:signature
    assert re.fullmatch(r"[0-9a-f]{64}", keyed_hash)  # not the address


def test_the_cookie_keeps_proving_it_after_the_session_has_ended(annas_browser, column, settings):
    posted(annas_browser, column, body="Deze zet het cookie.")
    del annas_browser.cookies[settings.SESSION_COOKIE_NAME]

    _, reaction = posted(annas_browser, column, name=" anna  DE vries ", body="Later weer.")

    assert (reaction.status, reaction.reason) == ("approved", "known")


def test_without_the_cookie_or_the_session_she_waits_again(annas_browser, column, settings):
    posted(annas_browser, column, body="Deze zet het cookie.")
    for name in [settings.SESSION_COOKIE_NAME, KNOWN_READER_COOKIE]:
        del annas_browser.cookies[name]

    _, reaction = posted(annas_browser, column, body="Vanaf een opgeruimde browser.")

    assert (reaction.status, reaction.reason) == ("pending", "other_browser")


def test_a_reaction_that_is_still_waiting_proves_nothing(column, column_factory):
    """Whoever typed Anna's name and address gets no proof from it before a
    moderator approved what they wrote."""
    Reaction.objects.create(column=column_factory(), status="approved", body="Echt Anna.", **ANNA)
    impostor = Browser()
    posted(impostor, column, body="Ik doe me voor als Anna.")

    response, reaction = posted(impostor, column, body="Nog eens als Anna.")

    assert (reaction.status, reaction.reason) == ("pending", "other_browser")
    assert KNOWN_READER_COOKIE not in response.cookies


def test_the_proof_is_for_one_address(annas_browser, column, column_factory):
    bob = {"name": "Bob", "email": "bob@example.nl"}
    Reaction.objects.create(column=column_factory(), status="approved", body="Van Bob.", **bob)
    posted(annas_browser, column, body="Deze zet het cookie.")

    _, reaction = posted(annas_browser, column, body="Ik doe me voor als Bob.", **bob)

    assert (reaction.status, reaction.reason) == ("pending", "other_browser")


@pytest.mark.parametrize("cookie", ["tampered", "a year and a day old"])
def test_a_tampered_or_expired_cookie_proves_nothing(annas_browser, column, settings, cookie):
    if cookie == "a year and a day old":
        settings.SIGNING_BACKEND = "tests.reactions.SignerOfLastYear"
    posted(annas_browser, column, body="Deze zet het cookie.")
    settings.SIGNING_BACKEND = "django.core.signing.TimestampSigner"
    del annas_browser.cookies[settings.SESSION_COOKIE_NAME]
    if cookie == "tampered":
        value = annas_browser.cookies[KNOWN_READER_COOKIE].value
        annas_browser.cookies[KNOWN_READER_COOKIE] = value[:-4] + "AAAA"

    _, reaction = posted(annas_browser, column, body="Met een ongeldig cookie.")

    assert (reaction.status, reaction.reason) == ("pending", "other_browser")


def test_a_trusted_address_needs_no_proof(column):
    TrustedAddress.objects.create(email="anna@example.nl")
    _, reaction = posted(Browser(), column, name="Wie dan ook")
    assert (reaction.status, reaction.reason) == ("approved", "trusted")


def test_a_known_reader_gets_the_cached_page_with_a_form_of_her_own(annas_browser, column):
    """The cookie changes nothing on any page, so it does not keep its reader from
    the page cache; the per-request parts (the form tokens) are still hers alone."""
    posted(annas_browser, column, body="Deze zet het cookie.")
    proof = annas_browser.cookies[KNOWN_READER_COOKIE].value
    first = Browser().get(column.get_absolute_url())

    returning = Browser()
    returning.cookies[KNOWN_READER_COOKIE] = proof
    page = returning.get(column.get_absolute_url())

    assert page["X-Page-Cache"] == "hit"
    assertNotContains(page, 'value="Anna de Vries"')
    assertNotContains(page, "anna@example.nl")
    assert shown_token(page) != shown_token(first)
    _, reaction = posted(returning, column, body="Vanaf de gecachte pagina.")
    assert (reaction.status, reaction.reason) == ("approved", "known")
