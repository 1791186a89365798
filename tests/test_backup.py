"""Backups: a snapshot of the whole site restores into an empty database, row for row."""

import sqlite3

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection

import search
from articles.models import Column
from ops.management.commands.backup import backup_json
from reactions.models import Reaction

from . import factories

SKIPPED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    # the search index: rebuilt from the restored columns, with a new build time
    "search.searchindexinfo",
}


def every_row():
    """Every row of every model (reactions too, once they exist), in natural keys, so
    ids of rows rebuilt by natural key don't matter."""
    rows = []
    for model in apps.get_models():
        if model._meta.label_lower in SKIPPED:
            continue
        objects = model._default_manager.order_by("pk")
        data = serializers.serialize(
            "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        rows.extend(sorted(repr(row) for row in data))
    return rows


@pytest.fixture
def site(seed, editor, django_user_model):
    django_user_model.objects.create_superuser("beheer", "beheer@example.nl", "sterk-genoeg-42")
    column = Column.objects.get(slug="ga-jij-naar-de-klant")
    parent = factories.ReactionFactory(column=column, body="Herkenbaar.\nTweede regel.")
    factories.ReactionFactory(column=column, parent=parent, status=Reaction.Status.PENDING)
    factories.ReactionFactory(column=column, status=Reaction.Status.SPAM)
    return every_row()


def backup(tmp_path, capsys):
    call_command("backup", dir=str(tmp_path))
    path = capsys.readouterr().out.strip().splitlines()[-1]
    return path


@pytest.mark.django_db(transaction=True)
def test_json_backup_round_trips_every_row(site, tmp_path, capsys):
    if connection.vendor == "sqlite":  # `backup` copies the file; the JSON path is tested here
        path = str(tmp_path / "kennisbank.json.gz")
        backup_json(path)
    else:
        path = backup(tmp_path, capsys)
        assert path.endswith(".json.gz")
    assert Column.objects.count() == 5
    call_command("flush", interactive=False, verbosity=0)
    assert Column.objects.count() == 0

    call_command("restore", path)
    assert every_row() == site
    assert len(site) > 20
    assert Reaction.objects.count() == 3
    assert search.search("evenwaardigheid").total == 2  # the index is rebuilt


def test_restore_refuses_a_database_in_use(site, tmp_path):
    path = tmp_path / "kennisbank.json.gz"
    backup_json(path)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))


def test_restore_rejects_unknown_files(db, tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "weg.json.gz"))
    other = tmp_path / "notities.txt"
    other.write_text("geen backup")
    with pytest.raises(CommandError, match=r"\.sqlite3 or \.json\.gz"):
        call_command("restore", str(other))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file backups")
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_is_a_consistent_copy_that_restores(seed, editor, tmp_path, capsys):
    before = every_row()
    path = backup(tmp_path, capsys)
    assert path.endswith(".sqlite3")

    copy = sqlite3.connect(path)
    titles = {row[0] for row in copy.execute("SELECT title FROM articles_column")}
    copy.close()
    assert titles == set(Column.objects.values_list("title", flat=True))

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", path)
    assert every_row() == before
