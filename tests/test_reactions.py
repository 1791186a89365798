"""Reader reactions on the column page: showing, posting, replying, closing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Column
from reactions.models import Reaction

from .reactions import Browser, form_token, page_cache_on, shown_token

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def _fresh_limits(db, settings):
    cache.clear()
    settings.REACTIONS_MIN_INTERVAL = 0
    settings.REACTIONS_PER_HOUR = 0
    settings.REACTIONS_MODERATORS = []


@pytest.fixture(autouse=True)
def _page_cache_on(db, settings):
    """As in production: readers without a session get pages from the page cache."""
    page_cache_on(settings)


@pytest.fixture
def client():
    """A reader's browser."""
    return Browser()


def test_approved_reactions_oldest_first_with_date_anchor_and_nested_replies(
    client, column, reaction_factory
):
    first = reaction_factory(
        column=column,
        name="Piet",
        body="Eerste!",
        created_at=datetime(2025, 3, 12, 14, 5, tzinfo=AMSTERDAM),
    )
    reaction_factory(column=column, name="Kees", body="Tweede.")
    reply = reaction_factory(column=column, parent=first, name="Marie", body="Antwoord aan Piet.")
    reaction_factory(column=column, name="Verborgen", status=Reaction.Status.PENDING)
    reaction_factory(column=column, name="Spammer", status=Reaction.Status.SPAM)
    reaction_factory(column=column, name="Weg", status=Reaction.Status.REMOVED)

    response = client.get(column.get_absolute_url())

    html = response.content.decode()
    assertContains(response, "3 reacties")
    assertContains(response, "12 maart 2025 om 14:05")
    assertContains(response, f'id="reactie-{first.pk}"')
    assert html.index("Piet") < html.index("Marie") < html.index("Kees")
    assert 'reaction-list--replies" aria-label="Antwoorden op Piet"' in html
    assert html.index("reaction-list--replies") < html.index(f'id="reactie-{reply.pk}"')
    for hidden in ["Verborgen", "Spammer", "Weg"]:
        assertNotContains(response, hidden)


def test_reaction_count_on_every_listing(client, column, reaction_factory):
    reaction_factory.create_batch(2, column=column)
    reaction_factory(column=column, status=Reaction.Status.PENDING)
    theme = column.themes.first()
    for url in [
        "/",
        "/columns/",
        f"/themas/{theme.slug}/",
        f"/auteurs/{column.author.slug}/",
        f"/archief/{column.published_at.year}/",
    ]:
        response = client.get(url)
        assertContains(response, "2 reacties", msg_prefix=url)
        assertContains(response, f'href="{column.get_absolute_url()}#reacties"', msg_prefix=url)


def test_one_reaction_is_singular_and_none_is_not_shown(client, column, column_factory):
    other = column_factory()
    Reaction.objects.create(
        column=column, name="A", email="a@example.nl", body="Ja.", status="approved"
    )
    response = client.get("/columns/")
    assertContains(response, "1 reactie<")
    assertNotContains(response, f'href="{other.get_absolute_url()}#reacties"')


def test_the_form_asks_for_name_email_and_text_and_says_what_is_published(client, column):
    response = client.get(column.get_absolute_url())

    assertContains(response, "Geef een reactie")
    assertContains(
        response,
        "Je e-mailadres wordt niet gepubliceerd. Vereiste velden zijn gemarkeerd met *",
    )
    for name in ["name", "email", "body", "token", "csrfmiddlewaretoken"]:
        assertContains(response, f'name="{name}"')
    assertContains(response, "Onthoud mijn naam en e-mail")
    assertNotContains(response, 'name="website"')
    assertNotContains(response, "Website")
    assertNotContains(response, "style=")
    assertNotContains(response, "<script>")
    assert "kb_reageerder" not in response.cookies


def test_first_reaction_waits_and_is_shown_to_its_writer_only(client, column, post_reaction):
    stranger = Browser()
    stranger.get(column.get_absolute_url())
    response = post_reaction(column, body="Mijn eerste reactie.")

    reaction = Reaction.objects.get()
    assert reaction.status == Reaction.Status.PENDING
    assert reaction.reason == Reaction.Reason.FIRST
    assert response.status_code == 302
    assert response["Location"] == f"{column.get_absolute_url()}#reactie-{reaction.pk}"

    page = client.get(response["Location"])
    assertContains(page, "Je reactie wacht op goedkeuring")
    assertContains(page, "Mijn eerste reactie.")
    assertContains(page, "Wacht op goedkeuring — alleen jij ziet deze reactie nu.")
    assertContains(page, f'id="reactie-{reaction.pk}"')
    assertNotContains(page, "1 reactie<")

    assertNotContains(stranger.get(column.get_absolute_url()), "Mijn eerste reactie.")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Vul je naam in."),
        ({"name": "x" * 81}, "Je naam mag hoogstens 80 tekens lang zijn (nu 81)."),
        ({"email": "geen-adres"}, "Vul een geldig e-mailadres in"),
        ({"email": ""}, "Vul je e-mailadres in."),
        ({"body": "  "}, "Schrijf je reactie."),
        ({"body": "y" * 5001}, "Je reactie mag hoogstens 5000 tekens lang zijn (nu 5001)."),
    ],
)
def test_invalid_input_comes_back_with_dutch_messages_and_everything_kept(
    client, column, post_reaction, fields, message
):
    typed = {"name": "Bram", "email": "bram@example.nl", "body": "Wat ik wilde zeggen.", **fields}
    response = post_reaction(column, **typed)

    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    for value in typed.values():
        if value.strip() and len(value) < 100:
            assertContains(response, value, status_code=400)
    assert not Reaction.objects.exists()


@pytest.mark.parametrize("token", ["expired", "tampered", "missing", "other-column"])
def test_an_expired_or_foreign_form_gives_a_fresh_form_with_the_text_kept(
    client, column, column_factory, post_reaction, settings, token
):
    settings.REACTIONS_FORM_MAX_AGE = 3600
    tokens = {
        "expired": form_token(column, age=3601),
        "tampered": form_token(column)[:-3] + "abc",
        "missing": "",
        "other-column": form_token(column_factory()),
    }
    response = post_reaction(column, token=tokens[token], body="Een lange doordachte tekst.")

    assert response.status_code == 400
    assertContains(response, "Je tekst staat er nog", status_code=400)
    assertContains(response, "Een lange doordachte tekst.", status_code=400)
    assert not Reaction.objects.exists()
    fresh = shown_token(response)
    assert post_reaction(column, token=fresh, age=None).status_code == 400  # shown just now
    assert post_reaction(column, token=form_token(column)).status_code == 302


@pytest.mark.parametrize(
    ("body", "expected", "forbidden"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert"),
        ("<b>vet</b> & zo", "&lt;b&gt;vet&lt;/b&gt; &amp; zo", "<b>vet"),
        (
            "Zie https://example.nl/pagina?a=1&b=2.",
            '<a href="https://example.nl/pagina?a=1&amp;b=2" rel="nofollow ugc noopener">'
            "https://example.nl/pagina?a=1&amp;b=2</a>.",
            None,
        ),
        ("klik javascript:alert(1)", "klik javascript:alert(1)", 'href="javascript'),
        ('http://x.nl/"onmouseover="alert(1)', 'href="http://x.nl/"', 'onmouseover="alert'),
        ("Eén.\n\nTwee\nregels.", "<p>Eén.</p><p>Twee<br>regels.</p>", None),
    ],
)
def test_reaction_text_is_escaped_plain_text_with_safe_links(
    client, column, reaction_factory, body, expected, forbidden
):
    reaction_factory(column=column, body=body)
    response = client.get(column.get_absolute_url())
    assertContains(response, expected)
    if forbidden:
        assertNotContains(response, forbidden)


def test_html_in_a_name_is_escaped(client, column, reaction_factory):
    reaction_factory(column=column, name='<img src=x onerror="alert(1)">')
    response = client.get(column.get_absolute_url())
    assertContains(response, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;")
    assertNotContains(response, "<img src=x")


def test_an_editor_closes_reactions_on_a_column(client, column, post_reaction):
    column.reactions_closed = True
    column.save()

    page = client.get(column.get_absolute_url())
    assertContains(page, "Reageren is gesloten")
    assertNotContains(page, "Geef een reactie")

    response = post_reaction(column, body="Wat ik net\nhad geschreven.")
    assert response.status_code == 403
    assertContains(response, "Reageren is gesloten bij deze column.", status_code=403)
    # Closed while they wrote: what they wrote is still theirs to keep.
    assertContains(response, "<p>Wat ik net<br>had geschreven.</p>", status_code=403)
    assert not Reaction.objects.exists()


@pytest.mark.parametrize(
    ("days", "published_days_ago", "is_open"),
    [(90, 91, False), (90, 89, True), (0, 3000, True)],
)
def test_reactions_close_by_themselves_after_the_set_number_of_days(
    client, column_factory, post_reaction, settings, days, published_days_ago, is_open
):
    settings.REACTIONS_CLOSE_AFTER_DAYS = days
    published_at = timezone.now() - timedelta(days=published_days_ago)
    column = column_factory(published_at=published_at)
    Column.objects.filter(pk=column.pk).update(created_at=published_at)

    page = client.get(column.get_absolute_url())
    assertContains(page, "Geef een reactie" if is_open else "Reageren is gesloten")
    assert post_reaction(column).status_code == (302 if is_open else 403)


@pytest.mark.parametrize(("added_days_ago", "is_open"), [(10, True), (91, False)])
def test_days_count_from_when_an_older_column_was_added_to_the_site(
    client, column_factory, settings, added_days_ago, is_open
):
    settings.REACTIONS_CLOSE_AFTER_DAYS = 90
    imported = column_factory(published_at=timezone.now() - timedelta(days=3000))
    Column.objects.filter(pk=imported.pk).update(
        created_at=timezone.now() - timedelta(days=added_days_ago)
    )

    page = client.get(imported.get_absolute_url())
    assertContains(page, "Geef een reactie" if is_open else "Reageren is gesloten")


def test_seed_columns_are_open_for_reactions_after_loading(client, seed):
    assertContains(client.get("/columns/ga-jij-naar-de-klant/"), "Geef een reactie")


def test_no_reactions_on_drafts(client, column_factory, post_reaction):
    draft = column_factory(draft=True)
    assert post_reaction(draft).status_code == 404


def test_get_on_the_post_address_goes_to_the_form(client, column):
    response = client.get(f"/columns/{column.slug}/reageren/")
    assert response.status_code == 302
    assert response["Location"] == f"{column.get_absolute_url()}#reageer"


def test_remember_me_sets_a_cookie_only_when_asked(client, column, post_reaction):
    response = post_reaction(column, body="Zonder onthouden.")
    assert "kb_reageerder" not in response.cookies

    response = post_reaction(column, body="Met onthouden.", remember="on")
    cookie = response.cookies["kb_reageerder"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"

    page = client.get(column.get_absolute_url())
    assertContains(page, 'value="Anna de Vries"')
    assertContains(page, 'value="anna@example.nl"')
    assertContains(page, 'name="remember" id="veld-remember" checked')

    response = post_reaction(column, body="Nu weer vergeten.")
    assert response.cookies["kb_reageerder"].value == ""
    assertNotContains(client.get(column.get_absolute_url()), 'value="Anna de Vries"')


def test_a_forged_remember_cookie_is_ignored(client, column):
    client.cookies["kb_reageerder"] = '{"name": "Nep"}'
    assertNotContains(client.get(column.get_absolute_url()), 'value="Nep"')


def test_answering_a_reaction(client, column, reaction_factory, post_reaction):
    parent = reaction_factory(column=column, name="Piet")
    reply_to_reply = reaction_factory(column=column, parent=parent, name="Marie")

    page = client.get(f"{column.get_absolute_url()}?antwoord={reply_to_reply.pk}")
    assertContains(page, "Je antwoordt op de reactie van")
    assertContains(page, f'name="parent" value="{parent.pk}"')

    post_reaction(column, parent=str(reply_to_reply.pk), body="Eens met jullie.")
    reply = Reaction.objects.get(body="Eens met jullie.")
    assert reply.parent == parent


def test_answering_a_reaction_that_is_not_public_keeps_the_text(
    client, column, reaction_factory, post_reaction
):
    hidden = reaction_factory(column=column, status=Reaction.Status.PENDING)
    response = post_reaction(column, parent=str(hidden.pk), body="Mijn antwoord.")
    assert response.status_code == 400
    assertContains(response, "bestaat niet (meer)", status_code=400)
    assertContains(response, "Mijn antwoord.", status_code=400)


def test_garbage_in_the_reply_parameter_is_ignored(client, column):
    for value in ["abc", "99999", "-1", "1" * 50]:
        response = client.get(f"{column.get_absolute_url()}?antwoord={value}")
        assert response.status_code == 200
        assertNotContains(response, "Je antwoordt op")


def test_line_breaks_count_as_one_character_as_in_the_browser(client, column, post_reaction):
    body = ("x" * 99 + "\r\n") * 50  # 5000 characters in the browser, 5050 bytes sent
    assert post_reaction(column, body=body.strip() + "y").status_code == 302
    assert Reaction.objects.get().body.count("\n") == 49
