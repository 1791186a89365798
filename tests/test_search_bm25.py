"""Ranking by the body (search.bm25): cases whose answer is obvious to a reader, the
formula of docs/search.md, and the statistics kept current as the index is."""

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Column
from search import bm25, engine, index, rows
from search.dutch import stem
from search.index import backend
from search.models import SearchIndexInfo
from search.query import parse

from .factories import ThemeFactory


def text(**counts):
    """A body holding each word as often as asked, padded with "tekst" to `length`."""
    length = counts.pop("length", 300)
    said = [word for word, count in counts.items() for _ in range(count)]
    return " ".join(said + ["tekst"] * (length - len(said)))


@pytest.fixture
def columns(column_factory):
    """Columns by title, published a day apart in the order given (the last newest);
    a few without the words searched, so they are not in every column."""

    def make(**bodies):
        now = timezone.now()
        for number in range(4):
            column_factory(title=f"Opvulling {number}", lead="", body=text(andere=3))
        made = {}
        for age, (title, body) in enumerate(reversed(bodies.items())):
            made[title] = column_factory(
                title=title, lead="", body=body, published_at=now - timedelta(days=age + 1)
            )
        return made

    return make


def titles(query):
    return [hit.column.title for hit in engine.search(query).hits]


def test_a_column_about_the_word_ranks_above_one_that_mentions_it(columns):
    columns(Erover=text(vertrouwen=15), Terloops=text(vertrouwen=1))  # Terloops is newer
    assert titles("vertrouwen") == ["Erover", "Terloops"]


def test_of_two_columns_that_say_it_as_often_the_shorter_ranks_first(columns):
    columns(Kort=text(vertrouwen=3, length=100), Lang=text(vertrouwen=3, length=1000))
    assert titles("vertrouwen") == ["Kort", "Lang"]
    columns(Lang2=text(beloning=3, length=1000), Kort2=text(beloning=3, length=100))
    assert titles("beloning") == ["Kort2", "Lang2"]


def test_a_rare_word_weighs_more_than_a_common_one(columns, column_factory):
    columns(
        Zeldzaam=text(klant=1, vertrouwen=5),
        Gewoon=text(klant=10, vertrouwen=1),
    )
    # "klant" is in every column, "vertrouwen" in two: saying the rare word more
    # often weighs more, though "klant" ten times would win on counts alone.
    for number in range(4):
        column_factory(title=f"Over klanten {number}", lead="", body=text(klant=2))
    assert titles("klant vertrouwen") == ["Zeldzaam", "Gewoon"]


def test_the_title_still_counts_most(columns):
    columns(Vertrouwen=text(), Tekst=text(vertrouwen=4))
    assert titles("vertrouwen") == ["Vertrouwen", "Tekst"]


def test_a_theme_alone_gives_no_body_points(columns):
    theme = ThemeFactory(name="Beloning", slug="beloning")
    made = columns(Nieuw=text(length=50), Oud=text(beloning=1))
    made["Nieuw"].themes.set([theme])
    made["Oud"].themes.set([theme])
    # Both have the theme; only the older one's text says it.
    assert titles("beloning") == ["Oud", "Nieuw"]


def score_of(column, query):
    found = engine._Matches(
        engine._prefix_words(parse(query)), {"themes": [], "author": "", "year": None}, "relevantie"
    )
    matches_sql, matches_params = found._rows("m", backend().match(found.query))
    page_sql, page_params = found._page(offset=0, limit=100)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {matches_sql} {page_sql}", [*matches_params, *page_params])
        return {pk: score for _, pk, score, *_ in cursor.fetchall()}[column.pk]


def test_the_score_is_the_formula_of_the_docs(columns):
    made = columns(Eerste=text(vertrouwen=4, length=200), Tweede=text(vertrouwen=1, length=700))
    info = SearchIndexInfo.objects.get()
    assert info.columns == Column.objects.count() == 6
    average = info.body_words / info.columns
    idf = bm25.idf(6, 2)
    assert idf == pytest.approx(1.0296194)  # ln(1 + 4.5 / 2.5)
    for title, tf, length in [("Eerste", 4, 200), ("Tweede", 1, 700)]:
        norm = bm25.K1 * (1 - bm25.B) + bm25.K1 * bm25.B / average * length
        expected = idf * tf * (bm25.K1 + 1) / (tf + norm)
        # The last word typed is searched as a prefix: its word as typed counts.
        assert score_of(made[title], "vertrouwen") == pytest.approx(expected, rel=1e-12)


def snapshot():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT column_id, stem, tf FROM {bm25.TABLE} ORDER BY 1, 2")
        terms = cursor.fetchall()
        cursor.execute(f"SELECT column_id, body_length FROM {rows.TABLE} ORDER BY 1")
        lengths = cursor.fetchall()
    info = SearchIndexInfo.objects.values("columns", "body_words").get()
    return terms, lengths, info


def test_the_statistics_follow_every_change_as_a_rebuild_makes_them(columns):
    made = columns(Een=text(vertrouwen=2), Twee=text(klant=3, length=80))
    made["Een"].body = text(vertrouwen=7, beloning=2, length=120)
    made["Een"].save()
    made["Twee"].delete()
    made["Een"].themes.set([ThemeFactory(name="Vertrouwen", slug="vertrouwen")])
    kept = snapshot()
    assert kept[2] == {"columns": 5, "body_words": 4 * 300 + 120}
    assert (made["Een"].pk, stem("vertrouwen"), 7) in kept[0]
    index.rebuild()
    assert snapshot() == kept


def test_a_rebuild_counts_the_words_of_any_script_as_a_save_does(columns):
    # SQLite's rebuild counts the words from FTS5's index, which folds case itself:
    # the analyser must leave nothing for it to fold ("℃" decomposes to "°C").
    columns(
        Tekens=text(**{"Søren": 2, "℃": 3, "™": 1, "ﬁets": 2, "İstanbul": 1, "ΣΊΣΥΦΟΣ": 2}),
        Cijfers=text(**{"½": 2, "²": 1, "Ⅻ": 1, "ǅemal": 2, "Œuvre": 1, "straße": 3}),
    )
    saved = snapshot()
    assert {(stem, tf) for _, stem, tf in saved[0]} >= {("c", 3), ("tm", 1), ("fiet", 2)}
    index.rebuild()
    assert snapshot() == saved


@pytest.mark.parametrize("page", [1, 2, 4])
def test_only_rows_that_can_reach_the_page_are_scored_and_the_page_is_exact(
    seed, page, monkeypatch
):
    call_command("generate_corpus", 300, seed=3, stdout=io.StringIO())
    queries = ["klant", "klanten medewerkers", "vertrouwen", "organisatie OR leiderschap"]
    bounded = {text: ids(engine.search(text, page=page).hits) for text in queries}
    unbounded = bm25.score

    def everything(groups, statistics):
        body = unbounded(groups, statistics)
        return replace(body, most=1e9) if body.joins else body

    monkeypatch.setattr(bm25, "score", everything)
    assert {text: ids(engine.search(text, page=page).hits) for text in queries} == bounded
    assert all(len(found) == 10 for found in bounded.values())


def ids(hits):
    return [hit.column.pk for hit in hits]


def test_a_row_below_the_page_by_its_fields_is_scored_when_its_body_can_lift_it(column_factory):
    # 3 columns say "beloning" in their lead only (4 points each), one says it twenty
    # times in a short body (0 points for the fields, BM25 about 5.5 of at most 5.7):
    # a page of 3 must look below the lead's 4 points to find it.
    for number in range(50):
        column_factory(title=f"Opvulling {number}", lead="", body=text(andere=3))
    for number in range(3):
        column_factory(title=f"Inleiding {number}", lead="Over beloning.", body=text())
    column_factory(title="Erover", lead="", body=text(beloning=20, length=60))
    hits = engine.search("beloning", per_page=3).hits
    assert [hit.column.title for hit in hits][0] == "Erover"


def test_a_word_no_column_holds_is_not_looked_up_nor_counted_in_the_most(columns):
    # "leidersch" is being typed: its prefix finds "leiderschap", the word itself is
    # in no column. Its BM25 is 0 in every row, so the rows scored for the page are
    # those "vertrouwen" can lift, as if it were searched alone.
    columns(
        Erover=text(vertrouwen=15, leiderschap=1),
        Terloops=text(vertrouwen=1, leiderschap=2),
    )
    typed, alone = parse("vertrouwen leidersch"), parse("vertrouwen")
    statistics = bm25.Statistics(bm25.wanted(typed.match_groups))
    assert not statistics.holds("leidersch") and statistics.holds(stem("vertrouwen"))
    body = bm25.score(typed.match_groups, statistics)
    assert body == bm25.score(alone.match_groups, bm25.Statistics(bm25.wanted(alone.match_groups)))
    assert body.join_params == [stem("vertrouwen")]
    assert titles("vertrouwen leidersch") == ["Erover", "Terloops"]
    # Nothing left to score: the body adds nothing, and the page is still found.
    assert bm25.score(parse("leidersch").match_groups, statistics) == bm25.NONE
    assert titles("leidersch") == ["Terloops", "Erover"]
