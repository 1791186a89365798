"""PostgreSQL backend: tsvectors built from the pre-analysed text, in the search rows.

The tsvectors and tsqueries are written as literals from analysed tokens (letters and
digits only) and cast; PostgreSQL's own parser and its `dutch` configuration are never
used, so matching is the same as on SQLite.

Each search row holds tsvectors: `document` (every field, GIN indexed) to match, and
the short `title`, `lead` and `meta` (author and themes) to score each matching row
(small enough to stay inline, so testing them costs no detoasting).

Phrases: a GIN index knows which rows hold a word, not where. A phrase query on
positions alone makes PostgreSQL read and decompress the whole `document` of every row
that holds all its words (for "de klant", nearly all). So `document` also holds each
pair of neighbouring words as one position-less lexeme ("~de klant"; "~" starts no
token), and a phrase matches through its pairs: exactly for two words, and for longer
phrases as a filter before the positional check (as Elasticsearch's `index_phrases`).

So that the GIN index alone can narrow a very common word's matches (search.engine,
above EXACT_LIMIT), `document` also holds the row's sample bucket ("#17", see
rows.bucket) and its group of buckets ("#g1"), and each word of the title, the lead
and the names marked ("@klant", "%klant", "=klant"), and the pairs of neighbouring
words of the title and the lead ("@de klant", "%de klant"): a sample of the matches,
or those with a query word or phrase in the title (or in the lead and a name), are
then read without the other rows.
"""

from contextlib import contextmanager, nullcontext

from django.db import connection, transaction

from . import bm25, rows

TABLE = rows.TABLE
VECTORS = ("document", "title", "lead", "meta")
# The search rows' own columns here (name, placeholder), in row_values() order.
ROW_COLUMNS = [(vector, "%s::tsvector") for vector in VECTORS]
IDS_FUNCTION = f"{TABLE}_ids"
# The memory a rebuild's GIN index is made with: its entries sorted in few passes.
REBUILD_MEMORY = "256MB"
# ORM filters join the matching ids well as they are (see engine.matching).
PLAIN_ID_FILTER = True


VECTOR_COLUMNS = "".join(f", {vector} tsvector NOT NULL" for vector in VECTORS)


def _gin_index(table):
    """The GIN index of `document` in `table` (the search rows, or a rebuild's NEXT)."""
    return f"CREATE INDEX IF NOT EXISTS {table}_document ON {table} USING gin (document)"


def create(cursor):
    rows.create(cursor, "postgresql", VECTOR_COLUMNS)
    cursor.execute(_gin_index(TABLE))
    # For filters through the ORM (the admin's search box, "Bedoelde je" counts): the
    # ids, by the GIN index even for a word in every row (see `planner()`).
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {IDS_FUNCTION}(query tsquery)"
        " RETURNS SETOF bigint LANGUAGE sql STABLE ROWS 10000 SET enable_seqscan = off AS"
        f" $$ SELECT column_id FROM {TABLE} WHERE document @@ query $$"
    )


def drop(cursor):
    cursor.execute(f"DROP FUNCTION IF EXISTS {IDS_FUNCTION}(tsquery)")
    rows.drop(cursor)


@contextmanager
def planner():
    """Run the search's statements with the GIN index as the only way to match.

    For a word in most rows the planner prefers a sequential scan, which decompresses
    every row's `document`: ten times slower than the bitmap of the GIN index, which
    for a word needs no recheck. And without JIT compilation: the statements are
    planned as costly (many matches), and compiling them took longer (29 ms) than
    running them saved. SET LOCAL ends with the transaction; inside a larger one
    (tests, ATOMIC_REQUESTS) the defaults come back at the end of the block."""
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
        )
        yield
        if nested:
            cursor.execute(
                "SELECT set_config(name, reset_val, true) FROM pg_settings"
                " WHERE name IN ('enable_seqscan', 'jit')"
            )


TEXT_PAIR, META_PAIR = "~", "^"


def _pair_words(stems):
    """Each pair of neighbouring words, as one lexeme holds it ("de klant")."""
    return [f"{first} {second}" for first, second in zip(stems, stems[1:], strict=False)]


def _pairs(stems, mark=TEXT_PAIR):
    return [f"'{mark}{pair}'" for pair in _pair_words(stems)]


def _term(term, pairs):
    if term.prefix:
        return f"'{term.stems[0]}':*"
    if not term.is_phrase:
        return f"'{term.stems[0]}'"
    positions = "(" + " <-> ".join(f"'{stem}'" for stem in term.stems) + ")"
    if not pairs:
        return positions
    either = [
        f"({text} | {meta})"
        for text, meta in zip(_pairs(term.stems), _pairs(term.stems, META_PAIR), strict=True)
    ]
    if pairs == TEXT_PAIR:  # in the text (title, lead, body) only: its own pairs
        either = _pairs(term.stems)
    if len(term.stems) == 2:
        return either[0]
    return "(" + " & ".join([*either, positions]) + ")"


def tsquery(query, pairs=True):
    """The tsquery of `query`; `pairs` for the `document` vector, which has them."""
    parts = [
        "(" + " | ".join(_term(term, pairs) for term in group) + ")" for group in query.match_groups
    ]
    parts += ["!" + _term(term, pairs) for term in query.excluded]
    return " & ".join(parts)


def matching_ids(query):
    """SQL (and parameters) selecting the ids of the columns that match."""
    return f"SELECT * FROM {IDS_FUNCTION}(%s::tsquery)", [tsquery(query)]


def match(query):
    """A condition (and parameters) on the search row `r`: it matches `query`."""
    return "r.document @@ %s::tsquery", [tsquery(query)]


# The marks of the words of the title, the lead and the names (author and themes).
BUCKET, TITLED, LEADING, NAMED = "#", "@", "%", "="
# The lexemes of a row's sample bucket ("#17") and group of buckets ("#g1").
BUCKET_MARKS = (BUCKET, f"{BUCKET}g")
# The mark of the pairs of each marked field: the title's and the lead's are marked as
# their words are ("@de klant"), the names' are the names' own pairs ("^de klant").
PAIR_MARKS = {TITLED: TITLED, LEADING: LEADING, NAMED: META_PAIR}
# The first characters of the lexemes that are not words (analysed words begin with a
# letter or digit).
MARKS = (TEXT_PAIR, META_PAIR, BUCKET, TITLED, LEADING, NAMED)


def sampled(query, buckets):
    """A condition (and parameters) on `r`: it matches `query` and its bucket
    (rows.bucket) is below `buckets`: through the lexemes of whole groups of buckets
    ("#g1" for 16 to 31), and of single ones for the rest ("#17", rows.sample_words),
    so the GIN index reads a few short lists."""
    either = " | ".join(f"'{word}'" for word in rows.sample_words(buckets, *BUCKET_MARKS))
    return "r.document @@ %s::tsquery", [f"{tsquery(query)} & ({either})"]


def candidates(query, level):
    """A condition (and parameters) on `r`: it matches `query` and its short fields
    hold a term of one of the query's groups as `level` asks (search.engine.LEVELS:
    0, in the title; 1, in the title, or in both the lead and the names; 2, in any; a
    phrase: its pairs), through the marked words of `document`; and the same tsquery
    as the restriction of the score's conditions on the whole document (`within`): the
    GIN index hands over the candidates that hold a tier's terms or a phrase, not
    every match that does ("klantcentraal": 11 candidates, where the compound tier
    "klant centraal" is in 25,955 matches, 27 ms)."""
    either = " | ".join(f"({_held(group, level)})" for group in query.match_groups)
    held = f"{tsquery(query)} & ({either})"
    return ("r.document @@ %s::tsquery", [held]), held


def _held(group, level):
    title, lead, meta = (
        " | ".join(_marked(term, mark) for term in group) for mark in (TITLED, LEADING, NAMED)
    )
    return [title, f"{title} | (({lead}) & ({meta}))", f"{title} | {lead} | {meta}"][level]


def _marked(term, mark):
    """`term` among the marked words of one short field (`mark`); a phrase as its
    pairs, marked alike (for "de klant", the rows whose lead holds the pair, not the
    tens of thousands whose lead holds both words)."""
    if term.prefix:
        return f"'{mark}{term.stems[0]}':*"
    if len(term.stems) == 1:
        return f"'{mark}{term.stems[0]}'"
    pairs = _pair_words(term.stems)
    return "(" + " & ".join(f"'{PAIR_MARKS[mark]}{pair}'" for pair in pairs) + ")"


def in_field(field, group, within=None):
    """A condition (and parameters) on the search row `r`: one of the terms of `group`
    occurs in `field` ("title", "lead" or "meta")."""
    return f"r.{field} @@ %s::tsquery", [" | ".join(_term(term, pairs=False) for term in group)]


def restriction(query):
    """What every row the search scores matches (`within` of the conditions below):
    `query`, so the GIN index hands over only the ids of matches. One word of many
    terms, in every column, would otherwise be all the ids of the archive."""
    return tsquery(query)


def in_document(terms, within=None):
    """A condition (and parameters) on the search row `r`: one of `terms` occurs in
    any field (the ids through the GIN index, probed per row)."""
    query = " | ".join(_term(term, pairs=True) for term in terms)
    return f"r.column_id IN (SELECT * FROM {IDS_FUNCTION}(%s::tsquery))", [_within(query, within)]


def in_text(terms, within=None):
    """A condition (and parameters) on the search row `r`: one of the phrases `terms`
    occurs in the text (title, lead or body), not only in the author's or theme
    names: through the pairs of the text fields (see `tsvector`)."""
    query = " | ".join(_term(term, pairs=TEXT_PAIR) for term in terms)
    return f"r.column_id IN (SELECT * FROM {IDS_FUNCTION}(%s::tsquery))", [_within(query, within)]


def _within(query, within):
    return f"({query}) & ({within})" if within else query


def tsvector(*fields, pairs=(), marks=()):
    """A tsvector literal of the token lists `fields`, one position apart within a
    field and two between fields, so a phrase never spans two fields (as in FTS5);
    with `pairs` (a mark for each field), also the pairs of neighbours within each
    field, starting with the field's mark; and the lexemes `marks`, without
    positions."""
    positions = {}
    position = 0
    for tokens in fields:
        for token in tokens:
            position += 1
            positions.setdefault(token, []).append(str(position))
        position += 1
    lexemes = [f"'{token}':{','.join(spots[:256])}" for token, spots in positions.items()]
    if pairs:
        marked = zip(fields, pairs, strict=True)
        lexemes += dict.fromkeys(pair for tokens, mark in marked for pair in _pairs(tokens, mark))
    lexemes += [f"'{mark}'" for mark in dict.fromkeys(marks)]
    return " ".join(lexemes)


def row_values(doc):
    return (
        tsvector(
            doc.title,
            doc.meta,
            doc.lead,
            doc.body,
            pairs=(TEXT_PAIR, META_PAIR, TEXT_PAIR, TEXT_PAIR),
            marks=[
                *rows.bucket_words(doc.column_id, *BUCKET_MARKS),
                *(TITLED + token for token in doc.title),
                *(LEADING + token for token in doc.lead),
                *(NAMED + token for token in doc.meta),
                *(TITLED + pair for pair in _pair_words(doc.title)),
                *(LEADING + pair for pair in _pair_words(doc.lead)),
            ],
        ),
        tsvector(doc.title),
        tsvector(doc.lead),
        tsvector(doc.meta),
    )


def write(cursor, documents):
    """Everything is in the search rows (see `ROW_COLUMNS`)."""


def stems(cursor, column_ids, table=TABLE):
    """What each of these columns' rows (in `table`) holds ({column id: rows.Held}); the
    pairs and marks are left out."""
    cursor.execute(
        f"SELECT r.column_id, r.body_length, ARRAY(SELECT u.lexeme FROM unnest(r.document) u"
        f" WHERE left(u.lexeme, 1) NOT IN ({', '.join(['%s'] * len(MARKS))})) FROM"
        f" {table} r WHERE r.column_id = ANY(%s)",
        [*MARKS, list(column_ids)],
    )
    return {
        column_id: rows.Held(set(stems), length) for column_id, length, stems in cursor.fetchall()
    }


def delete(cursor, column_ids):
    """Everything is in the search rows."""


def rebuilding():
    """Around a rebuild: nothing to set (`start_rebuild`, `rebuilt` and `swap` do the
    rest)."""
    return nullcontext()


# A rebuild writes the search rows into NEXT, beside TABLE, which the searches read and
# the saves write meanwhile without waiting; NEXT gets its GIN index once all its rows
# are in (kept current row by row, it took most of a rebuild's time) and takes TABLE's
# place at the end (`swap`), in the rebuild's transaction: searches wait only for its
# last moments. SEEN notes the version of each of TABLE's rows when the rebuild began
# (the transaction that wrote it, `xmin`): a save meanwhile writes its column's row
# again, a delete removes it.
NEXT, SEEN = f"{TABLE}_next", "articles_search_seen"


def start_rebuild(cursor):
    """The table a rebuild writes the search rows into."""
    cursor.execute(f"DROP TABLE IF EXISTS {NEXT}")
    rows.create(cursor, "postgresql", VECTOR_COLUMNS, table=NEXT)
    cursor.execute(f"DROP TABLE IF EXISTS {SEEN}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {SEEN} AS SELECT column_id, xmin::text AS version FROM {TABLE}"
    )
    return NEXT


def rebuilt(cursor):
    """After a rebuild's batches: NEXT's GIN index, and its planner statistics (a new
    table has none)."""
    with transaction.atomic():
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_MEMORY])
        cursor.execute(_gin_index(NEXT))
    cursor.execute(f"ANALYZE {NEXT}")


def changed_meanwhile(cursor):
    """The columns whose search rows were written or removed since `start_rebuild`;
    from here to the end of the rebuild's transaction, saves and searches wait."""
    cursor.execute(f"LOCK TABLE {TABLE}, {bm25.TABLE} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(
        f"SELECT COALESCE(r.column_id, s.column_id) FROM {TABLE} r FULL JOIN {SEEN} s"
        " ON s.column_id = r.column_id WHERE r.xmin::text IS DISTINCT FROM s.version"
    )
    changed = [column_id for (column_id,) in cursor.fetchall()]
    cursor.execute(f"DROP TABLE {SEEN}")
    return changed


def swap(cursor):
    """NEXT, and the term statistics' (search.bm25), in the live tables' place."""
    cursor.execute(f"DROP TABLE {TABLE}")
    cursor.execute(f"ALTER TABLE {NEXT} RENAME TO {TABLE}")
    cursor.execute(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {NEXT}_pkey TO {TABLE}_pkey")
    cursor.execute(f"ALTER INDEX {NEXT}_document RENAME TO {TABLE}_document")
    bm25.swap(cursor)


def droppable_indexes(cursor, table):
    """None: a rebuild replaces the vocabulary (`table`) in its last transaction, after
    locking the search rows, and dropping an index would lock the vocabulary too, which
    searches read before the search rows and saves write after them: either would
    deadlock with the rebuild."""
    return []


def size(cursor):
    """Bytes used by the index (the search rows with their tsvectors and GIN index,
    and the term statistics)."""
    cursor.execute(
        "SELECT pg_total_relation_size(%s) + pg_total_relation_size(%s)", [TABLE, bm25.TABLE]
    )
    return cursor.fetchone()[0]
