"""The vocabulary learns each word's document frequency, kind (text or name), length,
first letter and letters backwards, for typo tolerance and compounds (search.fuzzy).
The analyzer version goes to 4 (search.dutch): the index is rebuilt here, which fills
the new fields, and on PostgreSQL writes the meta field's word pairs apart."""

from django.db import migrations, models

from search.index import create_tables, drop_tables, rebuild


def fill(apps, schema_editor):
    # The index tables as the index code now makes them: tables made by the code of
    # 0001's time lack what it writes today.
    with schema_editor.connection.cursor() as cursor:
        drop_tables(cursor, schema_editor.connection.vendor)
        create_tables(cursor, schema_editor.connection.vendor)
    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchword",
            name="frequency",
            field=models.PositiveIntegerField(default=0, verbose_name="aantal columns"),
        ),
        migrations.AddField(
            model_name="searchword",
            name="kind",
            field=models.CharField(
                choices=[("tekst", "tekst"), ("naam", "naam van auteur of thema")],
                default="tekst",
                max_length=5,
                verbose_name="soort",
            ),
        ),
        migrations.AddField(
            model_name="searchword",
            name="length",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="lengte"),
        ),
        migrations.AddField(
            model_name="searchword",
            name="initial",
            field=models.CharField(default="", max_length=1, verbose_name="beginletter"),
        ),
        migrations.AddField(
            model_name="searchword",
            name="backwards",
            field=models.CharField(
                db_index=True, default="", max_length=40, verbose_name="achterstevoren"
            ),
        ),
        migrations.AddIndex(
            model_name="searchword",
            index=models.Index(fields=["initial", "length"], name="articles_searchword_window"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
