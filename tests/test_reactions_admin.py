"""Moderating reactions in the admin; readers get the column page through the page
cache, as in production."""

import json

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from reactions.models import ModerationWord, Reaction, TrustedAddress

from .reactions import Browser, page_cache_on
from .redactie import redactie_group

CHANGELIST = "/admin/reactions/reaction/"


@pytest.fixture(autouse=True)
def _page_cache_on(db, settings):
    """As in production: readers without a session get pages from the page cache."""
    page_cache_on(settings)


@pytest.fixture
def client():
    """An anonymous reader."""
    return Browser()


@pytest.fixture
def editor_client(editor):
    browser = Browser()
    browser.force_login(editor)
    return browser


def test_redactie_may_moderate_reactions_and_keep_the_word_lists(db):
    codenames = set(redactie_group().permissions.values_list("codename", flat=True))
    for model in ["reaction", "moderationword", "trustedaddress"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"{action}_{model}" in codenames


def test_admin_index_shows_how_many_reactions_wait(editor_client, reaction_factory):
    assertContains(editor_client.get("/admin/"), "Er wachten geen reacties op goedkeuring")
    reaction_factory.create_batch(2, status=Reaction.Status.PENDING)
    reaction_factory(status=Reaction.Status.SPAM)
    response = editor_client.get("/admin/")
    assertContains(response, "2 reacties wachten op goedkeuring")
    assertContains(response, f"{CHANGELIST}?status__exact=pending")


def test_changelist_puts_waiting_reactions_first_with_their_reason(editor_client, reaction_factory):
    reaction_factory(body="Al goedgekeurd.", reason="known")
    reaction_factory(body="Wacht nog.", status="pending", reason="link")
    reaction_factory(body="Ook oud.", reason="known")
    ModerationWord.objects.create(phrase="casino", action="block")
    reaction_factory(body="casino", status="spam", reason="blocked_word", reason_detail="casino")

    response = editor_client.get(CHANGELIST)

    html = response.content.decode()
    assert html.index("Wacht nog.") < html.index("Al goedgekeurd.")
    assertContains(response, "Bevat een link")
    assertContains(response, "Geblokkeerd woord of zinsdeel: “casino”")
    assertContains(response, "status__exact=spam")  # filter
    assertContains(response, 'name="q"')  # search


def test_filters_and_search(editor_client, reaction_factory, column_factory):
    column = column_factory(title="Een heel bijzondere column")
    reaction_factory(column=column, name="Zoekbare Zeger")
    reaction_factory(name="Andere Anna")
    response = editor_client.get(CHANGELIST, {"q": "Zeger"})
    assertContains(response, "Zoekbare Zeger")
    assertNotContains(response, "Andere Anna")
    response = editor_client.get(CHANGELIST, {"column__id__exact": column.pk})
    assertContains(response, "Zoekbare Zeger")
    assertNotContains(response, "Andere Anna")


def run_action(editor_client, action, reactions):
    return editor_client.post(
        CHANGELIST, {"action": action, "_selected_action": [r.pk for r in reactions]}
    )


def test_bulk_approve_spam_and_remove(editor_client, editor, column, reaction_factory, client):
    waiting = reaction_factory.create_batch(3, column=column, status="pending")

    assert run_action(editor_client, "approve", waiting[:2]).status_code == 302
    assertContains(client.get(column.get_absolute_url()), "2 reacties")
    run_action(editor_client, "mark_spam", waiting[1:2])
    run_action(editor_client, "remove", waiting[2:])

    statuses = {r.pk: r.status for r in Reaction.objects.all()}
    assert statuses == {waiting[0].pk: "approved", waiting[1].pk: "spam", waiting[2].pk: "removed"}
    assert Reaction.objects.get(pk=waiting[0].pk).moderated_by == editor
    assertContains(client.get(column.get_absolute_url()), "1 reactie<")


def readers_see(column, readers, *, shown=(), hidden=(), heading):
    """Every reader gets the column page through the page cache and sees what a
    reader should."""
    for reader in readers:
        page = reader.get(column.get_absolute_url())
        assert page["X-Page-Cache"] in ("hit", "miss")
        assertContains(page, f'id="reacties-titel" class="section-title">{heading}</h2>')
        for text in shown:
            assertContains(page, text)
        for text in hidden:
            assertNotContains(page, text)


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", "pending", "approved"),
        ("approve_and_trust", "spam", "approved"),
        ("remove", "approved", "removed"),
        ("mark_spam", "approved", "spam"),
    ],
)
def test_bulk_moderation_shows_at_once_on_every_readers_cached_page(
    editor_client, column, reaction_factory, action, before, after
):
    reaction_factory(column=column, body="Stond er al.")
    moderated = reaction_factory(column=column, body="Wordt beoordeeld.", status=before)
    first, second = Browser(), Browser()
    assert first.get(column.get_absolute_url())["X-Page-Cache"] == "miss"
    assert second.get(column.get_absolute_url())["X-Page-Cache"] == "hit"

    assert run_action(editor_client, action, [moderated]).status_code == 302

    assert Reaction.objects.get(pk=moderated.pk).status == after
    if after == "approved":
        readers_see(column, [first, second], shown=["Wordt beoordeeld."], heading="2 reacties")
    else:
        readers_see(column, [first, second], hidden=["Wordt beoordeeld."], heading="1 reactie")
    assertContains(
        Browser().get("/columns/"), "1 reactie<" if after != "approved" else "2 reacties"
    )


@pytest.mark.parametrize("action", ["mark_spam", "remove"])
def test_moderating_what_readers_never_saw_keeps_the_cached_pages(
    editor_client, column, reaction_factory, action
):
    reaction_factory(column=column, body="Stond er al.")
    waiting = reaction_factory(column=column, body="Wacht nog.", status="pending")
    reader = Browser()
    reader.get(column.get_absolute_url())

    run_action(editor_client, action, [waiting])

    page = reader.get(column.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assertContains(page, "Stond er al.")


def test_withdrawing_an_approval_on_the_change_page_shows_at_once(
    editor_client, column, reaction_factory
):
    reaction = reaction_factory(column=column, name="Lezer Lotte", body="Was te zien.")
    reader = Browser()
    assertContains(reader.get(column.get_absolute_url()), "Was te zien.")

    response = editor_client.post(
        f"{CHANGELIST}{reaction.pk}/change/",
        {"name": "Lezer Lotte", "body": "Was te zien.", "status": "spam", "reply": ""},
    )
    assert response.status_code == 302

    readers_see(column, [reader, Browser()], hidden=["Was te zien."], heading="Reacties")


def test_approve_and_trust_this_address(editor_client, reaction_factory):
    first = reaction_factory(email="nieuw@example.nl", status="pending")
    other = reaction_factory(email="nieuw@example.nl", status="pending")
    stranger = reaction_factory(email="ander@example.nl", status="pending")

    response = run_action(editor_client, "approve_and_trust", [first])
    assert response.status_code == 302

    assert TrustedAddress.objects.filter(email="nieuw@example.nl").exists()
    assert Reaction.objects.get(pk=first.pk).status == "approved"
    assert Reaction.objects.get(pk=other.pk).status == "approved"
    assert Reaction.objects.get(pk=stranger.pk).status == "pending"


def action_messages(editor_client, action, reactions):
    response = editor_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [r.pk for r in reactions]},
        follow=True,
    )
    return [message.message for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("action", "statuses", "message"),
    [
        ("approve", ["pending"], "1 reactie goedgekeurd."),
        ("approve", ["pending", "spam", "approved"], "2 reacties goedgekeurd."),
        ("approve", ["approved"], "Geen reactie veranderd: ze waren al goedgekeurd."),
        ("mark_spam", ["pending", "approved"], "2 reacties als spam gemarkeerd."),
        ("remove", ["approved"], "1 reactie verwijderd van de site."),
    ],
)
def test_moderation_messages_count_in_proper_dutch(
    editor_client, reaction_factory, action, statuses, message
):
    reactions = [reaction_factory(status=status) for status in statuses]
    assert action_messages(editor_client, action, reactions) == [message]


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        (["een@example.nl"], "1 reactie goedgekeurd; 1 e-mailadres vertrouwd."),
        (
            ["een@example.nl", "een@example.nl", "twee@example.nl"],
            "3 reacties goedgekeurd; 2 e-mailadressen vertrouwd.",
        ),
    ],
)
def test_approve_and_trust_counts_in_proper_dutch(editor_client, reaction_factory, emails, message):
    reactions = [reaction_factory(email=email, status="pending") for email in emails]
    assert action_messages(editor_client, "approve_and_trust", reactions) == [message]


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        (["een@example.nl"], "1 reactie van 1 e-mailadres geanonimiseerd."),
        (
            ["een@example.nl", "een@example.nl", "twee@example.nl"],
            "3 reacties van 2 e-mailadressen geanonimiseerd.",
        ),
    ],
)
def test_anonymise_counts_in_proper_dutch(editor_client, reaction_factory, emails, message):
    reactions = [reaction_factory(email=email) for email in emails]
    selected = [reactions[0], reactions[-1]]  # every address, not every reaction
    assert action_messages(editor_client, "anonymise_keep_text", selected) == [message]


def test_an_editor_replies_from_the_admin_as_redactie(
    editor_client, editor, reaction_factory, client
):
    editor.first_name, editor.last_name = "Els", "Redacteur"
    editor.save()
    reaction = reaction_factory(name="Lezer Lotte", status="pending")
    url = f"{CHANGELIST}{reaction.pk}/change/"
    assertContains(editor_client.get(url), "Antwoord van de redactie")

    response = editor_client.post(
        url,
        {
            "name": "Lezer Lotte",
            "body": reaction.body,
            "status": "approved",
            "reply": "Dank, Lotte!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    reply = Reaction.objects.get(parent=reaction)
    assert reply.by_editor and reply.status == "approved"
    assert Reaction.objects.get(pk=reaction.pk).moderated_by == editor
    page = client.get(reaction.column.get_absolute_url())
    assertContains(page, "Dank, Lotte!")
    assertContains(page, '<span class="reaction__badge">Redactie</span>')
    assertContains(page, "Els Redacteur")


def test_editors_keep_the_word_list(editor_client):
    response = editor_client.post(
        "/admin/reactions/moderationword/add/", {"phrase": "  Gratis   GELD ", "action": "block"}
    )
    assert response.status_code == 302
    assert ModerationWord.objects.get().phrase == "gratis geld"


def test_export_action_downloads_every_reaction_of_the_address(editor_client, reaction_factory):
    mine = reaction_factory(email="anna@example.nl", body="Eerste van Anna.")
    reaction_factory(email="anna@example.nl", body="Tweede van Anna.", status="pending")
    reaction_factory(email="bob@example.nl", body="Van Bob.")

    response = run_action(editor_client, "export_json", [mine])

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [r["text"] for r in data["anna@example.nl"]] == ["Eerste van Anna.", "Tweede van Anna."]
    assert "bob@example.nl" not in data


def test_anonymise_actions(editor_client, reaction_factory):
    kept = reaction_factory(email="anna@example.nl", name="Anna", body="Blijft staan.")
    gone = reaction_factory(email="bob@example.nl", name="Bob", body="Moet weg.")

    run_action(editor_client, "anonymise_keep_text", [kept])
    run_action(editor_client, "anonymise_remove_text", [gone])

    kept.refresh_from_db()
    gone.refresh_from_db()
    assert (kept.name, kept.email, kept.body, kept.status) == (
        "Anoniem",
        "",
        "Blijft staan.",
        "approved",
    )
    assert (gone.name, gone.email, gone.body, gone.status) == ("Anoniem", "", "", "removed")


def test_editors_see_the_reactions_setting_on_a_column(editor_client, column):
    response = editor_client.get(f"/admin/articles/column/{column.pk}/change/")
    assertContains(response, "Reageren gesloten")
