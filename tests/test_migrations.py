"""A database made before the apps were split (reactions and search inside `articles`)
migrates to the new layout without losing a row, and search keeps working."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

import search
from articles.models import Column
from reactions.models import ModerationWord, Reaction, TrustedAddress
from search import index, rows
from search.dutch import stem
from search.models import SearchWord

from .redactie import redactie_group

BEFORE_THE_SPLIT = [
    ("articles", "0006_search_single_pass"),
    ("reactions", None),
    ("search", None),
]


def migrate(targets):
    """Migrate to `targets`; the models as they were at the first one."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets[0]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def fill_old_database(apps):
    """Columns, reactions and moderation rows as the code before the split wrote them,
    through the models as they were then (all in `articles`)."""
    Author = apps.get_model("articles", "Author")
    Column = apps.get_model("articles", "Column")
    Reaction = apps.get_model("articles", "Reaction")
    author = Author.objects.create(name="Marian Verhoef", slug="marian-verhoef")
    now = timezone.now()
    columns = [
        Column.objects.create(
            title=f"De klant in hoofdstuk {number}",
            slug=f"klant-{number}",
            lead="Over klanten.",
            body=f"De klant staat centraal in deel {number}.",
            body_html=f"<p>De klant staat centraal in deel {number}.</p>",
            author=author,
            status="published",
            published_at=now,
        )
        for number in range(3)
    ]
    first = Reaction.objects.create(
        column=columns[0], name="Anna", email="anna@example.nl", body="Mooi.", status="approved"
    )
    Reaction.objects.create(
        column=columns[0], parent=first, name="Bas", email="bas@example.nl", body="Eens."
    )
    apps.get_model("articles", "TrustedAddress").objects.create(email="anna@example.nl")
    apps.get_model("articles", "ModerationWord").objects.create(phrase="casino", action="block")
    # The search tables as they were: made and filled as by the index code of the time
    # (a vocabulary of words and stems only; search/0002 adds the frequencies).
    ThemedColumn = apps.get_model("articles", "ThemedColumn")
    values = list(apps.get_model("articles", "Column").objects.values(*index.FIELDS))
    documents, vocabulary, *_ = index._documents(values, ThemedColumn)
    with connection.cursor() as cursor:
        index.create_tables(cursor, connection.vendor)
        index._write(cursor, documents, values)
        cursor.executemany(
            "INSERT INTO articles_searchword (word, stem) VALUES (%s, %s)",
            [(word, stem(word)) for word in vocabulary],
        )


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_keeps_every_row_and_search_works():
    redactie_group()  # as the migrations made it (a flush by an earlier test removes it)
    reaction_type = ContentType.objects.get_for_model(Reaction).pk
    try:
        old = migrate(BEFORE_THE_SPLIT)
        assert ContentType.objects.get(pk=reaction_type).app_label == "articles"
        fill_old_database(old)
        before = {
            "columns": count("articles_column"),
            "reactions": count("articles_reaction"),
            "search rows": count(rows.TABLE),
            "words": count("articles_searchword"),
        }
        assert before["columns"] == before["search rows"] == 3
    finally:
        migrate(latest())

    assert Column.objects.count() == before["columns"]
    assert Reaction.objects.count() == before["reactions"] == 2
    assert Reaction.objects.get(name="Bas").parent.name == "Anna"
    assert TrustedAddress.objects.get().email == "anna@example.nl"
    assert ModerationWord.objects.get().phrase == "casino"
    assert count(rows.TABLE) == before["search rows"]
    assert SearchWord.objects.count() == before["words"] > 0
    assert {hit.column.slug for hit in search.search("klanten").hits} == {
        "klant-0",
        "klant-1",
        "klant-2",
    }
    # Permissions move with their models: the editors still moderate.
    assert ContentType.objects.get(pk=reaction_type).app_label == "reactions"
    redactie = Group.objects.get(name="Redactie")
    assert redactie.permissions.filter(
        content_type__app_label="reactions", codename="change_reaction"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_the_short_fields_table_is_filled_again_when_its_migration_runs_again(column_factory):
    # search/0006 back and forth: the index version does not change, so no rebuild
    # follows; the migration itself fills the short fields' table (SQLite) from the
    # index, or the title's points are lost and a save fails on what it must forget.
    column = column_factory(title="Vertrouwen wint", lead="", body="Over vertrouwen.")
    column_factory(title="Anders", lead="", body="Ook over vertrouwen.")

    def points():
        return [hit.column.pk for hit in search.search("vertrouwen").hits]

    before = points()
    assert before[0] == column.pk
    try:
        migrate([("search", "0005_bm25")])
    finally:
        migrate(latest())
    assert points() == before
    column.title = "Vertrouwen wint altijd"
    column.save()
    assert points() == before
