"""The search rows: one narrow row per column with everything a search needs besides
the full-text match, denormalised at index time in the same transaction as the change.

Count, facets and ranking then read this small table (no long texts, no joins with
articles_column), the same on both databases:
- author_id, status, published_at and the local `year` for the filters and facets;
- `title` and `middle` (author and theme names, then " | ", then the lead): the
  analysed tokens, space separated and padded with a space, so the presence of a search
  term in a field is a LIKE on a few dozen characters (`% stem %`, `% stem%` for a
  prefix, `% stem stem %` for a phrase, which never crosses the " | ").
"""

from django.utils import timezone

TABLE = "articles_search_row"


def create(cursor, vendor):
    if vendor == "postgresql":
        key, moment = "bigint PRIMARY KEY", "timestamp with time zone"
    else:
        key, moment = "integer PRIMARY KEY", "datetime"
    # No foreign key, as for the full-text tables: `flush` truncates articles_column.
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (column_id {key}, author_id bigint NOT NULL,"
        f" status varchar(20) NOT NULL, published_at {moment} NULL, year integer NULL,"
        " title text NOT NULL, middle text NOT NULL)"
    )
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {TABLE}_published ON {TABLE} (status, published_at)"
    )


def drop(cursor):
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def local_year(moment):
    """The calendar year of `moment` in the site's time zone (what `__year` filters use)."""
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).year


def tokens(*fields):
    """Token lists as one padded string, fields separated by " | "."""
    return " " + " | ".join(" ".join(field) for field in fields) + " "


def write(connection, cursor, rows):
    """`rows`: (document, column values dict) pairs."""
    adapt = connection.ops.adapt_datetimefield_value
    cursor.executemany(
        f"INSERT INTO {TABLE} (column_id, author_id, status, published_at, year, title, middle)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            (
                doc.column_id,
                column["author_id"],
                column["status"],
                adapt(column["published_at"]),
                local_year(column["published_at"]),
                tokens(doc.title),
                tokens(doc.meta, doc.lead),
            )
            for doc, column in rows
        ],
    )


def delete(cursor, column_ids):
    cursor.executemany(f"DELETE FROM {TABLE} WHERE column_id = %s", [(pk,) for pk in column_ids])


def clear(cursor):
    cursor.execute(f"DELETE FROM {TABLE}")


def pattern(term):
    """The LIKE pattern for `term` in a padded token string."""
    return "% " + " ".join(term.stems) + ("%" if term.prefix else " %")
