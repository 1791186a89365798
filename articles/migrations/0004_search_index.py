"""The search index: the shared vocabulary and version tables, and per database the
full-text table (FTS5 on SQLite, tsvectors with GIN indexes on PostgreSQL), filled."""

from django.db import migrations, models


def create_index(apps, schema_editor):
    from articles.search.index import create_tables, rebuild

    with schema_editor.connection.cursor() as cursor:
        create_tables(cursor, schema_editor.connection.vendor)
    rebuild(apps=apps)


def drop_index(apps, schema_editor):
    from articles.search.index import drop_tables

    with schema_editor.connection.cursor() as cursor:
        drop_tables(cursor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_reactions"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="woord")),
                ("stem", models.CharField(db_index=True, max_length=40, verbose_name="stam")),
            ],
            options={"verbose_name": "zoekwoord", "verbose_name_plural": "zoekwoorden", "ordering": ["word"]},
        ),
        migrations.CreateModel(
            name="SearchIndexInfo",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("analyzer_version", models.PositiveIntegerField(verbose_name="versie van de analyse")),
                ("built_at", models.DateTimeField(auto_now=True, verbose_name="opgebouwd")),
            ],
            options={"verbose_name": "zoekindex", "verbose_name_plural": "zoekindex", "ordering": ["pk"]},
        ),
        migrations.RunPython(create_index, drop_index),
    ]
