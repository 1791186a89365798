"""Writing the index: one row per column (drafts too: the admin searches them), kept
current in the same transaction as the change, and rebuilt in batches."""

import html
import os
import re
import threading
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from typing import NamedTuple

from django.apps import apps as global_apps
from django.db import connection, connections, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from . import bm25, postgres, rows, sqlite
from .dutch import ANALYZER_VERSION, MAX_TOKENS, stem, stems, words

TAG = re.compile(r"<[^>]*>")
# The kinds of vocabulary words (SearchWord.Kind; plain values, for migrations' models).
TEXT, NAME = "tekst", "naam"


def backend():
    """The module that knows this database's full-text search."""
    return postgres if connection.vendor == "postgresql" else sqlite


def plain_text(body_html):
    """The text of sanitised HTML, with tags turned into spaces."""
    return html.unescape(TAG.sub(" ", body_html))


@dataclass
class Document:
    """The analysed fields of one column, as both backends index them."""

    column_id: int
    title: list
    meta: list
    lead: list
    body: list
    theme_ids: list
    # The backend's own values of the column's search row (`backend().row_values`),
    # made with the rest: in a rebuild's analysis process, not beside its writes.
    row: tuple = ()

    def stems(self):
        """The distinct stems the index holds for this column."""
        return {*self.title, *self.meta, *self.lead, *self.body}


def make_document(column_id, *, title, names, lead, body, theme_ids):
    """The Document of a column from the words (search.dutch.words) of its fields;
    `names`: those of its author, then of each theme."""
    title, lead = stems(title), stems(lead)
    meta = [stem for name in names for stem in stems(name)]
    room = max(0, MAX_TOKENS - len(title) - len(meta) - len(lead))
    document = Document(column_id, title, meta, lead, stems(body[:room]), theme_ids)
    document.row = backend().row_values(document)
    return document


def _models(apps):
    apps = apps or global_apps
    return (
        apps.get_model("articles", "Column"),
        apps.get_model("articles", "ThemedColumn"),
        apps.get_model("search", "SearchWord"),
    )


def _documents(columns, ThemedColumn):
    """The Analysis of `columns` (a list of dicts)."""
    return _analyse_columns(columns, _themes([column["id"] for column in columns], ThemedColumn))


def _themes(ids, ThemedColumn):
    """The themes of these columns: {column id: [(theme id, name), ...]}."""
    themes = {}
    for column_id, pk, name in ThemedColumn.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id", "tag__name"
    ):
        themes.setdefault(column_id, []).append((pk, name))
    return themes


def _analyse_columns(columns, themes):
    """The Analysis of `columns` with their `themes` (`_themes`), without the
    database: a large rebuild runs this in a process of its own."""
    documents, texts, names = [], set(), set()
    for column in columns:
        themed = sorted(themes.get(column["id"], []), key=lambda theme: theme[1])
        title, lead = words(column["title"]), words(column["lead"])
        body = words(plain_text(column["body_html"]))
        named = [words(column["author__name"]), *(words(name) for _, name in themed)]
        documents.append(
            make_document(
                column["id"],
                title=title,
                names=named,
                lead=lead,
                body=body,
                theme_ids=[pk for pk, _ in themed],
            )
        )
        texts.update(title, lead, body)
        for name in named:
            names.update(name)
    kinds = dict.fromkeys(texts, TEXT)
    kinds.update(dict.fromkeys(names, NAME))
    # The words were stemmed for the documents just now: looked up, not stemmed again.
    found = dict(zip(kinds, stems(list(kinds)), strict=True))
    return Analysis(documents, kinds, found, _stems(documents))


class Analysis(NamedTuple):
    """What the analysis of some columns gives: their Documents; the vocabulary, as
    each word's kind ({word: kind}) and stem ({word: stem}); and how many of the
    documents hold each stem ({stem: documents})."""

    documents: list
    kinds: dict
    stems: dict
    counts: Counter


def _stems(documents):
    """How many of `documents` hold each stem."""
    return Counter(stem for doc in documents for stem in doc.stems())


FIELDS = ["id", "title", "lead", "body_html", "author__name", "author_id", "status", "published_at"]


def index_columns(column_ids, apps=None):
    """(Re)write the index rows of these columns; gone ones are removed. The
    vocabulary's frequencies follow: minus the stems the old rows held, plus the new."""
    Column, ThemedColumn, SearchWord = _models(apps)
    column_ids = list(column_ids)
    columns = list(Column.objects.filter(pk__in=column_ids).values(*FIELDS))
    documents, vocabulary, _, change = _documents(columns, ThemedColumn)
    with connection.cursor() as cursor:
        before = backend().stems(cursor, column_ids)
        _delete(cursor, before)
        _write(cursor, documents, columns)
    _add_words(SearchWord, vocabulary)
    change.subtract(_count(before))
    _count_stems(SearchWord, change)
    words = sum(len(doc.body) for doc in documents)
    _count_columns(apps, len(documents) - len(before), words - _words(before))


def _write(cursor, documents, columns, terms=bm25.TABLE, savepoint=True, table=rows.TABLE):
    """Write the index rows of `documents`, the search rows into `table` and the term
    statistics into `terms`. In one transaction: SQLite would otherwise commit each of
    the many rows on its own. A rebuild that runs in a transaction of its own asks for
    no savepoint: at each one, FTS5 writes out what it holds in memory
    (search.sqlite.PENDING_BYTES)."""
    with transaction.atomic(savepoint=savepoint):
        backend().write(cursor, documents)
        if terms:
            bm25.write(cursor, documents, terms)
        rows.write(connection, cursor, zip(documents, columns, strict=True), backend(), table)


def _delete(cursor, held):
    """Remove the index rows of the columns of `held` ({column id: rows.Held})."""
    backend().delete(cursor, held)
    bm25.delete(cursor, held)
    rows.delete(cursor, held)


def _count(held):
    """How many columns of `held` ({column id: rows.Held}) hold each stem."""
    return Counter(stem for row in held.values() for stem in row.stems)


def _words(held):
    """The total body length of the columns of `held` ({column id: rows.Held})."""
    return sum(row.body_length for row in held.values())


def remove_columns(column_ids):
    column_ids = list(column_ids)
    with connection.cursor() as cursor:
        before = backend().stems(cursor, column_ids)
        _delete(cursor, before)
    change = Counter()
    change.subtract(_count(before))
    _count_stems(global_apps.get_model("search", "SearchWord"), change)
    _count_columns(None, -len(before), -_words(before))


def _count_columns(apps, columns, words):
    """Add to the number of indexed columns and their total body length (search.bm25)."""
    if columns or words:
        (apps or global_apps).get_model("search", "SearchIndexInfo").objects.filter(pk=1).update(
            columns=Greatest(F("columns") + columns, 0),
            body_words=Greatest(F("body_words") + words, 0),
        )


# The vocabulary's fields, in the order of `_word_values`.
WORD_FIELDS = ["word", "stem", "kind", "frequency", "length", "initial", "backwards"]


def _word_values(word, kind, frequency=0, stemmed=None):
    """The values of WORD_FIELDS of the vocabulary row of `word` (whose stem is
    `stemmed`, when known)."""
    return (word, stemmed or stem(word), kind, frequency, len(word), word[0], word[::-1])


def _word(SearchWord, word, kind, frequency=0):
    return SearchWord(**dict(zip(WORD_FIELDS, _word_values(word, kind, frequency), strict=True)))


def _add_words(SearchWord, vocabulary):
    """Add the new words of `vocabulary` ({word: kind}), each with the frequency its
    stem has (all words of a stem share it); a known word seen in a name becomes a name
    word."""
    stems = sorted({stem(word) for word in vocabulary})
    current = {}
    for start in range(0, len(stems), CHUNK):
        current.update(
            SearchWord.objects.filter(stem__in=stems[start : start + CHUNK])
            .values_list("stem", "frequency")
            .order_by()
        )
    SearchWord.objects.bulk_create(
        [
            _word(SearchWord, word, kind, current.get(stem(word), 0))
            for word, kind in vocabulary.items()
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    names = [word for word, kind in vocabulary.items() if kind == NAME]
    for start in range(0, len(names), CHUNK):
        SearchWord.objects.filter(word__in=names[start : start + CHUNK], kind=TEXT).update(
            kind=NAME
        )


CHUNK = 2000


def _count_stems(SearchWord, change):
    """Add `change` ({stem: columns more or fewer}) to the frequencies: one UPDATE per
    distinct change (usually +1 and -1), in chunks of stems."""
    by_step = {}
    for key, step in change.items():
        if step:
            by_step.setdefault(step, []).append(key)
    for step, changed in sorted(by_step.items()):
        changed.sort()
        for start in range(0, len(changed), CHUNK):
            SearchWord.objects.filter(stem__in=changed[start : start + CHUNK]).update(
                frequency=Greatest(F("frequency") + step, 0)
            )


def rebuild(progress=None, apps=None, batch_size=500):
    """Rebuild the whole index; `progress(done, total)` is called after each batch."""
    batches = -(-_models(apps)[0].objects.count() // batch_size)
    with _analyser(batches) as analyse, backend().rebuilding():
        return _rebuild(analyse, progress, apps, batch_size)


# The processes a large rebuild analyses in, and how many batches they analyse ahead
# of the one it writes.
WORKERS, AHEAD = min(4, os.cpu_count() or 1), 3


@contextmanager
def _analyser(batches):
    """How a rebuild of this many batches analyses each: `analyse(columns, themes)`
    gives a Future of `_analyse_columns`. With more than one batch and more than one
    core, in processes of their own, forked now (before the rebuild's transaction, in
    a process without other threads), which analyse the next batches while this one
    writes. In a thread, as before, the analysis and the writes' own Python took turns
    on Python's lock (10,000 realistic columns: a rebuild takes a fifth less time in
    processes, on both databases)."""
    if batches < 2 or (os.cpu_count() or 1) < 2 or threading.active_count() > 1:
        yield _analysed_here
        return
    # The processes only analyse text; still, the connections are closed before the
    # fork when nothing depends on them (in a transaction, a test's say, they stay
    # open, unused there), as for the WordPress import's workers.
    if not any(each.in_atomic_block for each in connections.all()):
        connections.close_all()
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=get_context("fork")) as analyser:
        analyser.submit(int).result()  # the fork, now
        yield partial(analyser.submit, _analyse_columns)


def _analysed_here(columns, themes):
    """`_analyse_columns` now, as a Future."""
    analysed = Future()
    analysed.set_result(_analyse_columns(columns, themes))
    return analysed


def _analysed_batches(batches, analyse, Column, ThemedColumn):
    """For each batch of column ids: the ids, the columns (dicts of FIELDS) and their
    Analysis, the next batches' analysed (`_analyser`) while the caller writes this
    one."""

    def submitted(batch):
        columns = list(Column.objects.filter(pk__in=batch).values(*FIELDS))
        return columns, analyse(columns, _themes(batch, ThemedColumn))

    following = deque(submitted(batch) for batch in batches[:AHEAD])
    for number, batch in enumerate(batches):
        if number + AHEAD < len(batches):
            following.append(submitted(batches[number + AHEAD]))
        columns, analysis = following.popleft()
        yield batch, columns, analysis.result()


def _rebuild(analyse, progress, apps, batch_size):
    Column, ThemedColumn, SearchWord = _models(apps)
    SearchIndexInfo = (apps or global_apps).get_model("search", "SearchIndexInfo")
    with connection.cursor() as cursor:
        table = backend().start_rebuild(cursor)
        loading = bm25.start_loading(cursor)
    # Read after `start_rebuild`: a column saved before it is among them, one saved
    # after it among the columns changed meanwhile (PostgreSQL), or both.
    ids = list(Column.objects.order_by("pk").values_list("pk", flat=True))
    batches = [ids[start : start + batch_size] for start in range(0, len(ids), batch_size)]
    vocabulary = _Vocabulary()
    done = 0
    for batch, columns, analysis in _analysed_batches(batches, analyse, Column, ThemedColumn):
        with connection.cursor() as cursor:
            _write(cursor, analysis.documents, columns, terms=loading, savepoint=False, table=table)
        vocabulary.learn(analysis)
        done += len(batch)
        if progress:
            progress(done, len(ids))
    with connection.cursor() as cursor:
        backend().rebuilt(cursor)
        terms = bm25.finish_loading(cursor)
    # Searches and saves wait from here to the end of the transaction (PostgreSQL; on
    # SQLite saves wait for the whole rebuild): moments, unless many columns were saved
    # meanwhile.
    with transaction.atomic(), connection.cursor() as cursor:
        changed = backend().changed_meanwhile(cursor)
        if changed:
            _catch_up(cursor, changed, table, terms, vocabulary, Column, ThemedColumn)
        backend().swap(cursor)
        # Counted from the rows, which include the columns saved meanwhile.
        columns, body_words = rows.totals(cursor)
        _replace_vocabulary(cursor, SearchWord, vocabulary)
        info = {"analyzer_version": ANALYZER_VERSION, "columns": columns, "body_words": body_words}
        # A migration's model of a time before the totals (search/0005) has fewer fields.
        fields = {field.name for field in SearchIndexInfo._meta.get_fields()}
        SearchIndexInfo.objects.update_or_create(
            pk=1, defaults={name: value for name, value in info.items() if name in fields}
        )
    return len(ids)


class _Vocabulary:
    """What a rebuild learns of the words: each word's kind ({word: kind}) and stem
    ({word: stem}), and each stem's frequency ({stem: columns})."""

    def __init__(self):
        self.kinds, self.stems, self.frequencies = {}, {}, Counter()

    def learn(self, analysis):
        """Add the columns of `analysis` (an Analysis)."""
        for word, kind in analysis.kinds.items():
            if self.kinds.get(word) != NAME:
                self.kinds[word] = kind
        self.stems.update(analysis.stems)
        self.frequencies.update(analysis.counts)

    def forget(self, held):
        """Take away the columns of `held` ({column id: rows.Held})."""
        self.frequencies.subtract(_count(held))

    def values(self):
        """The vocabulary's rows (WORD_FIELDS), without the words of stems no column
        holds any more (a column deleted while the rebuild ran)."""
        found = []
        for word, kind in sorted(self.kinds.items()):
            stemmed = self.stems[word]
            frequency = self.frequencies[stemmed]
            if frequency > 0:
                found.append(_word_values(word, kind, frequency, stemmed))
        return found


def _catch_up(cursor, column_ids, table, terms, vocabulary, Column, ThemedColumn):
    """Write the rows of these columns, saved or deleted while the rebuild ran, again
    into the rebuild's tables (`table`, `terms`)."""
    before = backend().stems(cursor, column_ids, table)
    rows.delete(cursor, before, table)
    bm25.delete(cursor, before, terms)
    vocabulary.forget(before)
    columns = list(Column.objects.filter(pk__in=column_ids).values(*FIELDS))
    analysis = _documents(columns, ThemedColumn)
    _write(cursor, analysis.documents, columns, terms=terms, table=table)
    vocabulary.learn(analysis)


def _replace_vocabulary(cursor, SearchWord, vocabulary):
    """The vocabulary (a _Vocabulary), all at once. Hundreds of thousands of words on a
    large site: through the ORM, building their statements took longer than writing
    them (36 of 65 s, 20,000 long columns). The indexes the backend lets go
    (`droppable_indexes`) are made again after the rows are in, from their own
    definitions: each sorted once instead of kept current word by word (262,000 words
    on SQLite: 3.0 s -> 1.2)."""
    table = SearchWord._meta.db_table
    values = vocabulary.values()
    indexes = backend().droppable_indexes(cursor, table)
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    cursor.execute(f"DELETE FROM {table}")
    rows.insert(
        cursor, table, [SearchWord._meta.get_field(name).column for name in WORD_FIELDS], values
    )
    for _, definition in indexes:
        cursor.execute(definition)


def is_outdated():
    """True when the index was built by another analyzer version (or never). False
    when the index tables don't exist (migrated back before 0003)."""
    SearchIndexInfo = global_apps.get_model("search", "SearchIndexInfo")
    if SearchIndexInfo._meta.db_table not in connection.introspection.table_names():
        return False
    info = SearchIndexInfo.objects.filter(pk=1).first()
    return info is None or info.analyzer_version != ANALYZER_VERSION


# Lets the match filters, counts and facets read a small index instead of the column
# rows, which carry the long texts (in SQLite even inline, before these fields).
COVERING_INDEX = (
    "CREATE INDEX IF NOT EXISTS articles_column_search_cover"
    " ON articles_column (author_id, status, published_at)"
)


def create_tables(cursor, vendor):
    (postgres if vendor == "postgresql" else sqlite).create(cursor)
    bm25.create(cursor, vendor)
    cursor.execute(COVERING_INDEX)


def drop_tables(cursor, vendor):
    (postgres if vendor == "postgresql" else sqlite).drop(cursor)
    bm25.drop(cursor)
    cursor.execute("DROP INDEX IF EXISTS articles_column_search_cover")


def size():
    with connection.cursor() as cursor:
        return backend().size(cursor)
