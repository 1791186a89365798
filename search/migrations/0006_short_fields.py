"""On SQLite, the FTS5 table of the short fields (search.sqlite.SHORT), filled from the
whole text's table: it must hold every row that table holds, or the 'delete' of a
saved column would find nothing to forget. (Coming from version 5, the rebuild that
ANALYZER_VERSION 6 asks for after migrating writes it again.)"""

from django.db import migrations

from search import sqlite


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            sqlite.create(cursor)
            sqlite.copy_short(cursor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {sqlite.SHORT}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_bm25"),
    ]

    operations = [migrations.RunPython(create, drop)]
