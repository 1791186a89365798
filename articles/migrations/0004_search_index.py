"""The search index's shared vocabulary and version tables.

History: this migration also created and filled the full-text tables while search
lived in `articles`. Since search is an app of its own, its first migration
(search/0001_initial) creates them, and `migrate` fills them (post_migrate).
"""

from django.db import migrations, models


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
    ]
