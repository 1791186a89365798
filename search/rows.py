"""The search rows: one narrow row per column with everything a search reads besides
the full-text match, denormalised at index time in the same transaction as the change.

A search reads each matching row once (see engine.search): count and facets group
these rows, ranking sorts them. Both databases share the columns:
- author_id, status, published_at and the local `year`, for the filters and facets;
- `themes`: the column's theme ids, ascending and space separated ("3 17"), so the
  theme facet groups the rows by their few distinct combinations instead of joining
  every match with the theme links;
- `body_length`: the body's number of words as indexed, for ranking (search.bm25).
Each backend adds what it needs to match (`backend().ROW_COLUMNS`): on PostgreSQL the
tsvectors themselves; SQLite keeps them in its FTS5 table, keyed by the same id.

Which rows the public may see is not decided here: `public()` compiles the one rule,
`Column.public_lookups()`, into a condition on these rows.
"""

from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from articles.models import Column

TABLE = "articles_search_row"
# The Column fields the rows carry, by the row column that holds each: the fields the
# visibility rule may name. A rule on any other field cannot be followed here.
CARRIED = {"author": "author_id", "status": "status", "published_at": "published_at"}
COMPARISONS = {"exact": "=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def create(cursor, vendor, extra_columns="", table=TABLE):
    if vendor == "postgresql":
        key, moment = "bigint PRIMARY KEY", "timestamp with time zone"
    else:
        key, moment = "integer PRIMARY KEY", "datetime"
    # No foreign key: `flush` (TransactionTestCase) truncates articles_column without
    # CASCADE. Rows go with their column through the post_delete receiver, and after a
    # flush the post_migrate receiver rebuilds.
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {table} (column_id {key}, author_id bigint NOT NULL,"
        f" status varchar(20) NOT NULL, published_at {moment} NULL, year integer NULL,"
        f" themes varchar(1000) NOT NULL, body_length integer NOT NULL{extra_columns})"
    )


def drop(cursor):
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def local_year(moment):
    """The calendar year of `moment` in the site's time zone (what `__year` filters use)."""
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).year


def write(connection, cursor, rows, backend, table=TABLE):
    """`rows`: (document, column values dict) pairs, written into `table`."""
    adapt = connection.ops.adapt_datetimefield_value
    names = ["column_id", "author_id", "status", "published_at", "year", "themes", "body_length"]
    placeholders = ["%s"] * len(names)
    for name, placeholder in backend.ROW_COLUMNS:
        names.append(name)
        placeholders.append(placeholder)
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(placeholders)})",
        [
            (
                doc.column_id,
                column["author_id"],
                column["status"],
                adapt(column["published_at"]),
                local_year(column["published_at"]),
                " ".join(str(pk) for pk in sorted(doc.theme_ids)),
                len(doc.body),
                *doc.row,
            )
            for doc, column in rows
        ],
    )


# The rows one INSERT writes on SQLite: 3,500 parameters for seven columns, well under
# its limit. Each statement does the work of many rows without Python in between.
ROWS_PER_INSERT = 500


def insert(cursor, table, names, values):
    """Write `values` (tuples of the columns `names`) into `table` in bulk: PostgreSQL's
    COPY, SQLite's INSERT of many rows per statement. For tables the search writes
    thousands of rows into at once, without the ORM's work per row."""
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        return
    group = "(" + ", ".join(["%s"] * len(names)) + ")"
    for start in range(0, len(values), ROWS_PER_INSERT):
        part = values[start : start + ROWS_PER_INSERT]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([group] * len(part))}",
            [value for row in part for value in row],
        )


def chunks(values, size=500):
    """`values` (ids, stems) in lists of at most `size` (under SQLite's limit of
    parameters), each with its placeholders ("%s, %s")."""
    values = list(values)
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ", ".join(["%s"] * len(chunk))


# A search with very many matches counts a sample of them (search.engine): the rows
# whose bucket is below some number. A row's bucket is a multiplicative hash of its id
# (Knuth's), the same on both databases and spread evenly whatever the ids' pattern.
BUCKETS = 1024
_MULTIPLIER, _MODULUS, _SHIFT = 2654435761, 2**32, 22  # 2**32 >> 22 == BUCKETS


def bucket(column_id):
    """The sample bucket of a row (0 to BUCKETS - 1)."""
    return (column_id * _MULTIPLIER) % _MODULUS >> _SHIFT


# Both backends index each row's bucket and its group of GROUP buckets as words of
# their own, so that the index hands over a sample's rows without the others: the
# buckets below some number are whole groups and at most GROUP - 1 single buckets.
GROUP = 16


def bucket_words(column_id, single, group):
    """The words that index a row's bucket: `single` then the bucket ("#17"), `group`
    then its group of GROUP buckets ("#g1" for 16 to 31)."""
    number = bucket(column_id)
    return [f"{single}{number}", f"{group}{number // GROUP}"]


def sample_words(buckets, single, group):
    """The words of `bucket_words` whose rows are those of the buckets below
    `buckets`: whole groups, then single buckets for the rest."""
    groups = buckets // GROUP
    return [f"{group}{number}" for number in range(groups)] + [
        f"{single}{number}" for number in range(groups * GROUP, buckets)
    ]


class Held(NamedTuple):
    """What one column's index row holds, as the backends read it back (`stems()`)
    before the row is rewritten or removed."""

    stems: set
    body_length: int
    # What the backend must be told to forget the row, if anything (SQLite's
    # contentless short fields' table: the row it was given).
    told: tuple = ()


def totals(cursor):
    """How many rows there are, and their total body length."""
    cursor.execute(f"SELECT COUNT(*), COALESCE(SUM(body_length), 0) FROM {TABLE}")
    return tuple(cursor.fetchone())


def delete(cursor, column_ids, table=TABLE):
    cursor.executemany(f"DELETE FROM {table} WHERE column_id = %s", [(pk,) for pk in column_ids])


def clear(cursor):
    cursor.execute(f"DELETE FROM {TABLE}")


def public(connection):
    """`Column.public_lookups()` as a condition (and parameters) on the search rows `r`:
    the rows of the columns the public may see. Raises ImproperlyConfigured for a rule
    the rows cannot follow (a field they don't carry, a join, a transform), so the
    search never shows what the rule hides."""
    parts, params = [], []
    for lookup, value in Column.public_lookups().items():
        name, _, kind = lookup.partition("__")
        if name not in CARRIED:
            raise ImproperlyConfigured(
                f"Column.public_lookups() filters on {lookup!r}, but the search rows carry"
                f" only {', '.join(CARRIED)}: add the field to search/rows.py or change the rule."
            )
        column, field = f"r.{CARRIED[name]}", Column._meta.get_field(name)
        kind = kind or "exact"
        if kind == "isnull" or (kind == "exact" and value is None):
            parts.append(f"{column} IS {'NOT ' if kind == 'isnull' and not value else ''}NULL")
        elif kind in COMPARISONS:
            parts.append(f"{column} {COMPARISONS[kind]} %s")
            params.append(field.get_db_prep_value(value, connection))
        elif kind == "in":
            values = [field.get_db_prep_value(item, connection) for item in value]
            parts.append(f"{column} IN ({', '.join(['%s'] * len(values))})" if values else "1 = 0")
            params += values
        else:
            raise ImproperlyConfigured(
                f"Column.public_lookups() uses {lookup!r}: the search compiles plain"
                f" comparisons only ({', '.join(COMPARISONS)}, in, isnull)."
            )
    return " AND ".join(parts) or "1 = 1", params
