"""The search rows: one narrow row per column with everything a search reads besides
the full-text match, denormalised at index time in the same transaction as the change.

A search reads each matching row once (see engine.search): count and facets group
these rows, ranking sorts them. Both databases share the columns:
- author_id, status, published_at and the local `year`, for the filters and facets;
- `themes`: the column's theme ids, ascending and space separated ("3 17"), so the
  theme facet groups the rows by their few distinct combinations instead of joining
  every match with the theme links.
Each backend adds what it needs to match (`backend().ROW_COLUMNS`): on PostgreSQL the
tsvectors themselves; SQLite keeps them in its FTS5 table, keyed by the same id.
"""

from django.utils import timezone

TABLE = "articles_search_row"


def create(cursor, vendor, extra_columns=""):
    if vendor == "postgresql":
        key, moment = "bigint PRIMARY KEY", "timestamp with time zone"
    else:
        key, moment = "integer PRIMARY KEY", "datetime"
    # No foreign key: `flush` (TransactionTestCase) truncates articles_column without
    # CASCADE. Rows go with their column through the post_delete receiver, and after a
    # flush the post_migrate receiver rebuilds.
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (column_id {key}, author_id bigint NOT NULL,"
        f" status varchar(20) NOT NULL, published_at {moment} NULL, year integer NULL,"
        f" themes varchar(1000) NOT NULL{extra_columns})"
    )


def drop(cursor):
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def local_year(moment):
    """The calendar year of `moment` in the site's time zone (what `__year` filters use)."""
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).year


def write(connection, cursor, rows, backend):
    """`rows`: (document, column values dict) pairs."""
    adapt = connection.ops.adapt_datetimefield_value
    names = ["column_id", "author_id", "status", "published_at", "year", "themes"]
    placeholders = ["%s"] * len(names)
    for name, placeholder in backend.ROW_COLUMNS:
        names.append(name)
        placeholders.append(placeholder)
    cursor.executemany(
        f"INSERT INTO {TABLE} ({', '.join(names)}) VALUES ({', '.join(placeholders)})",
        [
            (
                doc.column_id,
                column["author_id"],
                column["status"],
                adapt(column["published_at"]),
                local_year(column["published_at"]),
                " ".join(str(pk) for pk in sorted(doc.theme_ids)),
                *backend.row_values(doc),
            )
            for doc, column in rows
        ],
    )


def delete(cursor, column_ids):
    cursor.executemany(f"DELETE FROM {TABLE} WHERE column_id = %s", [(pk,) for pk in column_ids])


def clear(cursor):
    cursor.execute(f"DELETE FROM {TABLE}")
