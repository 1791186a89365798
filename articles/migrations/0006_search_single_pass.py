"""The search index for one pass over the matches: theme ids in the search rows, and on
PostgreSQL the tsvectors in the search rows too (with word pairs for phrases) instead
of a table of their own. The index is rebuilt."""

from django.db import migrations

# What 0004 and 0005 created on PostgreSQL and the new layout no longer has.
LEGACY_POSTGRESQL = [
    *(
        f"DROP FUNCTION IF EXISTS articles_search_document_{vector}_ids(tsquery)"
        for vector in ("document", "title", "middle", "body")
    ),
    "DROP TABLE IF EXISTS articles_search_document",
]


def recreate_index(apps, schema_editor):
    from articles.search.index import create_tables, drop_tables, rebuild

    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            for statement in LEGACY_POSTGRESQL:
                cursor.execute(statement)
        drop_tables(cursor, vendor)
        create_tables(cursor, vendor)
    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_search_rows"),
    ]

    operations = [
        # Back: 0004 drops all index tables (the code writes this layout from 0004 on).
        migrations.RunPython(recreate_index, migrations.RunPython.noop),
    ]
