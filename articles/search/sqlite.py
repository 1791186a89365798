"""SQLite backend: an FTS5 table over the pre-analysed text, one row per column.

The MATCH expressions are built only from analysed tokens (letters and digits), each
in double quotes, so nothing a reader types can reach FTS5's own query syntax.
"""

TABLE = "articles_search_fts"
# Match filters go through the covering index of articles_column (see engine.matching).
PLAIN_ID_FILTER = False
# FTS5 columns holding each field: "middle" is the author, themes and lead.
FIELDS = {"title": "{title}", "middle": "{meta lead}", "body": "{body}"}


def create(cursor):
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
        "title, meta, lead, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6')"
    )


def drop(cursor):
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _term(term):
    phrase = '"' + " ".join(term.stems) + '"'
    return phrase + "*" if term.prefix else phrase


def expression(query, field=None, term=None):
    """The FTS5 expression for the whole query, or for one term in one field."""
    if term is not None:
        return f"{FIELDS[field]} : {_term(term)}"
    expression = " AND ".join(
        "(" + " OR ".join(_term(term) for term in group) + ")" for group in query.groups
    )
    for term in query.excluded:
        expression = f"({expression}) NOT {_term(term)}"
    return expression


def matching_ids(query, field=None, term=None):
    """SQL (and parameters) selecting the ids of the columns that match."""
    return (
        f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s",
        [expression(query, field, term)],
    )


def write(cursor, documents):
    cursor.executemany(
        f"INSERT INTO {TABLE} (rowid, title, meta, lead, body) VALUES (%s, %s, %s, %s, %s)",
        [
            (
                doc.column_id,
                " ".join(doc.title),
                " ".join(doc.meta),
                " ".join(doc.lead),
                " ".join(doc.body),
            )
            for doc in documents
        ],
    )


def delete(cursor, column_ids):
    cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(pk,) for pk in column_ids])


def clear(cursor):
    cursor.execute(f"DELETE FROM {TABLE}")


def size(cursor):
    """Bytes used by the index, search rows included (needs the dbstat virtual table;
    None without it)."""
    try:
        cursor.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE %s OR name LIKE %s",
            [TABLE + "%", "articles_search_row%"],
        )
    except Exception:
        return None
    return cursor.fetchone()[0]
