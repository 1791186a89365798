"""Restore a file written by ``manage.py backup`` into an empty database."""

import gzip
import shutil
import sqlite3
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from ops import backups
from ops.pagecache import bump_generation

# Rows that `migrate` creates itself; any other row means the database is in use.
CREATED_BY_MIGRATE = {"contenttypes.ContentType", "auth.Permission", "auth.Group"}


class Command(BaseCommand):
    help = "Restore a backup (.sqlite3 or .json.gz) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by `manage.py backup`.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if path.name.endswith(".sqlite3"):
            restore_sqlite(path)
        elif path.name.endswith(".json.gz"):
            restore_json(path)
        else:
            raise CommandError("A backup file ends in .sqlite3 or .json.gz.")
        # Derived data (the search index) is rebuilt by the apps that own it.
        backups.restored.send(sender=self.__class__)
        bump_generation()
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))


def _ensure_empty():
    for model in apps.get_models():
        label = model._meta.label
        if label in CREATED_BY_MIGRATE or backups.is_derived(model) or not model._meta.managed:
            continue
        try:
            in_use = model._default_manager.exists()
        except Exception:  # table not created yet: empty
            continue
        if in_use:
            raise CommandError(
                f"The database is not empty ({model._meta.label} has rows). "
                "Restore into a new, empty database."
            )


def restore_sqlite(path):
    if connection.vendor != "sqlite":
        raise CommandError("An SQLite backup can only be restored into an SQLite database.")
    _ensure_empty()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.ensure_connection()
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def restore_json(path):
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    _ensure_empty()
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "backup.json"
        with gzip.open(path, "rb") as source, open(fixture, "wb") as target:
            shutil.copyfileobj(source, target)
        with transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
