"""The index follows every change in the same transaction: no lag, no stale rows."""

import io
import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

import search
from articles.models import Author, Column, Theme
from search import bm25, index, sqlite
from search.dutch import ANALYZER_VERSION
from search.index import backend
from search.models import SearchIndexInfo, SearchWord
from search.signals import rebuild_if_outdated

from . import factories


def found(text):
    return [hit.column.slug for hit in search.search(text).hits]


def index_rows():
    table = backend().TABLE
    key = "column_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {table} ORDER BY {key}")
        return [row[0] for row in cursor.fetchall()]


def test_a_saved_column_is_found_and_an_edit_replaces_its_words(column_factory):
    column = column_factory(title="Over de zeehond", slug="zeehond")
    assert found("zeehonden") == ["zeehond"]
    column.title = "Over de walvis"
    column.save()
    assert found("zeehond") == []
    assert found("walvissen") == ["zeehond"]
    assert index_rows() == [column.pk]


def test_publish_and_unpublish(editor_client, column_factory):
    column = column_factory(title="Concept over de lynx", slug="lynx", draft=True)
    assert found("lynx") == []
    changelist = reverse("admin:articles_column_changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [column.pk]})
    assert found("lynx") == ["lynx"]
    editor_client.post(changelist, {"action": "unpublish", "_selected_action": [column.pk]})
    assert found("lynx") == []


def test_delete_removes_the_row(column_factory):
    keep = column_factory(title="Blijft", slug="blijft")
    gone = column_factory(title="Verdwijnt met de das", slug="das")
    gone.delete()
    assert found("das") == []
    assert index_rows() == [keep.pk]


def test_change_of_themes(column, theme):
    other = factories.ThemeFactory(name="duurzaamheid", slug="duurzaamheid")
    assert found("duurzaamheid") == []
    column.themes.add(other)
    assert found("duurzaamheid") == [column.slug]
    column.themes.remove(other)
    assert found("duurzaamheid") == []
    column.themes.set([other])
    assert found("duurzaamheid") == [column.slug]
    column.themes.clear()
    assert found("duurzaamheid") == []


def test_rename_of_an_author_or_a_theme(column, theme):
    author = column.author
    author.name = "Wilhelmina Vlinderstrik"
    author.save()
    assert found("vlinderstrik") == [column.slug]
    theme.name = "klantbeleving"
    theme.save()
    assert found("klantbeleving") == [column.slug]
    theme.delete()
    assert found("klantbeleving") == []


def test_a_rolled_back_change_leaves_no_index_row(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.ColumnFactory(title="Het spookwoord", slug="spook")
        assert found("spookwoord") == ["spook"]
        raise RuntimeError("rollback")
    assert found("spookwoord") == []
    assert index_rows() == []


def test_load_seed_leaves_a_complete_index(seed):
    assert index_rows() == sorted(Column.objects.values_list("pk", flat=True))
    assert (
        found("evenwaardigheid")[0] == "ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid"
    )


def test_a_rebuild_leaves_the_indexes_the_searches_need(seed):
    # PostgreSQL writes a rebuild's rows without the GIN index and the term statistics
    # without their key, and makes both at the end; SQLite's tables are their indexes.
    with connection.cursor() as cursor:
        settings = ["PRAGMA secure_delete", "PRAGMA threads"]
        if connection.vendor == "sqlite":
            before = [cursor.execute(pragma).fetchone() for pragma in settings]
    # The vocabulary's indexes, which the rebuild makes again after its rows (SQLite).
    vocabulary = vocabulary_indexes()
    search.rebuild()
    assert len(vocabulary) >= 4  # key, stem, backwards, window (PostgreSQL: and LIKE's)
    assert vocabulary_indexes() == vocabulary
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename IN (%s, %s)",
                [backend().TABLE, bm25.TABLE],
            )
            expected = {f"{backend().TABLE}_document", bm25.KEY, f"{backend().TABLE}_pkey"}
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s)",
                [backend().TABLE, backend().SHORT, bm25.TABLE],
            )
            expected = {backend().TABLE, backend().SHORT, bm25.TABLE}
        assert {name for (name,) in cursor.fetchall()} == expected
        if connection.vendor == "sqlite":
            # Made anew, with the memory FTS5 may hold before writing a segment.
            cursor.execute(f"SELECT v FROM {backend().TABLE}_config WHERE k = 'hashsize'")
            assert cursor.fetchone() == (backend().PENDING_BYTES,)
            # What the rebuild set for itself is set back.
            assert [cursor.execute(pragma).fetchone() for pragma in settings] == before
    assert found("evenwaardigheid")


def test_a_second_rebuild_leaves_the_same_index(seed):
    search.rebuild()
    before = index_state()
    search.rebuild()
    assert index_state() == before
    assert found("evenwaardigheid")


def test_a_column_saved_as_the_rebuild_starts_is_indexed(seed, column_factory, monkeypatch):
    # Saved after the rebuild counted the columns and before it began its tables: the
    # rebuild reads the ids after that (on PostgreSQL the column is already in the
    # live rows it notes, so it is not among those changed meanwhile).
    start_rebuild = backend().start_rebuild

    def started(cursor):
        column_factory(title="Zeeanemonen", slug="zeeanemonen")
        return start_rebuild(cursor)

    monkeypatch.setattr(backend(), "start_rebuild", started)
    search.rebuild()
    assert found("zeeanemonen") == ["zeeanemonen"]
    assert index_rows() == sorted(Column.objects.values_list("pk", flat=True))


def vocabulary_indexes():
    """The names and definitions of the vocabulary table's indexes."""
    table = SearchWord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
                " ORDER BY indexname",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                " ORDER BY name",
                [table],
            )
        return cursor.fetchall()


def _analysed_marked(columns, themes):
    """`index._analyse_columns`, its documents marked with the process that made them:
    a module's function, which a process pool can be handed."""
    analysis = _ANALYSE(columns, themes)
    for document in analysis.documents:
        document.analysed_in = os.getpid()
    return analysis


_ANALYSE = index._analyse_columns


def test_a_large_rebuild_analyses_in_processes_of_its_own_and_builds_the_same_index(
    seed, monkeypatch
):
    search.rebuild()
    before = index_state(), list(SearchWord.objects.values_list(*index.WORD_FIELDS))
    analysed_in, write = [], index._write

    def written(cursor, documents, columns, **options):
        analysed_in.extend(document.analysed_in for document in documents)
        return write(cursor, documents, columns, **options)

    monkeypatch.setattr(index, "_analyse_columns", _analysed_marked)
    monkeypatch.setattr(index, "_write", written)
    monkeypatch.setattr(index.os, "cpu_count", lambda: 2)  # whatever the machine has
    search.rebuild(batch_size=2)  # 3 batches
    assert len(analysed_in) == 5 and os.getpid() not in analysed_in
    assert (index_state(), list(SearchWord.objects.values_list(*index.WORD_FIELDS))) == before
    assert found("evenwaardigheid")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's rebuild writes beside the live tables; on SQLite the rebuild holds"
    " the only write lock (saves wait) and searches read through WAL, which the in-memory"
    " test database does not have",
)
@pytest.mark.django_db(transaction=True)
def test_searches_go_on_during_a_rebuild_which_keeps_the_saves_made_meanwhile(column_factory):
    call_command("load_seed", verbosity=0)
    edited = Column.objects.get(slug="klant-vriend-of-vijand")
    removed = Column.objects.exclude(pk=edited.pk).first()
    between_batches, go_on, failures = threading.Event(), threading.Event(), []

    def progress(done, total):
        between_batches.set()
        go_on.wait(timeout=60)

    def rebuild():
        try:
            with transaction.atomic():
                search.rebuild(progress=progress)
        except Exception as error:  # reported by the test
            failures.append(error)
        finally:
            connection.close()

    rebuilding = threading.Thread(target=rebuild)
    rebuilding.start()
    try:
        assert between_batches.wait(timeout=60)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # waiting would fail, not hang
        # The rebuild's transaction is open: the index is read as it was.
        assert "klant-vriend-of-vijand" in found("vriend")
        edited.title = "Egelstekels"
        edited.save()
        removed.delete()
        column_factory(title="Zeeanemonen", slug="zeeanemonen")
        assert found("egelstekels") == ["klant-vriend-of-vijand"]
    finally:
        go_on.set()
        rebuilding.join(timeout=60)
    assert not rebuilding.is_alive() and not failures
    assert found("egelstekels") == ["klant-vriend-of-vijand"]
    assert found("zeeanemonen") == ["zeeanemonen"]
    assert removed.slug not in found("klant")
    assert index_rows() == sorted(Column.objects.values_list("pk", flat=True))
    assert SearchIndexInfo.objects.get().columns == 5
    assert SearchWord.objects.get(word="egelstekels").frequency == 1
    caught_up = index_state()
    words = set(SearchWord.objects.values_list("word", "kind"))
    search.rebuild()
    # As if the saves came before the rebuild; but a save, like an edit at any time,
    # leaves the words of a column's old text that share a stem with other words.
    assert index_state() == caught_up
    assert set(SearchWord.objects.values_list("word", "kind")) <= words
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def index_state():
    """The vocabulary, term statistics and totals, to compare with a rebuild's."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stem, column_id, tf FROM {bm25.TABLE} ORDER BY stem, column_id")
        terms = cursor.fetchall()
    info = SearchIndexInfo.objects.get()
    return (
        index_rows(),
        terms,
        dict(SearchWord.objects.values_list("stem", "frequency").distinct()),
        (info.columns, info.body_words),
    )


def test_rebuild_command_shows_progress(seed):
    Column.objects.filter(slug="klant-vriend-of-vijand").update(title="Egelstekels")
    assert found("egelstekels") == []  # update() bypasses the index: that is what rebuild is for
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "[##############################] 5/5 columns" in out.getvalue()
    assert "Search index rebuilt: 5 columns" in out.getvalue()
    assert found("egelstekels") == ["klant-vriend-of-vijand"]


def test_a_new_analyzer_version_triggers_a_rebuild(seed):
    from django.apps import apps

    SearchIndexInfo.objects.update(analyzer_version=ANALYZER_VERSION - 1)
    Column.objects.filter(slug="klant-vriend-of-vijand").update(title="Marterhaar")
    rebuild_if_outdated(sender=None, app_config=apps.get_app_config("search"), verbosity=0)
    assert SearchIndexInfo.objects.get().analyzer_version == ANALYZER_VERSION
    assert found("marterhaar") == ["klant-vriend-of-vijand"]


def test_bulk_loaded_authors_and_themes_are_indexed_with_their_columns(db):
    author = Author.objects.create(name="Bertha Boomklever", slug="bertha")
    theme = Theme.objects.create(name="natuurbeleid", slug="natuurbeleid")
    column = factories.ColumnFactory(author=author, themes=[theme])
    assert found("boomklever") == [column.slug]
    assert found("natuurbeleid") == [column.slug]


@pytest.mark.django_db(transaction=True)
def test_migrating_back_before_the_search_index_works():
    column = factories.ColumnFactory(title="Over de hermelijn", slug="hermelijn")
    call_command("migrate", "articles", "0002", verbosity=0)
    try:
        assert "articles_searchindexinfo" not in connection.introspection.table_names()
    finally:
        call_command("migrate", verbosity=0)
    assert found("hermelijn") == [column.slug]  # rebuilt on the way forward


def test_a_new_author_and_date_move_the_column_in_the_facets(column_factory):
    column = column_factory(title="Over de otter", published_at=datetime(2020, 6, 1, tzinfo=UTC))
    other = factories.AuthorFactory(name="Otto Otter", slug="otto")
    results = search.search("otter")
    assert [f.value for f in results.facets["auteur"]] == [column.author.slug]
    assert [f.value for f in results.facets["jaar"]] == ["2020"]
    column.author = other
    column.published_at = datetime(2021, 12, 31, 23, 30, tzinfo=UTC)  # 2022 in Amsterdam
    column.save()
    results = search.search("otter", author="otto", year=2022)
    assert [hit.column.pk for hit in results.hits] == [column.pk]
    assert [f.value for f in results.facets["auteur"]] == ["otto"]
    assert [f.value for f in results.facets["jaar"]] == ["2022"]
    column.published_at = timezone.now() + timedelta(days=1)
    column.save()
    assert search.search("otter").total == 0


def test_a_phrase_counts_in_a_short_field_only_where_its_words_follow_each_other(
    column_factory,
):
    # Both pairs of "de klant centraal" are in the newer column's title, but not the
    # phrase: it matches through its body alone and ranks below the title's.
    exact = column_factory(
        title="Zet de klant centraal",
        lead="Kort.",
        body="Tekst over de klant centraal.",
        published_at=timezone.now() - timedelta(days=2),
    )
    near = column_factory(
        title="De klant, klant centraal",
        lead="Kort.",
        body="Tekst over de klant centraal.",
        published_at=timezone.now() - timedelta(days=1),
    )
    assert [hit.column for hit in search.search('"de klant centraal"').hits] == [exact, near]
    assert [hit.column for hit in search.search('"klant centraal"').hits] == [near, exact]
    if connection.vendor == "sqlite":
        # The pairs' tokens start with their mark, so a word's prefix ("klant"*: the
        # short fields' table has no prefix index) never reads them.
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE temp.short_terms USING fts5vocab(main, {sqlite.SHORT}, row)"
            )
            cursor.execute("SELECT term FROM temp.short_terms")
            terms = [term for (term,) in cursor.fetchall()]
            cursor.execute("DROP TABLE temp.short_terms")
        assert f"{sqlite.PAIR}de{sqlite.PAIR}klant" in terms
        assert not [term for term in terms if sqlite.PAIR in term[1:] and term[0] != sqlite.PAIR]


def test_the_fields_points_follow_every_change_as_a_rebuild_makes_them(column_factory):
    """Which columns hold a word in their title, lead or names is kept apart from the
    text on SQLite (search.sqlite.SHORT, a table that forgets a row only by being
    told what it held): after edits and a delete, every score is a rebuild's."""
    from search import engine
    from search.index import backend
    from search.query import parse

    made = [
        column_factory(
            title=f"Klant nummer {number}", lead="Over medewerkers.", body="Tekst klant nummer."
        )
        for number in range(4)
    ]
    made[0].title, made[0].lead = "Medewerkers eerst", "Geen klant hier."
    made[0].save()
    made[1].delete()
    made[2].themes.set([factories.ThemeFactory(name="Klantreis", slug="klantreis")])

    def scores():
        found = {}
        texts = ["klant", "medewerkers", "klantreis", "eerst klant", "nummer"]
        # phrases: their pairs of words in the short fields (search.sqlite.PAIR)
        for text in [*texts, '"klant nummer"', '"geen klant hier"', '"medewerkers eerst"']:
            matches = engine._Matches(
                engine._prefix_words(parse(text)),
                {"themes": [], "author": "", "year": None},
                engine.RELEVANCE,
            )
            rows_sql, rows_params = matches._rows("m", backend().match(matches.query))
            page_sql, page_params = matches._page(offset=0, limit=100)
            with connection.cursor() as cursor:
                cursor.execute(f"WITH {rows_sql} {page_sql}", [*rows_params, *page_params])
                found[text] = {pk: score for _, pk, score, *_ in cursor.fetchall()}
        return found

    kept = scores()
    assert max(kept["medewerkers"], key=kept["medewerkers"].get) == made[0].pk
    assert kept["nummer"][made[0].pk] < kept["nummer"][made[2].pk]  # its title lost it
    search.rebuild()
    assert scores() == kept
