"""Search that forgives: typos, compounds written apart or together, names and
phrases (search/fuzzy.py), the same on SQLite and PostgreSQL.

The Dutch test set below runs over the seed and over a generated corpus; its ordered
top 10, with the correction and the suggestion, must match `tests/search_golden.json`
on both databases (see tests/test_search_ranking.py for regenerating it).
"""

import io
import math

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

import search
from search import fuzzy
from search.models import SearchWord
from search.query import COMPOUND, FUZZY, parse

from . import factories
from .test_search_ranking import check_golden

URL = reverse("search:search")

# query -> (the corrected query shown, the column a reader expects first)
ISSUE_EXAMPLES = {
    "pinautomat": ("pinautomaat", "ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid"),
    "vroedvrow": ("vroedvrouw", "ga-jij-naar-de-klant"),
    "Hermarji": ("Hermarij", "ga-jij-naar-de-klant"),
    "kalnt": ("klant", None),
    "klant arena": ("klantarena", "klant-vriend-of-vijand"),
    "pin automaat": ("pinautomaat", "ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid"),
    "ondernemers bril": ("ondernemersbril", "klant-vriend-of-vijand"),
    "klantcentraal": ("klant centraal", "behandel-je-collega-net-als-je-klant"),
    "coachendleidinggeven": (
        "coachend leidinggeven",
        "ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid",
    ),
}

# The Dutch test set over the seed: typos, swapped letters, compounds written apart
# and together, names and phrases.
SEED_QUERIES = [
    # typos: a letter missing, extra or wrong
    "pinautomat",
    "vroedvrow",
    "evenwaardighied",
    "medewerkrs",
    "organisatei",
    "leverancer",
    "colega",
    "ondernmer",
    "dienstverleninf",
    "projectmanagment",
    "bestaanrecht",
    "klantevredenheid",
    "onfatsoenlik",
    "vriendt",
    "dienstverlenning",
    "vertrouwwen",
    # swapped neighbours
    "kalnt",
    "klnat",
    "medewerkres",
    "leiderscahp",
    "samenwerkne",
    "vertrouwne",
    "vijnad",
    "orgainsatie",
    # names of authors and themes
    "Hermarji",
    "hermarij",
    "John Hermarij",
    "Groothuiss",
    "Nederlov",
    "Boersam",
    "Snakcers",
    "Aileen Nederlof",
    "hermarji klant",
    "evenwaardigheid",
    # compounds written apart
    "klant arena",
    "pin automaat",
    "ondernemers bril",
    "vroed vrouw",
    "project management",
    "klant tevredenheid",
    "bestaans recht",
    "klant contact",
    # only the last part of a compound
    "automaat",
    "arena",
    "tevredenheid",
    # compounds written together
    "klantcentraal",
    "coachendleidinggeven",
    "medewerkerseerst",
    "klantvriend",
    "frontoffice",
    # phrases
    '"klant centraal"',
    '"medewerkers eerst"',
    '"de klant"',
    '"evenwaardige relatie"',
    '"ga jij naar de klant"',
    # mixed, and what must stay as it is
    "klant pinautomat",
    "medewerker vroedvrow",
    "customer journey",
    "customer journeys",
    "klantgerigt",
    "klnt",
    "zxqvbnm",
    "kalnt medewerkers",
    '"klant centraal" evenwaardighied',
    "vriend OR vijnad",
    "klantarena -pinautomaat",
    "klant -vroedvrow",
    "pinautomat*",
]

# Over a generated corpus of 300 columns: its authors and themes, and seed words.
CORPUS_QUERIES = [
    "medewerkrs",
    "klnat",
    "organisatei",
    "dienstverleninf",
    "vertrouwne",
    "verandermanagment",
    "comunicatie",
    "kwalitiet",
    "innvoatie",
    "Marloes Jansne",
    "Wouter Bakkre",
    "teamwrok",
    "klant tevredenheid",
    "project management",
    "klantcentraal",
    "medewerkerseerst",
    '"klant centraal"',
    "klantreis",
    "klant reis",
    "coachendleidinggeven",
]


def answer(text):
    results = search.search(text, per_page=10)
    return {
        "corrected": results.corrected,
        "suggestion": results.suggestion and results.suggestion.text,
        "top10": [hit.column.slug for hit in results.hits],
    }


def test_the_test_set_has_at_least_60_queries():
    assert len(SEED_QUERIES) + len(CORPUS_QUERIES) >= 60
    assert len(set(SEED_QUERIES)) == len(SEED_QUERIES)


def test_seed_test_set_is_the_same_on_every_database(seed):
    check_golden("forgiving seed", {text: answer(text) for text in SEED_QUERIES})


def test_corpus_test_set_is_the_same_on_every_database(seed):
    call_command("generate_corpus", 300, seed=7, stdout=io.StringIO())  # indexes them
    check_golden("forgiving corpus", {text: answer(text) for text in CORPUS_QUERIES})


@pytest.mark.parametrize(("text", "expected"), ISSUE_EXAMPLES.items())
def test_the_issue_examples_are_found_directly(seed, text, expected):
    corrected, first = expected
    results = search.search(text)
    assert results.corrected == corrected
    assert results.total > 0
    if first:
        assert results.hits[0].column.slug == first


def test_a_compound_is_found_by_its_last_part_only_when_the_part_finds_nothing(
    column_factory,
):
    column_factory(title="De pinautomaat", slug="compound", body="Geen woorden.")
    column_factory(title="Een automaat", slug="part", body="Geen woorden.")
    column_factory(title="De koffieautomaat", slug="other-compound", body="Geen woorden.")

    # the part is a word of its own: it finds that, and no compound floods in
    assert [hit.column.slug for hit in search.search("automaat").hits] == ["part"]
    # a first part finds its compounds as a prefix (the last word typed)
    assert [hit.column.slug for hit in search.search("koffie").hits] == ["other-compound"]
    # a last part nothing holds alone finds the compounds that end in it
    column_factory(title="De klantarena", slug="arena", body="Geen woorden.")
    results = search.search("arena")
    assert (results.corrected, [hit.column.slug for hit in results.hits]) == (
        "klantarena",
        ["arena"],
    )


def test_the_page_says_what_it_searched_for_and_offers_the_literal_search(client, seed):
    response = client.get(URL, {"q": "pinautomat"})

    assertContains(response, "Resultaten voor <strong>pinautomaat</strong>")
    assertContains(
        response,
        f'Zoek in plaats daarvan op <a href="{URL}?q=pinautomat&amp;letterlijk=1">pinautomat</a>',
    )
    assertContains(response, "<mark>pinautomaat</mark>")  # the fuzzy match is highlighted
    literal = client.get(URL, {"q": "pinautomat", "letterlijk": "1"})
    assert literal.context["results"].total == 0
    assertContains(literal, "<title>Zoeken: pinautomat (zoals getypt) · Kennisbank</title>")
    assertNotContains(literal, "Resultaten voor")
    assertContains(literal, f'Bedoelde je: <a href="{URL}?q=pinautomaat">pinautomaat</a>?')


def test_json_says_what_was_corrected(client, seed):
    data = client.get(URL, {"q": "Hermarji", "formaat": "json"}).json()
    assert (data["query"], data["corrected_from"]) == ("Hermarij", "Hermarji")
    assert data["results"][0]["author"] == "John Hermarij"
    assert data["suggestion"] is None


def test_good_exact_results_are_neither_widened_nor_second_guessed(client, seed):
    response = client.get(URL, {"q": "customer journey"})

    results = response.context["results"]
    assert results.total == 1
    assert results.corrected == ""
    assert results.suggestion is None
    assertNotContains(response, "Bedoelde je")


def test_a_word_matching_exactly_is_not_corrected(column_factory):
    exact = column_factory(title="Het klantcentraal van de gemeente", slug="exact")
    column_factory(title="Over het klantcemtraal", slug="fuzzy")
    column_factory(body="De klant centraal, altijd.", slug="compound")

    results = search.search("klantcentraal")

    assert [hit.column for hit in results.hits] == [exact]
    assert results.corrected == ""


def test_the_correction_of_the_word_being_typed_finds_what_that_word_finds(column_factory):
    column_factory(title="Klanttevredenheid gemeten", lead="Kort.", body="Tekst.", slug="compound")
    column_factory(title="De klant", lead="Kort.", body="Tekst.", slug="word")

    corrected, typed = search.search("klnat"), search.search("klant")

    assert corrected.corrected == "klant"
    assert [hit.column.slug for hit in corrected.hits] == [hit.column.slug for hit in typed.hits]
    assert len(typed.hits) == 2
    # A word followed by a space is typed: no prefix, before the correction or after.
    assert [hit.column.slug for hit in search.search("klnat ").hits] == ["word"]


def test_compounds_rank_above_typo_corrections_whatever_the_field(column_factory):
    column_factory(title="Over het klantcemtraal", slug="fuzzy-in-title")
    column_factory(body="Zet de klant centraal, altijd.", slug="compound-in-body")

    results = search.search("klantcentraal")

    assert [hit.column.slug for hit in results.hits] == ["compound-in-body", "fuzzy-in-title"]
    assert "<mark>klantcemtraal</mark>" in results.hits[1].title


def test_a_phrase_in_the_text_ranks_above_a_theme_only_match_which_says_why(client, seed):
    response = client.get(URL, {"q": '"klant centraal"', "formaat": "json"})
    results = response.json()["results"]

    first, rest = results[0], results[1:]
    assert "Gevonden via" not in first["snippet"]
    assert rest
    for hit in rest:
        assert "klant centraal" in hit["themes"]
        assert hit["snippet"].startswith(
            "Gevonden via thema <mark>klant</mark> <mark>centraal</mark>:"
        )


def test_a_theme_only_phrase_loses_to_the_phrase_in_a_body(column_factory):
    theme = factories.ThemeFactory(name="ondernemers bril", slug="ondernemers-bril")
    column_factory(
        title="Met thema", slug="theme-only", themes=[theme], body="Niets hierover.", lead="Kort."
    )
    column_factory(
        title="Zonder thema",
        slug="in-body",
        body="Kijk eens door de ondernemers bril naar je klant.",
        lead="Kort.",
    )
    assert [hit.column.slug for hit in search.search('"ondernemers bril"').hits] == [
        "in-body",
        "theme-only",
    ]


def test_a_match_through_a_name_alone_says_so(seed):
    """ "leiderschap" is a theme of three columns, not all of which say it."""
    results = search.search("leiderschap")
    assert results.total == 3
    note = "Gevonden via thema <mark>leiderschap</mark>:"
    snippets = [str(hit.snippet) for hit in results.hits]
    assert 0 < sum(text.startswith(note) for text in snippets) < 3
    assert all("<mark>" in text for text in snippets)
    hit = search.search("Nederlof").hits[0]
    assert str(hit.snippet).startswith("Gevonden via auteur Aileen <mark>Nederlof</mark>:")


def test_did_you_mean_prefers_frequent_words_and_keyboard_slips(db):
    SearchWord.objects.bulk_create(
        [
            SearchWord(word="klant", stem="klant", frequency=900, length=5, initial="k"),
            SearchWord(word="kant", stem="kant", frequency=5, length=4, initial="k"),
            SearchWord(word="klamt", stem="klamt", frequency=1, length=5, initial="k"),
        ]
    )
    repair = fuzzy.Repair(parse("kalnt"))
    assert repair.suggestion() == "klant"
    # a neighbouring key costs half an edit, another key a whole one
    assert fuzzy.weighted_distance("klsnt", "klant") == 0.5
    assert fuzzy.weighted_distance("klpnt", "klant") == 1
    assert fuzzy.weighted_distance("pinautomat", "pinautomaat") == 0.5


@pytest.mark.parametrize("size", [1, 3, 4, 6, 50])
def test_a_window_holds_its_most_frequent_words_read_above_their_floor(db, monkeypatch, size):
    # The window of "klnat" (k or l, 3 to 7 letters) holds six words, two of them tied
    # at 30; with room for `size` of them it keeps the most frequent, the ties by word,
    # as if all were read and sorted (the words below the floor are not read).
    frequencies = {"klant": 900, "kant": 30, "klamt": 30, "lant": 7, "klanten": 5, "lak": 1}
    other = {"plant": 800, "klantvriendelijk": 400, "kalenders": 300}
    SearchWord.objects.bulk_create(
        SearchWord(word=word, stem=word, frequency=frequency, length=len(word), initial=word[0])
        for word, frequency in {**frequencies, **other}.items()
    )
    monkeypatch.setattr(fuzzy, "MAX_WINDOW", size)
    found = SearchWord.objects.filter(fuzzy._window("klnat", 2)).order_by("-frequency", "word")
    ranked = sorted(frequencies, key=lambda word: (-frequencies[word], word))
    assert [word.word for word in found[:size]] == ranked[:size]
    floor = frequencies[ranked[min(size, len(ranked)) - 1]]
    assert len(found) == sum(frequency >= floor for frequency in frequencies.values())


@pytest.mark.parametrize("frequency, corrected", [(5000, "organisatie"), (1000, "organisa tei")])
def test_a_split_into_rare_words_gives_way_to_a_far_more_frequent_close_word(
    db, frequency, corrected
):
    # "organisa" and "tei" are words of some column, and "organisatei" splits into
    # them; the typo of a word a hundred times as frequent as the rarer part wins.
    SearchWord.objects.bulk_create(
        SearchWord(word=word, stem=stem, frequency=number, length=len(word), initial=word[0])
        for word, stem, number in [
            ("organisatie", "organiseer", frequency),
            ("organisa", "organisa", 38),
            ("tei", "tei", 28),
        ]
    )
    repair = fuzzy.Repair(parse("organisatei"))
    assert repair.suggestion() == corrected
    query, text = repair.widened()
    assert text == corrected
    assert (COMPOUND in {term.kind for term in query.terms}) == (corrected == "organisa tei")


def test_the_distance_grows_with_the_word():
    assert [fuzzy.max_distance("x" * n) for n in (3, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


def test_the_cost_is_bounded_whatever_is_typed(db):
    """Thousands of close words, many words, a very long word: few terms are added,
    and the vocabulary is read in two queries."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    SearchWord.objects.bulk_create(
        [
            SearchWord(word=f"klan{a}{b}", stem=f"klan{a}{b}", frequency=1, length=6, initial="k")
            for a in letters
            for b in letters
        ]
    )
    text = "klanx klany klanz klanw klanv " + "q" * 39
    with CaptureQueriesContext(connection) as queries:
        query, corrected = fuzzy.Repair(parse(text)).widened()
    assert len(queries) == 2
    added = [term for term in query.terms if term.kind in (FUZZY, COMPOUND)]
    assert len(added) <= fuzzy.MAX_CORRECTED_WORDS * (fuzzy.MAX_ALTERNATIVES + 1)
    assert all(len(group) <= fuzzy.MAX_ALTERNATIVES + 3 for group in query.groups)
    assert corrected.startswith("klan")


def test_the_page_runs_the_same_queries_whatever_the_number_of_results(
    client, column_factory, django_assert_max_num_queries
):
    def count(text):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": text}).status_code == 200
        return len(queries)

    column_factory(body="Een vroedvrouw helpt.", slug="een")
    count("vroedvrow")  # the first search reads the synonyms and recommendations
    one = count("vroedvrow")
    for number in range(12):
        column_factory(body="Een vroedvrouw helpt.", slug=f"meer-{number}")
    assert count("vroedvrow") == one
    with django_assert_max_num_queries(one):
        client.get(URL, {"q": "vroedvrow"})


def test_frequencies_follow_every_change_as_a_rebuild_would(column_factory):
    theme = factories.ThemeFactory(name="zeevaart", slug="zeevaart")
    first = column_factory(title="De vuurtoren", body="Een vuurtoren aan zee.")
    second = column_factory(title="Twee vuurtorens", body="Vuurtorens en zee.")
    column_factory(title="Het strand", body="Zand en zee.", themes=[theme])
    second.title = "Twee bakens"
    second.body = "Bakens en zee."
    second.save()
    first.delete()
    theme.name = "scheepvaart"
    theme.save()

    def vocabulary():
        rows = SearchWord.objects.filter(frequency__gt=0)
        return dict(rows.values_list("word", "frequency")), dict(rows.values_list("word", "kind"))

    kept = vocabulary()
    search.rebuild()
    assert vocabulary() == kept
    frequencies, kinds = kept
    assert "vuurtoren" not in frequencies
    assert "zeevaart" not in frequencies
    assert frequencies["zee"] == 2
    assert frequencies["bakens"] == 1
    assert kinds["scheepvaart"] == kinds["auteur"] == "naam"
    assert kinds["strand"] == "tekst"


def test_frequency_is_the_number_of_columns_holding_the_stem(seed):
    klant = SearchWord.objects.get(word="klant")
    assert klant.frequency == 5
    assert SearchWord.objects.get(word="klanten").frequency == 5
    assert SearchWord.objects.get(word="hermarij").kind == "naam"
    assert math.isclose(fuzzy.weighted_distance("hermarji", "hermarij"), 1)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("De klanten staan centraal.", False),
        ("Hier staat de klant centraal.", True),
        ("Klant, klant centraal!", True),  # a run of matching words, the phrase at its end
        ("De klant, en centraal staat ze niet.", False),  # a word between them breaks it
        ("Centraal staat de klant.", False),
        ("", False),
    ],
)
def test_a_phrase_is_found_only_as_its_words_follow_each_other(text, found):
    from search.highlight import Matcher, phrase_in

    query = parse('"klant centraal" klanten')
    stems = next(term.stems for term in query.terms if term.is_phrase)
    assert phrase_in(text, stems, Matcher(query)) is found
