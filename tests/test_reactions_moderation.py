"""The moderation rules, spam defences, flood limits and the moderators' e-mail."""

import pytest
from django.core import mail
from django.core.cache import cache
from pytest_django.asserts import assertContains, assertNotContains

from reactions.models import ModerationWord, Reaction, TrustedAddress

from .reactions import Browser, form_token, page_cache_on, shown_token


@pytest.fixture(autouse=True)
def _fresh_limits(db, settings):
    cache.clear()
    settings.REACTIONS_MIN_INTERVAL = 0
    settings.REACTIONS_PER_HOUR = 0
    settings.REACTIONS_MIN_FORM_SECONDS = 3
    settings.REACTIONS_MODERATORS = ["moderator@kennisbank.nl"]


@pytest.fixture(autouse=True)
def _page_cache_on(db, settings):
    """As in production: readers without a session get pages from the page cache."""
    page_cache_on(settings)


@pytest.fixture
def client():
    """A reader's browser."""
    return Browser()


@pytest.fixture
def words(db):
    ModerationWord.objects.create(phrase="goedkope pillen", action="block")
    ModerationWord.objects.create(phrase="Casino", action="block")
    ModerationWord.objects.create(phrase="belachelijk", action="hold")


@pytest.fixture
def known_reader(column_factory, post_reaction):
    """Anna de Vries (post_reaction's reader) in her own browser (`client`): her
    first reaction, sent from it, was approved."""
    post_reaction(column_factory(), body="Mijn eerste reactie.")
    Reaction.objects.update(status=Reaction.Status.APPROVED)
    mail.outbox.clear()  # the moderators' e-mail about that first reaction


@pytest.mark.parametrize(
    ("body", "status", "reason", "detail"),
    [
        ("Koop GOEDKOPE   pillen hier", "spam", "blocked_word", "goedkope pillen"),
        ("Naar het casino!", "spam", "blocked_word", "casino"),
        ("Wat een belachelijk verhaal.", "pending", "held_word", "belachelijk"),
        ("Lees https://example.nl eens", "pending", "link", ""),
        ("Kijk op www.example.nl", "pending", "link", ""),
        ("Een gewone reactie.", "approved", "known", ""),
        # Whole words only: these contain a listed word inside another word.
        ("Casinos en casinoachtig zijn andere woorden.", "approved", "known", ""),
        ("Onbelachelijk is geen woord.", "approved", "known", ""),
    ],
)
def test_rules_for_a_known_reader(
    words, known_reader, column, post_reaction, body, status, reason, detail
):
    assert post_reaction(column, body=body).status_code == 302
    reaction = Reaction.objects.get(column=column)
    assert (reaction.status, reaction.reason, reaction.reason_detail) == (status, reason, detail)


def test_first_reaction_of_an_address_waits(words, column, post_reaction, reaction_factory):
    reaction_factory(email="anna@example.nl", status=Reaction.Status.PENDING)
    reaction_factory(email="anna@example.nl", status=Reaction.Status.SPAM)
    post_reaction(column, body="Een gewone reactie.")
    reaction = Reaction.objects.get(column=column)
    assert (reaction.status, reaction.reason) == ("pending", "first")


def test_a_trusted_address_skips_the_holds_but_not_the_blocks(words, column, post_reaction):
    TrustedAddress.objects.create(email="Anna@example.nl")
    post_reaction(column, body="Belachelijk goed, zie https://example.nl")
    post_reaction(column, body="Goedkope pillen")
    statuses = dict(Reaction.objects.values_list("body", "status"))
    assert statuses == {
        "Belachelijk goed, zie https://example.nl": "approved",
        "Goedkope pillen": "spam",
    }


def test_spam_looks_like_waiting_to_its_writer(words, column, post_reaction, client):
    response = post_reaction(column, body="casino casino", follow=True)
    assertContains(response, "Je reactie wacht op goedkeuring")
    assertContains(response, "casino casino")
    assertContains(Browser().get(column.get_absolute_url()), "Nog geen reacties")


@pytest.mark.parametrize("trap", ["honeypot", "too fast"])
def test_robots_are_refused_and_nothing_is_stored(column, post_reaction, trap):
    fields = {"homepage": "http://spam.example"} if trap == "honeypot" else {"age": 1}
    response = post_reaction(column, body="Mijn zorgvuldige tekst.", **fields)

    assert response.status_code == 400
    assertContains(response, "niet geplaatst", status_code=400)
    assertContains(response, "Mijn zorgvuldige tekst.", status_code=400)
    assert not Reaction.objects.exists()
    assert not mail.outbox


def test_the_too_fast_threshold_comes_from_the_setting(column, post_reaction, settings):
    settings.REACTIONS_MIN_FORM_SECONDS = 0
    assert post_reaction(column, age=0).status_code == 302


def test_the_shown_form_itself_is_too_fast_to_send_back_at_once(client, column):
    page = client.get(column.get_absolute_url())
    token = shown_token(page)
    response = client.post(
        f"/columns/{column.slug}/reageren/",
        {"name": "Bot", "email": "bot@example.nl", "body": "Snel!", "token": token},
    )
    assert response.status_code == 400
    assert not Reaction.objects.exists()


def test_csrf_is_required(column):
    browser = Browser(enforce_csrf_checks=True)
    response = browser.post(
        f"/columns/{column.slug}/reageren/",
        {
            "name": "X",
            "email": "x@example.nl",
            "body": "Zonder token.",
            "token": form_token(column),
        },
    )
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_one_reaction_per_interval_per_address(column, post_reaction, settings):
    settings.REACTIONS_MIN_INTERVAL = 30
    assert post_reaction(column, body="Eerste.", email="a@example.nl").status_code == 302
    response = post_reaction(column, body="Tweede, meteen erna.", email="b@example.nl")

    assert response.status_code == 429
    assertContains(response, "Wacht 30 seconden", status_code=429)
    assertContains(response, "Tweede, meteen erna.", status_code=429)
    assert Reaction.objects.count() == 1


def test_a_one_second_interval_is_said_in_the_singular(
    column, post_reaction, settings, monkeypatch
):
    settings.REACTIONS_MIN_INTERVAL = 1
    monkeypatch.setattr("ops.clients.allow_once_per", lambda scope, identity, seconds: False)
    response = post_reaction(column)
    assertContains(response, "Wacht 1 seconde en verstuur", status_code=429)


def test_one_reaction_per_interval_per_email_address_from_any_address(
    column, post_reaction, settings
):
    settings.REACTIONS_MIN_INTERVAL = 30
    post_reaction(column, body="Eerste.", peer="198.51.100.1")
    response = post_reaction(column, body="Tweede.", peer="198.51.100.2")
    assert response.status_code == 429
    assert Reaction.objects.count() == 1


def test_at_most_so_many_reactions_an_hour(column, post_reaction, settings):
    settings.REACTIONS_PER_HOUR = 3
    codes = [
        post_reaction(column, body=f"Reactie {n}.", email=f"r{n}@example.nl").status_code
        for n in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert Reaction.objects.count() == 3


def test_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_limit(
    column, post_reaction, settings
):
    settings.REACTIONS_MIN_INTERVAL = 30
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    first = post_reaction(
        column, email="a@example.nl", body="Een.", headers={"X-Forwarded-For": "203.0.113.1"}
    )
    second = post_reaction(
        column, email="b@example.nl", body="Twee.", headers={"X-Forwarded-For": "203.0.113.2"}
    )
    assert (first.status_code, second.status_code) == (302, 429)


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(column, post_reaction, settings):
    settings.REACTIONS_MIN_INTERVAL = 30
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    codes = [
        post_reaction(
            column,
            email=f"{n}@example.nl",
            body=f"Reactie {n}.",
            peer="10.0.0.1",
            headers={"X-Forwarded-For": f"203.0.113.{n % 10}"},
        ).status_code
        for n in (1, 2, 11)
    ]
    assert codes == [302, 302, 429]


def test_the_same_text_twice_from_one_address_is_stored_once(client, column, post_reaction):
    post_reaction(column, body="Dubbel   geklikt.")
    response = post_reaction(column, body="dubbel geklikt.")

    assert Reaction.objects.count() == 1
    assert response["Location"] == f"{column.get_absolute_url()}#reageer"
    page = client.get(response["Location"])
    assertContains(page, '<div class="form-alert" role="alert">')
    assertContains(page, "Deze reactie hadden we al ontvangen")
    assertContains(page, "Dubbel   geklikt.")  # still shown to its writer as waiting
    assertNotContains(client.get(column.get_absolute_url()), "hadden we al ontvangen")


def test_the_same_text_from_another_address_or_under_another_column_is_fine(
    column, column_factory, post_reaction
):
    post_reaction(column, body="Helemaal mee eens.")
    post_reaction(column, body="Helemaal mee eens.", peer="198.51.100.9")
    post_reaction(column_factory(), body="Helemaal mee eens.")
    assert Reaction.objects.count() == 3


def test_the_database_refuses_a_duplicate_that_slips_past_the_check(column):
    from django.db import IntegrityError, transaction

    from reactions import services

    services.reaction_create(
        column=column, name="A", email="a@example.nl", body="Race.", client_address="192.0.2.1"
    )
    with pytest.raises(services.DuplicateReaction), transaction.atomic():
        services.reaction_create(
            column=column, name="A", email="a@example.nl", body="race.", client_address="192.0.2.1"
        )
    assert Reaction.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(
            column=column,
            name="B",
            email="b@example.nl",
            body="Race. ",
            client_hash=Reaction.objects.get().client_hash,
        )


def test_moderators_get_an_email_without_the_readers_text(column, post_reaction):
    post_reaction(column, name="Geheime Naam", body="Heel persoonlijke tekst.")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["moderator@kennisbank.nl"]
    assert "wacht op goedkeuring" in message.subject
    assert column.title in message.body
    assert "/admin/reactions/reaction/?status__exact=pending" in message.body
    for private in ["Heel persoonlijke tekst", "Geheime Naam", "anna@example.nl", "127.0.0.1"]:
        assert private not in message.body
        assert private not in message.subject


def test_no_email_for_a_published_reaction_or_without_moderators(
    column, post_reaction, known_reader, settings
):
    post_reaction(column, body="Gewoon gepubliceerd.")
    settings.REACTIONS_MODERATORS = []
    post_reaction(column, email="nieuw@example.nl", body="Wacht, maar niemand te mailen.")
    assert Reaction.objects.filter(status="pending").count() == 1
    assert not mail.outbox
