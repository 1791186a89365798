"""PostgreSQL backend: stored tsvectors built from the pre-analysed text, GIN indexes.

The tsvectors and tsqueries are written as literals from analysed tokens (letters and
digits only) and cast; PostgreSQL's own parser and its `dutch` configuration are never
used, so matching is the same as on SQLite.
"""

TABLE = "articles_search_document"
# PostgreSQL joins the matching ids well as they are (see engine.matching).
PLAIN_ID_FILTER = True
VECTORS = ("document", "title", "middle", "body")


def create(cursor):
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        # No foreign key: `flush` (TransactionTestCase) truncates articles_column
        # without CASCADE. Rows go with their column through the post_delete receiver,
        # and after a flush the post_migrate receiver rebuilds.
        " column_id bigint PRIMARY KEY,"
        " document tsvector NOT NULL, title tsvector NOT NULL,"
        " middle tsvector NOT NULL, body tsvector NOT NULL)"
    )
    for vector in VECTORS:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_{vector} ON {TABLE} USING gin ({vector})"
        )
        # The planner reads a common word's many matches by a sequential scan that
        # decompresses every tsvector (10x slower than the GIN bitmap, which for a plain
        # word needs no recheck). A function scoped SET keeps the index path, here only.
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {TABLE}_{vector}_ids(query tsquery)"
            " RETURNS SETOF bigint LANGUAGE sql STABLE ROWS 10000 SET enable_seqscan = off AS"
            f" $$ SELECT column_id FROM {TABLE} WHERE {vector} @@ query $$"
        )


def drop(cursor):
    for vector in VECTORS:
        cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_{vector}_ids(tsquery)")
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _term(term):
    if term.prefix:
        return f"'{term.stems[0]}':*"
    if term.is_phrase:
        return "(" + " <-> ".join(f"'{stem}'" for stem in term.stems) + ")"
    return f"'{term.stems[0]}'"


def tsquery(query, term=None):
    if term is not None:
        return _term(term)
    parts = ["(" + " | ".join(_term(term) for term in group) + ")" for group in query.groups]
    parts += ["!" + _term(term) for term in query.excluded]
    return " & ".join(parts)


def matching_ids(query, field=None, term=None):
    """SQL (and parameters) selecting the ids of the columns that match."""
    vector = field or "document"
    return f"SELECT * FROM {TABLE}_{vector}_ids(%s::tsquery)", [tsquery(query, term)]


def tsvector(*fields):
    """A tsvector literal of the token lists `fields`, one position apart within a
    field and two between fields, so a phrase never spans two fields (as in FTS5)."""
    positions = {}
    position = 0
    for tokens in fields:
        for token in tokens:
            position += 1
            positions.setdefault(token, []).append(str(position))
        position += 1
    return " ".join(f"'{token}':{','.join(spots[:256])}" for token, spots in positions.items())


def write(cursor, documents):
    cursor.executemany(
        f"INSERT INTO {TABLE} (column_id, document, title, middle, body)"
        " VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector, %s::tsvector)",
        [
            (
                doc.column_id,
                tsvector(doc.title, doc.meta, doc.lead, doc.body),
                tsvector(doc.title),
                tsvector(doc.meta, doc.lead),
                tsvector(doc.body),
            )
            for doc in documents
        ],
    )


def delete(cursor, column_ids):
    cursor.execute(f"DELETE FROM {TABLE} WHERE column_id = ANY(%s)", [list(column_ids)])


def clear(cursor):
    cursor.execute(f"DELETE FROM {TABLE}")


def size(cursor):
    """Bytes used by the index, search rows included."""
    cursor.execute(
        "SELECT pg_total_relation_size(%s) + pg_total_relation_size(%s)",
        [TABLE, "articles_search_row"],
    )
    return cursor.fetchone()[0]
