"""How well a column's body answers a query: BM25, from term statistics the index
stores, computed alike on SQLite and PostgreSQL.

What the index stores (written with the search rows, in the same transaction):
- a row of TABLE for each stem of each column's body, with how often the body holds
  it (`tf`), keyed by stem and column: a stem's rows are a range in the order of the
  column ids (SQLite looks them up one by one in that order, PostgreSQL reads the
  range and joins it by hashing);
- each search row's `body_length`: the number of words of the body as indexed;
- in `SearchIndexInfo`, the number of indexed columns and their total body length.
The number of columns that hold a stem is the vocabulary's `frequency`.

What a search adds to a column's score, for each group of terms (a word, or words
joined by OR):

    idf   = ln(1 + (N - df + 0.5) / (df + 0.5))
    score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average length))

N: the indexed columns; df: the columns that hold the group's most frequent stem;
tf: how often the body holds the group's words (a prefix: the word as typed; a
phrase counts 0 here, it has its own points); length: the body's. The idf is computed
in Python and passed as a parameter, the rest is one SQL expression with the same
operations on doubles on both databases, so the scores are equal to the last bit. It
is computed only for the rows that can reach the page asked for (`Body.most`, used by
search.engine._Matches._page).
"""

import math
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection

from . import rows
from .dutch import beyond

# Saturation of the term frequency and strength of the length normalisation: the
# usual values (Robertson and Zaragoza; Lucene's and Elasticsearch's defaults).
K1 = 1.2
B = 0.75
TABLE = "articles_search_term"
# At most this many stems of a query are looked up per row; the words beyond them
# (many alternatives of a corrected query) count as not held.
MAX_STEMS = 24
# A float as SQL: the same double on both databases (a bare literal is NUMERIC on
# PostgreSQL).
DOUBLE = "CAST(%s AS DOUBLE PRECISION)"


COLUMNS = "stem varchar(40) NOT NULL, column_id bigint NOT NULL, tf integer NOT NULL"


def create(cursor, vendor):
    rowid = "" if vendor == "postgresql" else " WITHOUT ROWID"
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} ({COLUMNS}, PRIMARY KEY (stem, column_id)){rowid}"
    )


def drop(cursor):
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def write(cursor, documents, table=TABLE):
    values = [
        (stem, doc.column_id, tf) for doc in documents for stem, tf in Counter(doc.body).items()
    ]
    if table != LOADING:  # in the key's order (a rebuild orders them at the end)
        values.sort()
    rows.insert(cursor, table, ["stem", "column_id", "tf"], values)


# A rebuild on PostgreSQL writes the rows, batch after batch of columns, into LOADING,
# a table without a key, and makes NEXT of them at the end, in the key's order (each
# batch inserted into a keyed table would land all over its tree: twice as slow at
# 10,000 columns). TABLE stays as it is, for the searches and saves meanwhile, until
# NEXT takes its place (`swap`).
LOADING, NEXT = f"{TABLE}_loading", f"{TABLE}_next"
# The primary key's index (PostgreSQL), made after the rows are in: a third faster than
# kept current while they go in. SQLite's table without rowids is its key.
KEY = f"{TABLE}_pkey"


def start_loading(cursor):
    """For a rebuild: the table its batches write their rows into, for `write`. On
    PostgreSQL, LOADING; on SQLite none: TABLE is emptied and the rows are counted
    from FTS5's own index at the end (search.sqlite.rebuilt)."""
    if connection.vendor != "postgresql":
        clear(cursor)
        return None
    cursor.execute(f"DROP TABLE IF EXISTS {LOADING}")
    cursor.execute(f"CREATE UNLOGGED TABLE {LOADING} ({COLUMNS})")
    return LOADING


def finish_loading(cursor):
    """After a rebuild's batches: the table that will hold the term statistics, for the
    rows of the columns saved meanwhile (search.index): on PostgreSQL NEXT, made of the
    loaded rows in the key's order, with its key and planner statistics."""
    if connection.vendor != "postgresql":
        return TABLE
    cursor.execute(f"DROP TABLE IF EXISTS {NEXT}")
    cursor.execute(f"CREATE TABLE {NEXT} ({COLUMNS})")
    cursor.execute(
        f"INSERT INTO {NEXT} SELECT stem, column_id, tf FROM {LOADING} ORDER BY stem, column_id"
    )
    cursor.execute(f"DROP TABLE {LOADING}")
    cursor.execute(f"ALTER TABLE {NEXT} ADD CONSTRAINT {NEXT}_pkey PRIMARY KEY (stem, column_id)")
    cursor.execute(f"ANALYZE {NEXT}")
    return NEXT


def swap(cursor):
    """PostgreSQL, at the end of a rebuild: NEXT in TABLE's place."""
    cursor.execute(f"DROP TABLE {TABLE}")
    cursor.execute(f"ALTER TABLE {NEXT} RENAME TO {TABLE}")
    cursor.execute(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {NEXT}_pkey TO {KEY}")


def delete(cursor, held, table=TABLE):
    """Remove the rows of the columns of `held` ({column id: rows.Held}, whose stems
    include the body's), each by its key."""
    for column_id, row in held.items():
        for chunk, placeholders in rows.chunks(sorted(row.stems)):
            cursor.execute(
                f"DELETE FROM {table} WHERE stem IN ({placeholders}) AND column_id = %s",
                [*chunk, column_id],
            )


def clear(cursor):
    cursor.execute(f"DELETE FROM {TABLE}")


def idf(columns, frequency):
    return math.log(1 + (columns - frequency + 0.5) / (frequency + 0.5))


class Statistics:
    """What the scores of one search need: the number of indexed columns, their
    average body length and the frequency of each of `stems` (the number of indexed
    columns that hold it; missing when none); and, for search.engine's guess of the
    number of matches, how many columns hold a stem that begins with each of
    `prefixes`, at most (the frequencies of those stems added up). One query."""

    def __init__(self, stems, prefixes=()):
        from .models import SearchIndexInfo, SearchWord

        stems, prefixes = sorted(set(stems)), sorted(set(prefixes))
        self.looked_up = set(stems)
        info, vocabulary = SearchIndexInfo._meta.db_table, SearchWord._meta.db_table
        sql = f"SELECT '', columns, body_words FROM {info} WHERE id = 1"
        params = []
        if stems:
            sql += (
                f" UNION ALL SELECT stem, MAX(frequency), 0 FROM {vocabulary}"
                f" WHERE stem IN ({', '.join(['%s'] * len(stems))}) GROUP BY stem"
            )
            params += stems
        for prefix in prefixes:
            # A range of the stem's index (LIKE alone cannot use it on SQLite).
            end = beyond(prefix)
            sql += (
                f" UNION ALL SELECT %s, SUM(f), 0 FROM (SELECT MAX(frequency) AS f FROM"
                f" {vocabulary} WHERE stem >= %s{' AND stem < %s' if end else ''}"
                " AND stem LIKE %s GROUP BY stem) p"
            )
            params += [PREFIXED + prefix, prefix, *([end] if end else []), prefix + "%"]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        self.columns, self.words, self.frequency, self.prefixed = 0, 0, {}, {}
        for stem, number, words in found:
            if stem.startswith(PREFIXED):
                self.prefixed[stem[1:]] = number or 0
            elif stem:
                self.frequency[stem] = number
            else:
                self.columns, self.words = number, words
        self.columns = max(self.columns, 1)
        self.average = max(self.words / self.columns, 1.0)

    def idf(self, stems):
        """The idf of the most frequent of `stems` (of a group)."""
        frequency = max((self.frequency.get(stem, 0) for stem in stems), default=0)
        return idf(self.columns, min(frequency, self.columns))

    def holds(self, stem):
        """Whether an indexed column may hold `stem`: its frequency, when looked up."""
        return stem not in self.looked_up or self.frequency.get(stem, 0) > 0

    def holding(self, term):
        """How many columns hold `term` (a search.query.Term) at most: a word's
        frequency, a phrase's rarest word's, a prefix's stems' together; every column
        when that was not looked up."""
        if term.prefix:
            return self.prefixed.get(term.stems[0], self.columns)
        if all(stem in self.looked_up for stem in term.stems):
            return min(self.frequency.get(stem, 0) for stem in term.stems)
        return self.columns


# Marks a prefix's row in the statistics' query ("*" begins no stem).
PREFIXED = "*"


@dataclass
class Body:
    """The BM25 of the body of the search row `r` as SQL: the expression, its
    parameters, the joins it needs with theirs, and the most it can be."""

    sql: str = "0"
    params: list = field(default_factory=list)
    joins: str = ""
    join_params: list = field(default_factory=list)
    most: float = 0.0


NONE = Body()


def wanted(groups):
    """The stems whose statistics the scores of `groups` (the query's groups of Terms)
    need: at most MAX_STEMS."""
    stems = (term.stems[0] for group in groups for term in group if _counted(term))
    return list(dict.fromkeys(stems))[:MAX_STEMS]


def score(groups, statistics):
    """The Body for `groups` (the query's groups of Terms), with the Statistics of
    `wanted(groups)`. A stem that no column holds (the word being typed, "leidersch",
    which only its prefix finds) has no rows to look up: it adds nothing, and its
    group nothing to the most (so that the rows scored are only those the other groups
    can lift to the page)."""
    held = (stem for stem in wanted(groups) if statistics.holds(stem))
    looked_up = {stem: f"t{number}" for number, stem in enumerate(held)}
    groups = [[term.stems[0] for term in group if _counted(term)] for group in groups]
    groups = [stems for stems in groups if stems]
    if not groups or not looked_up:
        return NONE
    norm = f"({DOUBLE} + {DOUBLE} * r.body_length)"
    norm_params = [K1 * (1 - B), K1 * B / statistics.average]
    body = Body(sql="", most=0.0)
    parts = []
    for stems in groups:
        counts = [f"COALESCE({looked_up[stem]}.tf, 0)" for stem in stems if stem in looked_up]
        if not counts:
            continue
        weight = statistics.idf(stems) * (K1 + 1)
        # idf * (K1 + 1) * tf / (tf + norm): exactly 0 for a body without the words,
        # so the ties of the short fields stay ties (newest first).
        tf = "(" + " + ".join(counts) + ")"
        parts.append(f"({DOUBLE} * {tf} / ({tf} + {norm}))")
        body.params += [weight, *norm_params]
        body.most += weight
    body.sql = "(" + " + ".join(parts) + ")"
    body.joins = "".join(
        f" LEFT JOIN {TABLE} {alias} ON {alias}.stem = %s AND {alias}.column_id = r.column_id"
        for alias in looked_up.values()
    )
    body.join_params = list(looked_up)
    return body


def _counted(term):
    """Whether BM25 counts `term`: a word or a prefix (its word as typed), not a phrase
    (phrases have their own points, search.engine.TEXT_WEIGHT)."""
    return term.prefix or not term.is_phrase
