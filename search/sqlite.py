"""SQLite backend: an FTS5 table over the pre-analysed text, one row per column, its
rowid the column's id (and the search row's), with the row's sample bucket in a column
of its own (`sampled`); and one over the short fields alone.

Whether a term is in the title, lead or meta is read from the short fields' table: its
lists hold only their positions, where a column filter on the whole text's table reads
each column's positions of the body too (for a word in every column, all of them).
That table also holds each pair of neighbouring words of a field as one token
("_de_klant", after the field's words, whose positions stay as they are): a phrase in
a short field is then one short list to read, not the positions of its words, which
for "de" are in nearly every lead.

The MATCH expressions are built only from analysed tokens (letters and digits), each
in double quotes, so nothing a reader types can reach FTS5's own query syntax.
"""

import os
from contextlib import contextmanager, nullcontext
from operator import attrgetter

from django.db import connection, transaction

from . import bm25, rows
from .query import Query

TABLE = "articles_search_fts"
SHORT = "articles_search_short"
# The search rows hold no more than the shared columns here.
ROW_COLUMNS = []
# ORM filters on the ids go through the covering index of articles_column (see
# engine.matching).
PLAIN_ID_FILTER = False
# The FTS5 column of each field that counts for relevance ("meta": author and themes).
FIELDS = {"title": "{title}", "lead": "{lead}", "meta": "{meta}"}


# The lengths of the prefixes the whole text's table keeps lists for (FTS5's prefix
# indexes). A prefix of another length merges the lists of its words, which costs
# little unless they are many and long: a query's prefix has at least 3 letters
# (search.query.word_prefix), "klant" is the most common one, and the 4- and
# 6-letter prefixes merge at most a few milliseconds' worth. Each index costs about
# as much as the words' own lists: at 20,000 realistic columns the lists took 60 MB
# without prefix indexes, 134 MB with these two and 232 MB with those of 2 to 6
# letters, whose table took 2.7 times as long to write as one without.
PREFIXES = "3 5"


# FTS5 keeps what a transaction writes in memory up to this many bytes, then writes it
# out as a segment to be merged with the others later: a rebuild in 64 MB segments
# takes a third less time than in the default 1 MB ones.
PENDING_BYTES = 64 * 1024 * 1024


def create(cursor):
    rows.create(cursor, "sqlite")
    _create_tables(cursor)


def _create_tables(cursor):
    # `sample`: the row's sample bucket and group of buckets (`sampled`), as words no
    # query can type ("_b17", "_g1": analysed words are letters and digits).
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(title, meta, lead, body, sample,"
        f" tokenize = \"unicode61 remove_diacritics 2 tokenchars '{MARK}'\","
        f" prefix = '{PREFIXES}')"
    )
    # Contentless (the text is the whole text's table's), without prefix indexes: a
    # prefix in the short fields reads few lists. PAIR joins a pair into one token.
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SHORT} USING fts5(title, meta, lead,"
        f" content = '', tokenize = \"unicode61 remove_diacritics 2 tokenchars '{PAIR}'\")"
    )
    cursor.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('hashsize', %s)", [PENDING_BYTES])


def drop(cursor):
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {SHORT}")
    rows.drop(cursor)


def planner():
    """SQLite plans the search's statements well as they are."""
    return nullcontext()


def _term(term):
    phrase = '"' + " ".join(term.stems) + '"'
    return phrase + "*" if term.prefix else phrase


# A character of the words the index makes itself, which no query can type (analysed
# words are letters and digits): the sample buckets of the whole text's table, the
# pairs of the short fields' table.
MARK = "_"
# Starts a pair of words in the short fields' table, and joins its two words
# ("_de_klant"). A pair is never a word, and no prefix of a word reads the pairs (the
# table has no prefix index: "klant"* would otherwise merge the lists of every word
# that follows "klant" in a short field).
PAIR = MARK
# The `sample` column's words: a bucket ("_b17") and a group of buckets ("_g1").
SAMPLE_MARKS = (f"{MARK}b", f"{MARK}g")


def _pairs(stems):
    return [f"{PAIR}{first}{PAIR}{second}" for first, second in zip(stems, stems[1:], strict=False)]


def _short_text(stems):
    """A short field as its table holds it: its words, then their pairs."""
    return " ".join([*stems, *_pairs(stems)])


def _short_term(term):
    """`term` in the short fields' table: a phrase of two words is its pair; a longer
    one all its pairs and, to be exact, its words in order (FTS5 reads the words'
    positions only in the rows that hold every pair)."""
    if term.prefix or not term.is_phrase:
        return _term(term)
    pairs = [f'"{pair}"' for pair in _pairs(term.stems)]
    if len(pairs) == 1:
        return pairs[0]
    return "(" + " AND ".join([*pairs, _term(term)]) + ")"


def expression(query):
    """The FTS5 expression for the whole query."""
    expression = " AND ".join(
        "(" + " OR ".join(_term(term) for term in group) + ")" for group in query.match_groups
    )
    for term in query.excluded:
        expression = f"({expression}) NOT {_term(term)}"
    return expression


def matching_ids(query):
    """SQL (and parameters) selecting the ids of the columns that match."""
    return _matching(TABLE), [expression(query)]


def _matching(table):
    """SQL selecting the rowids of `table` (TABLE or SHORT) that match one expression."""
    return f"SELECT rowid FROM {table} WHERE {table} MATCH %s"


def match(query):
    """A condition (and parameters) on the search row `r`: it matches `query` (SQLite
    looks the matching ids up in the rows, by their primary key)."""
    return _row_matches(TABLE, expression(query))


def _row_matches(table, expression):
    """A condition (and parameters) on the search row `r`: its row of `table` (TABLE
    or SHORT) matches the FTS5 `expression`."""
    return f"r.column_id IN ({_matching(table)})", [expression]


def sampled(query, buckets):
    """A condition (and parameters) on `r`: it matches `query` and its bucket
    (rows.bucket) is below `buckets`: through the words of whole groups of buckets in
    the `sample` column ("_g1" for 16 to 31), and of single ones for the rest ("_b17",
    rows.sample_words). FTS5 reads those short lists and looks up the query's terms
    in the rows they hold, skipping the others: a phrase such as "de klant" is
    checked in the sample's rows only (at 100,000 columns 64 -> 10 ms, "klant" 6 ->
    1.5 ms)."""
    either = " OR ".join(f'"{word}"' for word in rows.sample_words(buckets, *SAMPLE_MARKS))
    return _row_matches(TABLE, f"({expression(query)}) AND {{sample}} : ({either})")


def restriction(query):
    """No restriction of the score's conditions to the matches: FTS5 reads each list
    once, and a longer expression would cost more than it saves."""
    return None


def candidates(query, level):
    """A condition (and parameters) on `r`: it matches `query` and its short fields
    hold a term of one of the query's groups as `level` asks (search.engine.LEVELS:
    0, in the title; 1, in the title, or in both the lead and the names; 2, in any);
    and the restriction to pass as `within` to the conditions of the score, so that
    FTS5 intersects their lists with these rows. The short fields' table finds the
    candidates without reading the body's positions."""
    either = _either(query.match_groups, level, _short_term)
    # Only the title's few rows are worth intersecting every list of the score with;
    # the candidates of the other levels are asked for by their rowids (`_in_table`).
    within = query.match_groups if level == 0 else Candidates(either)
    held, held_params = _row_matches(SHORT, either)
    if len(query.match_groups) == 1 and not query.excluded:
        # A short field that holds a term of the only group: a match.
        return (held, held_params), within
    if level == 0:
        # FTS5 skips through the query's lists to the few titled rows ('medewerkers
        # organisatie': 40 ms, against 50 with the query's 33,000 ids listed).
        whole = _either(query.match_groups, level, _term)
        return _row_matches(TABLE, f"({expression(query)}) AND ({whole})"), within
    sql, params = match(query)
    return (f"{held} AND {sql}", [*held_params, *params]), within


def _either(groups, level, term):
    """The FTS5 expression: the short fields hold a term of one of `groups` as `level`
    asks (see `candidates`), with each term written by `term` (`_term` for the whole
    text's table, `_short_term` for the short fields')."""
    return " OR ".join(f"({_held(group, level, term)})" for group in groups)


def _held(group, level, term):
    terms = " OR ".join(term(each) for each in group)
    title, lead, meta = (f"{FIELDS[name]} : ({terms})" for name in ("title", "lead", "meta"))
    return [title, f"{title} OR ({lead} AND {meta})", f"{title} OR {lead} OR {meta}"][level]


def _restricted(sql, within, term=_term):
    """`sql` (an FTS5 expression) for the rows of `within` only: the groups whose terms
    the title holds (`candidates` of level 0); for all rows with None or Candidates."""
    if not within or isinstance(within, Candidates):
        return sql
    return f"({_either(within, 0, term)}) AND {sql}"


class Candidates(str):
    """`within` for the candidates of levels 1 and 2 (`candidates`): the FTS5
    expression of the short fields' table that finds them."""


# Up to this many candidates, a condition on the whole text's table is checked row by
# row, FTS5 seeking each rowid in the lists (about 0.1 ms a row); above it, the table
# is asked once for every row that holds the terms: for a phrase of common words that
# reads their positions in every column ("klant centraal": 11 to 18 ms at 100,000
# columns, where its 11 candidates took 1.8 ms row by row).
FEW = 200


def _in_table(expression, within):
    """A condition (and parameters) on the search row `r`: its row of the whole text's
    table matches `expression`; among Candidates, decided by how many there are."""
    if not isinstance(within, Candidates):
        return _row_matches(TABLE, _restricted(expression, within))
    every, _ = _row_matches(TABLE, expression)
    few = (
        f"(SELECT COUNT(*) < {FEW} FROM (SELECT 1 FROM {SHORT} WHERE {SHORT} MATCH %s LIMIT {FEW}))"
    )
    each = f"EXISTS (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid = r.column_id)"
    return f"(CASE WHEN {few} THEN {each} ELSE {every} END)", [within, expression, expression]


def in_field(field, group, within=None):
    """A condition (and parameters) on the search row `r`: one of the terms of `group`
    occurs in `field` (one of FIELDS), read from the short fields' table. With
    `within` (from `candidates`), only rows within it."""
    terms = " OR ".join(_short_term(term) for term in group)
    return _row_matches(SHORT, _restricted(f"{FIELDS[field]} : ({terms})", within, _short_term))


def in_document(terms, within=None):
    """A condition (and parameters) on the search row `r`: one of `terms` occurs in
    any field."""
    return _in_table(f"({expression(_or(terms))})", within)


def in_text(terms, within=None):
    """A condition (and parameters) on the search row `r`: one of `terms` occurs in
    the text (title, lead or body), not only in the author's or theme names."""
    terms = " OR ".join(_term(term) for term in terms)
    return _in_table(f"{{title lead body}} : ({terms})", within)


def _or(terms):
    return Query(groups=[tuple(terms)])


def row_values(doc):
    return ()


def write(cursor, documents):
    """Write the rows of `documents`, many in each statement (rows.insert), so that
    FTS5 does the work of many rows without taking Python's lock back after each (a
    rebuild analyses the next batch meanwhile)."""
    # FTS5 writes the rows it holds in memory out as a new segment whenever a rowid is
    # not above the last one: in ascending order, a batch is one segment (a rebuild of
    # 100,000 columns in their date order took three times as long).
    documents = sorted(documents, key=attrgetter("column_id"))
    short = [
        (doc.column_id, _short_text(doc.title), _short_text(doc.meta), _short_text(doc.lead))
        for doc in documents
    ]
    rows.insert(cursor, SHORT, ["rowid", "title", "meta", "lead"], short)
    whole = [
        (
            doc.column_id,
            *(" ".join(part) for part in (doc.title, doc.meta, doc.lead, doc.body)),
            " ".join(rows.bucket_words(doc.column_id, *SAMPLE_MARKS)),
        )
        for doc in documents
    ]
    rows.insert(cursor, TABLE, ["rowid", "title", "meta", "lead", "body", "sample"], whole)


def stems(cursor, column_ids, table=rows.TABLE):
    """What each of these columns' rows holds ({column id: rows.Held}): the body's
    length is its number of words; `told`, the short fields' row (`delete`). Read
    from the FTS5 tables, whichever `table` the search rows are in."""
    found = {}
    for chunk, placeholders in rows.chunks(column_ids):
        cursor.execute(
            f"SELECT rowid, title, meta, lead, body FROM {TABLE} WHERE rowid IN ({placeholders})",
            chunk,
        )
        for column_id, *fields in cursor.fetchall():
            *short, body = [text.split() for text in fields]
            found[column_id] = rows.Held(
                {stem for part in (*short, body) for stem in part},
                len(body),
                tuple(_short_text(part) for part in short),
            )
    return found


def delete(cursor, held):
    """Remove the rows of the columns of `held` ({column id: rows.Held} from `stems`)."""
    # A contentless table forgets a row by being told what it held.
    cursor.executemany(
        f"INSERT INTO {SHORT} ({SHORT}, rowid, title, meta, lead)"
        " VALUES ('delete', %s, %s, %s, %s)",
        [(pk, *row.told) for pk, row in held.items()],
    )
    cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(pk,) for pk in held])


# What a rebuild sets for itself (`rebuilding`).
REBUILD_SETTINGS = {"secure_delete": "FAST", "threads": os.cpu_count() or 1}


@contextmanager
def rebuilding():
    """Around a rebuild: the pages it frees (the old tables', the segments FTS5
    merges) are not overwritten with zeros, which Debian builds SQLite to do
    (secure_delete; they hold the index of columns the database holds anyway: 6 s of
    dropping the old tables become 0.3), and sorts run on every core (the term
    statistics': 15 s instead of 21 on two). The connection's own values come back."""
    with connection.cursor() as cursor:
        before = {}
        for name, value in REBUILD_SETTINGS.items():
            cursor.execute(f"PRAGMA {name}")
            (before[name],) = cursor.fetchone()
            cursor.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")


def start_rebuild(cursor):
    """Empty tables for a rebuild; the table it writes the search rows into. Searches
    meanwhile read what was there before (WAL), saves wait: the rebuild holds the
    database's only write lock."""
    clear(cursor)
    rows.clear(cursor)
    return rows.TABLE


def changed_meanwhile(cursor):
    """Nothing is saved while a rebuild runs (see `start_rebuild`)."""
    return []


def swap(cursor):
    """A rebuild wrote into the tables themselves."""


def clear(cursor):
    """Before a rebuild: both tables made anew (in the current definition). Emptied
    row by row, the whole text's table would first write a deletion into every list
    it holds (12 s of a rebuild of 100,000 columns)."""
    with transaction.atomic():
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {SHORT}")
        _create_tables(cursor)


# FTS5's own index read as rows (term, column id, field, position): a table of the
# connection, made for a rebuild.
INSTANCES = "articles_search_instances"


def rebuilt(cursor):
    """After a rebuild: the term statistics (search.bm25), counted from FTS5's index of
    the bodies in one statement: 20 s at 100,000 columns (most of it the sort, on
    every core, see `rebuilding`), against 37 for writing them batch by batch and
    sorting them. The analysed words are FTS5's tokens as they are (search.dutch
    folds them alike), so the counts are those a save writes (bm25.write)."""
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{INSTANCES}"
        f" USING fts5vocab(main, {TABLE}, instance)"
    )
    # Those of the columns saved while the rebuild ran are counted again with the rest.
    cursor.execute(f"DELETE FROM {bm25.TABLE}")
    cursor.execute(
        f"INSERT INTO {bm25.TABLE} (stem, column_id, tf) SELECT term, doc, COUNT(*)"
        f" FROM temp.{INSTANCES} WHERE col = 'body' GROUP BY term, doc"
    )
    cursor.execute(f"DROP TABLE temp.{INSTANCES}")


def copy_short(cursor):
    """Write the short fields' table again from the whole text's (search/0006)."""
    cursor.execute(f"INSERT INTO {SHORT} ({SHORT}) VALUES ('delete-all')")
    cursor.execute(f"SELECT rowid, title, meta, lead FROM {TABLE}")
    short = [
        (pk, *(_short_text(text.split()) for text in fields)) for pk, *fields in cursor.fetchall()
    ]
    if short:
        rows.insert(cursor, SHORT, ["rowid", "title", "meta", "lead"], short)


def droppable_indexes(cursor, table):
    """The indexes of `table` besides its key, (name, definition) pairs: a rebuild
    holds the database's only write lock and searches read a snapshot (WAL), so it may
    drop and make them again while it writes the table's rows."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
        " AND sql IS NOT NULL ORDER BY name",  # the key's own index has no definition
        [table],
    )
    return cursor.fetchall()


def size(cursor):
    """Bytes used by the index, search rows and term statistics included (needs the
    dbstat virtual table; None without it)."""
    try:
        cursor.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE %s OR name LIKE %s OR name LIKE %s"
            " OR name LIKE %s",
            [TABLE + "%", SHORT + "%", rows.TABLE + "%", bm25.TABLE + "%"],
        )
    except Exception:
        return None
    return cursor.fetchone()[0]
