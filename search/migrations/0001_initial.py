"""The search index moves here from `articles`: the vocabulary and version tables keep
their names and rows; the full-text tables are created when missing (a new database)
and filled by `migrate` (search.signals.rebuild_if_outdated)."""

from django.db import migrations, models

from search.index import create_tables, drop_tables

LABEL = "search"
MODELS = ["searchword", "searchindexinfo"]


def relabel(apps, from_label, to_label):
    """Move the content types (and so the permissions given to groups) with the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=to_label, model=model).exists():
            ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def forwards(apps, schema_editor):
    relabel(apps, "articles", LABEL)
    with schema_editor.connection.cursor() as cursor:
        create_tables(cursor, schema_editor.connection.vendor)


def backwards(apps, schema_editor):
    relabel(apps, LABEL, "articles")
    with schema_editor.connection.cursor() as cursor:
        drop_tables(cursor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [
        ('articles', '0006_search_single_pass'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # The tables exist (made by articles/0004 when these models lived there): only
        # the state moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SearchIndexInfo',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('analyzer_version', models.PositiveIntegerField(verbose_name='versie van de analyse')),
                        ('built_at', models.DateTimeField(auto_now=True, verbose_name='opgebouwd')),
                    ],
                    options={
                        'verbose_name': 'zoekindex',
                        'verbose_name_plural': 'zoekindex',
                        'db_table': 'articles_searchindexinfo',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SearchWord',
                    fields=[
                        ('word', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='woord')),
                        ('stem', models.CharField(db_index=True, max_length=40, verbose_name='stam')),
                    ],
                    options={
                        'verbose_name': 'zoekwoord',
                        'verbose_name_plural': 'zoekwoorden',
                        'db_table': 'articles_searchword',
                        'ordering': ['word'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
