"""Synonyms: the editors' synonym sets widen a search, the same on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import curated, synonyms
from search.dutch import analyse
from search.models import SynonymSet
from search.query import EXACT, SYNONYM, parse

from . import factories
from .reactions import Browser, page_cache_on
from .test_search import result_links

URL = reverse("search:search")


def expand(text, *sets):
    return synonyms.expand(parse(text), synonyms.Table.of(sets))


def alternatives(query):
    """Per group: the stems of the synonyms added to it."""
    return [
        [" ".join(term.stems) for term in group if term.kind == SYNONYM] for group in query.groups
    ]


def test_a_two_way_set_lets_each_word_find_the_others():
    words = ("klantgericht, klantvriendelijk, klantfocus", "")
    query, added = expand("klantfocus ", words)
    assert added == ["klantgericht", "klantvriendelijk"]
    assert alternatives(query) == [[analyse("klantgericht")[0], analyse("klantvriendelijk")[0]]]
    assert query.groups[0][0].kind == EXACT
    _, added = expand("klantvriendelijk ", words)
    assert added == ["klantgericht", "klantfocus"]
    # "klantgerichtheid" stems as "klantgericht" does: one alternative, not two.
    _, added = expand("klantfocus ", ("klantgericht, klantgerichtheid, klantfocus", ""))
    assert added == ["klantgericht"]


def test_words_meet_in_any_inflection_as_the_analyser_stems_them():
    _, added = expand("klantgerichte medewerkers", ("klantgericht, klantfocus", ""))
    assert added == ["klantfocus"]


def test_a_one_way_set_finds_its_phrase_but_not_the_other_way_round():
    query, added = expand("KC", ("KC", "klant centraal"))
    assert added == ["klant centraal"]
    assert alternatives(query) == [["klant centraal"]]
    assert query.groups[0][-1].is_phrase
    assert expand("klant centraal ", ("KC", "klant centraal"))[1] == []


def test_a_phrase_typed_as_words_gets_its_synonyms_in_each_words_group():
    query, added = expand("klant centraal ", ("klant centraal, klantgericht", ""))
    assert added == ["klantgericht"]
    stem = analyse("klantgericht")[0]
    assert alternatives(query) == [[stem], [stem]]
    quoted, added = expand('"klant centraal"', ("klant centraal, klantgericht", ""))
    assert added == ["klantgericht"] and alternatives(quoted) == [[stem]]
    # Not when other words come between.
    assert expand("klant medewerker centraal ", ("klant centraal, klantgericht", ""))[1] == []


def test_expansion_takes_one_step_so_sets_that_loop_end():
    sets = [("vriend", "maat"), ("maat", "vriend"), ("maat, kameraad", "")]
    query, added = expand("vriend ", *sets)
    assert added == ["maat"]
    query, added = expand("maat ", *sets)
    assert added == ["vriend", "kameraad"]
    assert len(query.terms) == len({(term.stems, term.prefix) for term in query.terms})
    _, added = expand("vriend ", ("vriend, maat", ""), ("maat, vriend", ""))
    assert added == ["maat"]


def test_exclusions_prefixes_and_words_without_synonyms_are_left_alone():
    assert expand("klant", ("klantfocus, klantgericht", ""))[1] == []
    query = parse("klantfocus -klantgericht")
    same, added = synonyms.expand(query, synonyms.Table())
    assert same is query and added == []
    query, _ = expand("klant* -klantfocus", ("klantfocus, klantgericht", ""))
    assert alternatives(query) == [[]]


def test_a_set_adds_at_most_a_dozen_words():
    many = ", ".join(f"woord{number}x" for number in range(30))
    query, added = expand("woord0x ", (many, ""))
    assert len(added) == synonyms.MAX_ADDED


@pytest.fixture
def columns(db):
    """A column with the word typed, one with only its synonym in every field, and one
    with neither."""
    return {
        "exact": factories.ColumnFactory(
            title="Over service",
            lead="Iets anders.",
            body="Een tekst waarin klantfocus één keer staat.",
        ),
        "synonym": factories.ColumnFactory(
            title="Klantgericht werken is klantgericht denken",
            lead="Klantgericht, klantgericht.",
            body="Klantgericht. " * 30,
            themes=[factories.ThemeFactory(name="klantgericht", slug="klantgericht")],
        ),
        "other": factories.ColumnFactory(title="Iets anders", body="Over vergaderen."),
    }


def search_links(client, text, **params):
    response = client.get(URL, {"q": text, **params})
    assert response.status_code == 200
    return response, result_links(response)


def test_a_synonym_finds_more_but_never_above_the_word_typed(client, columns):
    _, before = search_links(client, "klantfocus")
    assert before == [columns["exact"].get_absolute_url()]
    SynonymSet.objects.create(words="klantfocus, klantgericht")
    curated.forget()  # no commit in a test moves the generation; see the cached test below
    response, links = search_links(client, "klantfocus")
    assert links == [columns["exact"].get_absolute_url(), columns["synonym"].get_absolute_url()]
    assert "Ook gezocht op: <strong>klantgericht</strong>" in response.content.decode()
    data = client.get(URL, {"q": "klantfocus", "formaat": "json"}).json()
    assert data["also_searched"] == ["klantgericht"]
    assert [hit["title"] for hit in data["results"]] == [
        columns["exact"].title,
        columns["synonym"].title,
    ]


def test_the_same_search_without_synonyms_says_nothing_of_them(client, columns):
    response, _ = search_links(client, "klantfocus")
    assert "Ook gezocht op" not in response.content.decode()
    assert client.get(URL, {"q": "klantfocus", "formaat": "json"}).json()["also_searched"] == []


def test_a_change_applies_at_once_also_to_cached_search_pages(
    settings, columns, django_capture_on_commit_callbacks
):
    page_cache_on(settings)
    reader = Browser()
    first = reader.get(URL, {"q": "klantfocus"})
    assert reader.get(URL, {"q": "klantfocus"})["X-Page-Cache"] == "hit"
    assert len(result_links(first)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        synonym_set = SynonymSet.objects.create(words="klantfocus, klantgericht")
    after = reader.get(URL, {"q": "klantfocus"})
    assert after["X-Page-Cache"] == "miss"
    assert len(result_links(after)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        synonym_set.delete()
    assert len(result_links(reader.get(URL, {"q": "klantfocus"}))) == 1


def test_synonyms_cost_no_query_once_read(client, columns):
    def count(text):
        client.get(URL, {"q": text})  # the first search reads them
        with CaptureQueriesContext(connection) as queries:
            client.get(URL, {"q": text})
        return len(queries)

    without = count("klantgericht")
    SynonymSet.objects.create(words="klantfocus, klantgericht")
    curated.forget()
    assert count("klantgericht") == without


ADD = reverse("admin:search_synonymset_add")


def test_editors_add_a_set_from_a_prefilled_form_with_dutch_messages(editor_client, db):
    form = editor_client.get(ADD, {"words": "klantfocus"}).context["adminform"].form
    assert form.initial["words"] == "klantfocus"
    alone = editor_client.post(ADD, {"words": "klantfocus", "also_find": ""})
    assert "Geef minstens twee woorden die elkaar vinden" in alone.content.decode()
    empty = editor_client.post(ADD, {"words": "klantfocus, ?!", "also_find": ""})
    assert "Woorden: “?!” bevat geen letters of cijfers." in empty.content.decode()
    response = editor_client.post(ADD, {"words": " KC ", "also_find": "klant centraal , "})
    assert response.status_code == 302
    assert str(SynonymSet.objects.get()) == "KC → klant centraal"
