"""Search as you type: /zoeken/suggesties/?q= suggests public columns, themes and
authors for what was typed so far, forgiving typos, best first, at most eight."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.text import slugify
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ops import pagecache
from search import suggest

from . import factories

URL = reverse("search:suggestions")


def ask(client, text, status=200):
    response = client.get(URL, {"q": text})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def labels(client, text):
    return [item["label"] for item in ask(client, text)["suggestions"]]


def test_the_last_word_is_a_prefix_and_every_kind_is_suggested(client, seed):
    data = ask(client, "kla")
    found = [(item["type"], item["label"]) for item in data["suggestions"]]
    # The theme first (a whole name begun), then the columns whose title has a
    # word beginning with "kla", newest first.
    assert found[0] == ("thema", "klant centraal")
    assert ("column", "Klant: vriend of vijand") in found
    assert ("column", "Ga jij naar de klant?") in found
    assert data["message"] == f"{len(found)} suggesties"
    assert ask(client, "hermar")["suggestions"][0] == {
        "type": "auteur",
        "label": "John Hermarij",
        "url": "/auteurs/john-hermarij/",
        "detail": "Auteur · 1 column",
        "parts": [
            {"text": "John ", "match": False},
            {"text": "Hermar", "match": True},
            {"text": "ij", "match": False},
        ],
    }


def test_several_words_must_all_match_with_the_last_one_begun(client, seed):
    assert labels(client, "klant cen") == ["klant centraal"]
    assert labels(client, "vriend of vij") == ["Klant: vriend of vijand"]
    # A complete word is not a prefix: "klant " does not find "klanten" as begun,
    # but does by its Dutch stem.
    assert "Klanten komen altijd van rechts?! Of niet?!" in labels(client, "klant ")
    assert labels(client, "behandel collega") == ["Behandel je collega net als je klant"]


def test_typos_are_forgiven_by_the_length_of_the_word(client, seed):
    # 5–8 letters: one typo, a swap of neighbouring letters included.
    assert labels(client, "Hremarij") == ["John Hermarij"]
    assert labels(client, "Boersam") == ["Dirk Boersma"]
    # Begun with a typo.
    assert "Dirk Boersma" in labels(client, "boesm")
    # 9 or more letters: two.
    assert labels(client, "evenwaadigheit")[0] == "evenwaardigheid"
    # Up to 4 letters: none (there would be too many).
    assert labels(client, "klnt") == []
    assert labels(client, "Hrmarij") == ["John Hermarij"]
    assert labels(client, "Hrmrij") == []  # two typos in six letters


def test_case_and_diacritics_do_not_matter(client, author_factory_named):
    author_factory_named("Ingrid Ideeën")
    assert labels(client, "IDEEEN") == ["Ingrid Ideeën"]
    assert labels(client, "ideeën") == ["Ingrid Ideeën"]


@pytest.fixture
def author_factory_named(db):
    def make(name):
        author = factories.AuthorFactory(name=name, slug=slugify(name))
        factories.ColumnFactory(author=author)
        return author

    return make


def test_best_first_and_at_most_eight(client, column_factory):
    theme = factories.ThemeFactory(name="klantreis", slug="klantreis")
    for number in range(12):
        column_factory(title=f"Over de klantreis, deel {number}", themes=[theme])
    column_factory(title="Klantreis")
    found = labels(client, "klantreis")
    assert len(found) == 8
    # The exact and complete name first: the theme and the one-word title.
    assert found[:2] == ["klantreis", "Klantreis"]
    # Then the newest first.
    assert found[2] == "Over de klantreis, deel 11"


def test_exact_words_rank_above_typo_matches(client, column_factory):
    column_factory(title="Het kantoor")
    column_factory(title="Het kanton")
    assert labels(client, "kanton") == ["Het kanton", "Het kantoor"]


def test_only_what_the_public_may_see(client, column_factory, author):
    hidden_theme = factories.ThemeFactory(name="geheimhouding", slug="geheimhouding")
    column_factory(title="Geheimhouding als concept", draft=True, themes=[hidden_theme])
    column_factory(title="Geheimhouding gepland", scheduled=True, themes=[hidden_theme])
    factories.AuthorFactory(name="Geheime Schrijver", slug="geheime-schrijver")
    column_factory(title="Geheimhouding voor iedereen", author=author)
    assert labels(client, "geheim") == ["Geheimhouding voor iedereen"]


def test_a_planned_column_is_suggested_once_it_appears(client, column_factory, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    column = column_factory(title="Toekomstmuziek", scheduled=True)
    assert labels(client, "toekomst") == []
    later = column.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert labels(client, "toekomst") == ["Toekomstmuziek"]


def test_a_change_that_commits_is_suggested_at_once(
    client, column_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        column_factory(title="Wendbaarheid")
    assert labels(client, "wendb") == ["Wendbaarheid"]
    with django_capture_on_commit_callbacks(execute=True):
        column_factory(title="Wendbaar organiseren")
    assert labels(client, "wendb") == ["Wendbaarheid", "Wendbaar organiseren"]


def test_no_suggestions_is_said_in_dutch(client, seed):
    assert ask(client, "zwembadrooster") == {
        "query": "zwembadrooster",
        "message": "Geen suggesties",
        "suggestions": [],
    }
    assert ask(client, "")["suggestions"] == []
    assert ask(client, " ?! ")["suggestions"] == []
    assert ask(client, "ga jij naar de klant")["message"] == "1 suggestie"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Geef op wat er getypt is, bijvoorbeeld ?q=klant."),
        ({"q": "k" * 101}, "Typ hoogstens 100 tekens om suggesties te krijgen."),
    ],
)
def test_bad_input_gets_a_dutch_400(client, query, message):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert response.json() == {"fout": message}
    assert "public" not in response.get("Cache-Control", "")


def test_the_query_count_does_not_grow_with_the_content(
    client, column_factory, django_assert_num_queries
):
    column_factory(title="Klantgericht werken")
    pagecache.content_generation()  # as after any change: the site has one
    # The generation, and a catalogue built: columns, themes, the next planned column.
    with django_assert_num_queries(4):
        assert labels(client, "klant") == ["Klantgericht werken"]
    with django_assert_num_queries(1):  # the generation only
        labels(client, "klantg")
    for number in range(30):
        column_factory(title=f"Klantgericht werken {number}", themes=[factories.ThemeFactory()])
    suggest.forget()
    with django_assert_num_queries(4):
        assert len(labels(client, "klant")) == 8
    with django_assert_num_queries(1):
        labels(client, "klantgericht wer")


def cache_control(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_the_answer_is_public_and_cached_by_the_page_cache(
    client, settings, column_factory, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    pagecache._recent.entries.clear()
    column_factory(title="Klantgericht werken")
    first = client.get(URL, {"q": "klantg"})
    assert first["X-Page-Cache"] == "miss"
    assert cache_control(first) == {"max-age=60", "public"}
    with django_assert_max_num_queries(1):
        second = client.get(URL, {"q": "klantg"})
    assert second["X-Page-Cache"] == "hit"
    assert second.json() == first.json()
    assert second["Content-Type"] == "application/json"
    assert cache_control(second) == {"max-age=60", "public"}
    # A change to public content makes it stale.
    pagecache.bump_generation()
    assert client.get(URL, {"q": "klantg"})["X-Page-Cache"] == "miss"


def test_nul_bytes_and_markup_are_harmless(client, column_factory):
    column_factory(title="<b>Vet</b> & zo")
    data = ask(client, "v\x00et")
    assert [item["label"] for item in data["suggestions"]] == ["<b>Vet</b> & zo"]
    assert {"text": "Vet", "match": True} in data["suggestions"][0]["parts"]


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=120))
def test_no_input_gives_a_server_error(client, seed, text):
    response = client.get(URL, {"q": text})
    assert response.status_code in (200, 400)
    assert "suggestions" in response.json() or "fout" in response.json()
