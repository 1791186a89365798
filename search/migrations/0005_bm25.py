"""The term statistics of BM25 ranking (search.bm25): the index info's totals, the
search rows' body length and the table of repeated stems. The index tables are made
again as the index code now makes them, and filled."""

from django.db import migrations, models

from search.index import create_tables, drop_tables, rebuild


def remake_tables(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        drop_tables(cursor, schema_editor.connection.vendor)
        create_tables(cursor, schema_editor.connection.vendor)
    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_redactie_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchindexinfo",
            name="columns",
            field=models.PositiveIntegerField(default=0, verbose_name="columns"),
        ),
        migrations.AddField(
            model_name="searchindexinfo",
            name="body_words",
            field=models.PositiveBigIntegerField(default=0, verbose_name="woorden in de tekst"),
        ),
        migrations.RunPython(remake_tables, remake_tables),
    ]
