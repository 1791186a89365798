"""The search rows (articles.search.rows): a narrow table per column for counting,
facets and ranking, filled by rebuilding the index."""

from django.db import migrations


def create_rows(apps, schema_editor):
    from articles.search.index import create_tables, rebuild

    # The tables as the code now lays them out (idempotent; 0004 created them already).
    with schema_editor.connection.cursor() as cursor:
        create_tables(cursor, schema_editor.connection.vendor)
    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_search_index"),
    ]

    operations = [
        # Back: 0004 drops all index tables, the rows too (the code writes them from 0004 on).
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]
