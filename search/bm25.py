"""How well a column's body answers a query: BM25, from term statistics the index
stores, computed alike on SQLite and PostgreSQL.

What the index stores (written with the search rows, in the same transaction):
- a row of TABLE for each stem of each column's body, with how often the body holds
  it (`tf`);
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
operations on doubles on both databases, so the scores are equal to the last bit.
"""

import math
from collections import Counter

from django.db import connection

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


def create(cursor, vendor):
    rowid = "" if vendor == "postgresql" else " WITHOUT ROWID"
    # The key serves both uses: a stem of one column (scoring) and all of a column's
    # rows (removing it).
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (column_id bigint NOT NULL,"
        f" stem varchar(40) NOT NULL, tf integer NOT NULL,"
        f" PRIMARY KEY (column_id, stem)){rowid}"
    )


def drop(cursor):
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def write(cursor, documents):
    values = [
        (doc.column_id, stem, tf) for doc in documents for stem, tf in Counter(doc.body).items()
    ]
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {TABLE} (column_id, stem, tf) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {TABLE} (column_id, stem, tf) VALUES (%s, %s, %s)", values)


def delete(cursor, column_ids):
    column_ids = list(column_ids)
    for start in range(0, len(column_ids), 500):
        chunk = column_ids[start : start + 500]
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE column_id IN ({', '.join(['%s'] * len(chunk))})", chunk
        )


def clear(cursor):
    cursor.execute(f"DELETE FROM {TABLE}")


def idf(columns, frequency):
    return math.log(1 + (columns - frequency + 0.5) / (frequency + 0.5))


class Statistics:
    """What the scores of one search need: the number of indexed columns, their
    average body length and the frequency of each stem. One query."""

    def __init__(self, stems):
        from .models import SearchIndexInfo, SearchWord

        stems = sorted(set(stems))
        info = SearchIndexInfo._meta.db_table
        sql = f"SELECT '', columns, body_words FROM {info} WHERE id = 1"
        if stems:
            sql += (
                f" UNION ALL SELECT stem, MAX(frequency), 0 FROM {SearchWord._meta.db_table}"
                f" WHERE stem IN ({', '.join(['%s'] * len(stems))}) GROUP BY stem"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, stems)
            found = cursor.fetchall()
        self.columns, self.words, self.frequency = 0, 0, {}
        for stem, number, words in found:
            if stem:
                self.frequency[stem] = number
            else:
                self.columns, self.words = number, words
        self.columns = max(self.columns, 1)
        self.average = max(self.words / self.columns, 1.0)

    def idf(self, stems):
        """The idf of the most frequent of `stems` (of a group)."""
        frequency = max((self.frequency.get(stem, 0) for stem in stems), default=0)
        return idf(self.columns, min(frequency, self.columns))


def score(groups):
    """The BM25 of the body of the search row `r` for `groups` (each a list of Terms),
    as SQL: (expression, its parameters, the joins it needs, their parameters)."""
    groups = [[term.stems[0] for term in group if _counted(term)] for group in groups]
    groups = [stems for stems in groups if stems]
    if not groups:
        return "0", [], "", []
    wanted = list(dict.fromkeys(stem for stems in groups for stem in stems))[:MAX_STEMS]
    looked_up = {stem: f"t{number}" for number, stem in enumerate(wanted)}
    joins = "".join(
        f" LEFT JOIN {TABLE} {alias} ON {alias}.column_id = r.column_id AND {alias}.stem = %s"
        for alias in looked_up.values()
    )
    statistics = Statistics(wanted)
    norm = f"({DOUBLE} + {DOUBLE} * r.body_length)"
    norm_params = [K1 * (1 - B), K1 * B / statistics.average]
    parts, params = [], []
    for stems in groups:
        counts = [f"COALESCE({looked_up[stem]}.tf, 0)" for stem in stems if stem in looked_up]
        if not counts:
            continue
        weight = statistics.idf(stems) * (K1 + 1)
        # idf * tf * (K1 + 1) / (tf + norm), with tf written once.
        parts.append(f"({DOUBLE} - {DOUBLE} * {norm} / ({' + '.join(counts)} + {norm}))")
        params += [weight, weight, *norm_params, *norm_params]
    return " + ".join(parts) or "0", params, joins, list(looked_up)


def _counted(term):
    """Whether BM25 counts `term`: a word or a prefix (its word as typed), not a phrase
    (phrases have their own points, search.engine.TEXT_WEIGHT)."""
    return term.prefix or not term.is_phrase
