"""Very many matches (search.engine, above EXACT_LIMIT): the count and the facets are
estimated from a sample of the matches and say so; the page is still the exact one."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from articles.models import Column, Theme
from search import engine, fuzzy, rows, sqlite
from search.index import backend
from search.query import parse

from .factories import ThemeFactory


@pytest.fixture
def archive(seed, column_factory, monkeypatch):
    """300 generated columns and 60 with "klant" or "medewerkers" in the title (some
    in the lead too), searched as if they were an archive far larger than
    EXACT_LIMIT: samples of about 40 matches."""
    call_command("generate_corpus", 300, seed=3, stdout=io.StringIO())
    for number in range(60):
        word = "klant" if number % 2 else "medewerkers"
        column_factory(
            title=f"De {word} nummer {number}",
            lead=f"Over de {word} en de organisatie." if number % 3 else "",
            body=" ".join(["klant"] * (number % 7 + 1) + ["tekst"] * (50 + number * 9)),
        )
    column_factory(title="Zeldzaam", lead="Over een evenwichtskunstenaar.", body="Tekst.")
    monkeypatch.setattr(engine, "EXACT_LIMIT", 50)
    monkeypatch.setattr(engine, "SAMPLE", 40)


def exactly(monkeypatch, *args, **kwargs):
    with monkeypatch.context() as patch:
        patch.setattr(engine, "EXACT_LIMIT", 10**9)
        return engine.search(*args, **kwargs)


def ids(results):
    return [hit.column.pk for hit in results.hits]


QUERIES = [
    "klant",
    "klanten medewerkers",
    "organisatie OR leiderschap",
    "medewerker*",
    "klant -nummer",
]


@pytest.mark.parametrize("number", [1, 2])
def test_the_page_is_the_exact_one(archive, monkeypatch, number):
    estimated = {text: engine.search(text, page=number) for text in QUERIES}
    assert any(results.estimated for results in estimated.values())
    for text, results in estimated.items():
        assert ids(results) == ids(exactly(monkeypatch, text, page=number)), text
        assert len(results.hits) == 10


def test_a_page_the_titles_cannot_prove_is_ranked_among_all_matches(archive, monkeypatch):
    # Most columns say "niet", few titles do: the candidates (a query word in the
    # title) are too few, so the page is read from every match; the counts are the
    # sample's still.
    text = "niet"
    assert Column.objects.filter(title__icontains=text).count() < 10
    results = engine.search(text)
    assert results.estimated
    exact = exactly(monkeypatch, text)
    assert ids(results) == ids(exact)
    assert len(results.hits) == 10
    assert abs(results.total - exact.total) < exact.total / 2


def test_the_estimates_are_the_sample_scaled_up(archive):
    query = engine._prefix_words(parse("klant"))
    found = engine._Matches(query, {"themes": [], "author": "", "year": None}, engine.RELEVANCE)
    buckets = found._buckets(found._guess())
    assert buckets < rows.BUCKETS
    matching = engine.matching(Column.objects.published(), query)
    sample = [
        (pk, author)
        for pk, author in matching.values_list("pk", "author__slug")
        if rows.bucket(pk) < buckets
    ]
    scale = rows.BUCKETS / buckets
    results = engine.search("klant")
    assert results.estimated
    assert results.total == engine.about(len(sample) * scale)
    assert results.total != matching.count()  # an estimate, not the count
    authors = {
        slug: engine.about(count * scale)
        for slug, count in Counter(author for _, author in sample).items()
    }
    shown = {facet.value: facet.count for facet in results.facets["auteur"]}
    assert shown == {slug: authors[slug] for slug in shown}
    assert len(shown) == 10
    assert min(shown.values()) >= max(n for slug, n in authors.items() if slug not in shown)


@pytest.mark.parametrize("text", ["klant", '"de klant"', "medewerker*"])
def test_a_sample_is_the_matches_of_its_buckets_found_through_the_index(archive, text):
    # Both databases index each row's bucket and group of 16 buckets as words: a
    # sample below k is whole groups and single buckets, and exactly the matches whose
    # bucket is below k.
    query = engine._prefix_words(parse(text))
    matching = engine.matching(Column.objects.published(), query).values_list("pk", flat=True)
    for buckets in [1, 15, 16, 17, 40, 512, 1023]:
        condition, params = backend().sampled(query, buckets)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT column_id FROM {rows.TABLE} r WHERE {condition}", params)
            sample = sorted(pk for (pk,) in cursor.fetchall())
        assert sample == sorted(pk for pk in matching if rows.bucket(pk) < buckets), buckets
        assert sample or buckets < 40


def test_the_buckets_spread_any_ids_evenly():
    numbers = [1, 2, 3, 1023, 1024, 65_537, 10**6 + 7, 2**31 - 1, 3 * 10**9]
    assert all(0 <= rows.bucket(number) < rows.BUCKETS for number in numbers)
    spread = Counter(rows.bucket(number) * 8 // rows.BUCKETS for number in range(1, 8001))
    assert all(950 <= count <= 1050 for count in spread.values())
    evens = Counter(rows.bucket(number) * 8 // rows.BUCKETS for number in range(2, 16002, 2))
    assert all(950 <= count <= 1050 for count in evens.values())


@pytest.mark.parametrize(
    "number, rounded",
    [(7, 7), (57.4, 57), (99, 99), (123, 120), (99_894, 100_000), (12_501, 13_000)],
)
def test_estimates_are_rounded_to_two_digits(number, rounded):
    assert engine.about(number) == rounded


def test_the_page_and_the_json_say_it_is_an_estimate(archive, client):
    page = client.get("/zoeken/", {"q": "klant"}).content.decode()
    assert "Ongeveer" in page
    assert "geschat op een steekproef" in page
    assert "ca. " in page
    data = client.get("/zoeken/", {"q": "klant", "formaat": "json"}).json()
    assert data["estimated"] is True
    exact = client.get("/zoeken/", {"q": "evenwichtskunstenaar", "formaat": "json"}).json()
    assert (exact["total"], exact["estimated"]) == (1, False)


def test_past_the_estimated_end_the_last_page_is_counted_exactly(archive, monkeypatch):
    results = engine.search("klant", page=10**6)
    exact = exactly(monkeypatch, "klant")
    assert not results.estimated
    assert results.total == exact.total
    assert results.page.number == results.page.paginator.num_pages
    assert results.hits


def test_sorted_by_date_the_page_is_the_newest_matches(archive, monkeypatch):
    results = engine.search("klant", order=engine.DATE)
    assert results.estimated
    assert ids(results) == ids(exactly(monkeypatch, "klant", order=engine.DATE))


def test_a_page_column_keeps_a_theme_the_sample_missed(archive):
    query = engine._prefix_words(parse("klant"))
    found = engine._Matches(query, {"themes": [], "author": "", "year": None}, engine.RELEVANCE)
    buckets = found._buckets(found._guess())
    results = engine.search("klant")
    assert results.estimated
    # A column of the page outside the sample gets a theme no other column has.
    hit = next(hit for hit in results.hits if rows.bucket(hit.column.pk) >= buckets)
    rare = ThemeFactory(name="Uniekthema", slug="uniekthema")
    hit.column.themes.add(rare)
    again = engine.search("klant")
    shown = next(h for h in again.hits if h.column.pk == hit.column.pk)
    assert rare.name in [theme.name for theme in shown.themes]


@pytest.mark.parametrize("text", ["klant", "niet", "medewerker*"])
def test_the_last_pages_of_an_estimate_are_counted(archive, monkeypatch, text):
    # One column a page: whether the estimate is above or below the count, the pages
    # near its end show their column, and a page past the end shows the last one.
    exact = exactly(monkeypatch, text, per_page=1)
    estimated = engine.search(text, per_page=1)
    assert estimated.estimated
    for number in {exact.total, estimated.total, exact.total + 5, estimated.total + 5}:
        results = engine.search(text, page=number, per_page=1)
        last = min(number, exact.total)
        assert results.page.number == last, number
        assert ids(results) == ids(exactly(monkeypatch, text, page=last, per_page=1))


def test_a_sample_far_smaller_than_asked_is_taken_again(archive, monkeypatch):
    # Filtered by a theme: the guess (the columns that hold "klant") ignores the
    # filter, so the first sample holds few matches; the second is larger (here:
    # every match, so the counts are exact).
    monkeypatch.setattr(engine, "EXACT_LIMIT", 10)
    monkeypatch.setattr(engine, "SAMPLE", 80)
    theme = Theme.objects.annotate(count=Count("themed_columns")).order_by("-count").first()
    assert 40 <= theme.count <= 150
    taken = []
    sample = engine._Matches._sample

    def spy(self, buckets, offset, limit):
        taken.append(buckets)
        return sample(self, buckets, offset, limit)

    monkeypatch.setattr(engine._Matches, "_sample", spy)
    results = engine.search("klant", themes=[theme.slug])
    assert len(taken) == 2 and taken[0] < taken[1] == rows.BUCKETS, taken
    exact = exactly(monkeypatch, "klant", themes=[theme.slug])
    assert (ids(results), results.total, results.estimated) == (ids(exact), exact.total, False)


def levels_read(monkeypatch):
    """The levels of candidates a search reads its page from after the titles' ("all":
    every match)."""
    read = []
    candidates, every = engine._Matches._read_candidates, engine._Matches._read_all

    def from_candidates(self, offset, limit, level):
        read.append(level)
        return candidates(self, offset, limit, level)

    def from_all(self, offset, limit, grouped):
        read.append("all")
        return every(self, offset, limit, grouped)

    monkeypatch.setattr(engine._Matches, "_read_candidates", from_candidates)
    monkeypatch.setattr(engine._Matches, "_read_all", from_all)
    return read


@pytest.mark.parametrize(
    "in_both, in_lead, level",
    [(12, 0, [1]), (2, 20, [1, 2])],
)
def test_a_page_few_titles_hold_is_proven_by_the_lead_and_the_names(
    archive, monkeypatch, column_factory, in_both, in_lead, level
):
    # "Waardering" in 3 titles only; in the lead and a theme's name of `in_both`
    # columns (level 1 of the candidates), in the lead alone of `in_lead` (level 2),
    # and in the body of 90 more: each level is read only when the one before cannot
    # prove the page, and the page is the exact one.
    theme = ThemeFactory(name="Waardering", slug="waardering")
    for number in range(3):
        column_factory(title=f"Waardering {number}", body="Over waardering.")
    for number in range(in_both):
        column_factory(
            title=f"Lof {number}", lead="Waardering helpt.", body="Tekst.", themes=[theme]
        )
    for number in range(in_lead):
        column_factory(title=f"Dank {number}", lead="Waardering telt.", body="Tekst.")
    for number in range(90):
        body = " ".join(["waardering"] * (number % 4 + 1) + ["tekst"] * number)
        column_factory(title=f"Gewoon {number}", body=body)
    monkeypatch.setattr(engine, "SAMPLE", 20)  # of about 105 matches
    read = levels_read(monkeypatch)
    results = engine.search("waardering")
    assert results.estimated
    assert read == level
    assert ids(results) == ids(exactly(monkeypatch, "waardering"))
    assert len(results.hits) == 10


def titles_and_names(column_factory, name, lead):
    """Three columns with `name` in the title, and twelve with `lead` and the theme
    `name` (the candidates of level 1 besides the titles)."""
    theme = ThemeFactory(name=name, slug=name.lower().replace(" ", "-"))
    for number in range(3):
        column_factory(title=f"{name} {number}", body="Tekst.")
    for number in range(12):
        column_factory(title=f"Lof {number}", lead=lead, body="Tekst.", themes=[theme])


def test_a_match_outside_the_candidates_can_outscore_them(archive, monkeypatch, column_factory):
    # A rarer word: its body's BM25 can reach 5 points, more than a name's 4. Two
    # columns hold it in the lead only (no level 1 candidates), but thirty times in a
    # short body: they outscore the twelve with it in the lead and a theme's name, so
    # level 1 cannot prove its page and level 2 (any short field) is read.
    monkeypatch.setattr(engine, "EXACT_LIMIT", 20)
    monkeypatch.setattr(engine, "SAMPLE", 10)
    titles_and_names(column_factory, "Waardering", lead="Waardering helpt.")
    for number in range(2):
        column_factory(title=f"Dank {number}", lead="Waardering.", body="waardering " * 30)
    for number in range(30):
        column_factory(title=f"Gewoon {number}", body="waardering " + "tekst " * number)
    read = levels_read(monkeypatch)
    results = engine.search("waardering")
    assert results.estimated
    assert read == [1, 2]
    exact = exactly(monkeypatch, "waardering")
    assert ids(results) == ids(exact)
    assert {hit.column.title for hit in exact.hits[:2]} == {"Dank 0", "Dank 1"}


@pytest.mark.parametrize(
    "text, below_all",
    [
        ("klant", False),  # nearly every column
        ("organisatie OR klant", False),
        ("medewerker*", True),
        ('"de klant"', True),
        ("klant -nummer", True),
        ("kla* tekst", True),
    ],
)
def test_the_guess_bounds_the_matches(archive, monkeypatch, text, below_all):
    # The guess sizes the sample: never below the matches (or the sample would be too
    # large to be one), and below every column for a prefix, a phrase or an exclusion
    # too (from the vocabulary's frequencies), not only for words.
    query = engine._prefix_words(parse(text))
    found = engine._Matches(query, {"themes": [], "author": "", "year": None}, engine.RELEVANCE)
    assert exactly(monkeypatch, text).total <= found._guess()
    assert (found._guess() < found.statistics.columns) == below_all


@pytest.mark.parametrize("text", ['"klant centraal"', "klantcentraal"])
@pytest.mark.parametrize("few", [0, 1000])
def test_the_candidates_points_are_alike_asked_row_by_row_or_for_every_row(
    archive, monkeypatch, column_factory, few, text
):
    # Among the candidates of level 1, SQLite asks the whole text's table whether it
    # holds a phrase (or a corrected query's tier: "klantcentraal" finds "klant
    # centraal") row by row when they are few (sqlite.FEW), else once for every row;
    # PostgreSQL asks its GIN index for the candidates that hold it. The points, and
    # so the page, are the same either way, and the exact ones.
    titles_and_names(column_factory, "Klant centraal", lead="De klant centraal.")
    for number in range(90):
        column_factory(title=f"Gewoon {number}", body="klant centraal " + "tekst " * number)
    monkeypatch.setattr(sqlite, "FEW", few)
    monkeypatch.setattr(engine, "SAMPLE", 20)
    read = levels_read(monkeypatch)
    results = engine.search(text)
    assert results.estimated and 1 in read
    assert ids(results) == ids(exactly(monkeypatch, text))


@pytest.mark.parametrize("level", range(len(engine.LEVELS)))
def test_a_phrases_candidates_hold_it_in_a_short_field_not_only_its_words(column_factory, level):
    # Both columns say "klant centraal" in the body, and both words in every short
    # field; only the first says the phrase there. The candidates of each level are
    # found through the pairs of neighbouring words of the short fields: for "de
    # klant", the leads that say it, not the tens of thousands that hold both words.
    said = column_factory(
        title="De klant centraal",
        lead="Zet de klant centraal.",
        body="Zet de klant centraal.",
        themes=[ThemeFactory(name="Klant centraal", slug="klant-centraal")],
    )
    column_factory(
        title="Centraal staat de klant",
        lead="Centraal staat de klant.",
        body="Zet de klant centraal.",
        themes=[
            ThemeFactory(name="Klant", slug="klant"),
            ThemeFactory(name="Centraal", slug="centraal"),
        ],
    )
    (condition, params), _ = backend().candidates(parse('"klant centraal"'), level)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT r.column_id FROM {rows.TABLE} r WHERE {condition}", params)
        assert [pk for (pk,) in cursor.fetchall()] == [said.pk]


def test_the_guess_counts_a_compound_the_correction_adds_twice_once(column_factory):
    # "pin automaat" finds nothing; its correction adds "pinautomaat" to both groups
    # (the two words joined) and to the second again (a word ending in "automaat"):
    # its three columns are counted once, and the guess is the matches themselves.
    for number in range(3):
        column_factory(title=f"Betalen {number}", body="Bij de pinautomaat.")
    for number in range(2):
        column_factory(title=f"Code {number}", body="Een pin.")
    corrected, _ = fuzzy.Repair(parse("pin automaat")).widened()
    assert sum(term.text == "pinautomaat" for term in corrected.match_groups[1]) == 2
    found = engine._Matches(corrected, {"themes": [], "author": "", "year": None}, engine.RELEVANCE)
    assert found._guess() == 3 == engine.search("pin automaat").total
