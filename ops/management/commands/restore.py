"""Restore a file written by ``manage.py backup`` into an empty database.

SQLite (.sqlite3): copied into the site's database with SQLite's backup API; the
database may exist, migrated or not, but must hold no data.
PostgreSQL (.dump): `pg_restore` into a database without any tables, such as one just
made with `createdb` (see docs/operations.md, "Backups").

The media archive next to it (`<name>.media.tar`, when the backup has one) is put
back through the default storage; none of its files may exist there yet.

Afterwards `migrate` brings an older backup up to the code, the apps rebuild their
derived data (ops.backups.restored) and every cached page goes stale.
"""

import sqlite3
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops import backups
from ops.pagecache import bump_generation

# Rows that `migrate` creates itself; any other row means the database is in use.
CREATED_BY_MIGRATE = {"contenttypes.ContentType", "auth.Permission", "auth.Group"}


class Command(BaseCommand):
    help = "Restore a backup (.sqlite3 or .dump) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by `manage.py backup`.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if path.suffix not in (".sqlite3", ".dump"):
            raise CommandError(
                "A backup file ends in .sqlite3 (SQLite) or .dump (PostgreSQL's pg_dump)."
            )
        archive = backups.media_archive_of(path)
        media = backups.media_in_archive(archive) if archive.is_file() else []
        in_the_way = backups.media_in_the_way(media)
        if in_the_way:
            raise CommandError(
                f"The media storage already holds {in_the_way[0]} (and "
                f"{len(in_the_way) - 1} more of the backup's files): restore into a new "
                "site with an empty media folder."
            )
        if path.suffix == ".sqlite3":
            restore_sqlite(path)
        else:
            restore_postgres(path)
        backups.restore_media(archive, media)
        ContentType.objects.clear_cache()  # its ids may differ from the restored rows'
        call_command("migrate", interactive=False, verbosity=0)
        # Derived data (the search index) is rebuilt by the apps that own it.
        backups.restored.send(sender=self.__class__)
        bump_generation()
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))


def _ensure_no_data():
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
        raise CommandError("An SQLite backup (.sqlite3) restores into an SQLite database only.")
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise CommandError(
            f"{wal} holds changes that are not in {path.name}: this is a database in use, "
            "not a backup. Make a backup of it with `manage.py backup`."
        )
    _ensure_no_data()
    # immutable: read the file as it is, without locks and without creating -wal and
    # -shm files next to it (an older backup may still say it is in WAL mode).
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    connection.ensure_connection()
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def restore_postgres(path):
    if connection.vendor != "postgresql":
        raise CommandError("A PostgreSQL backup (.dump) restores into a PostgreSQL database only.")
    name = connection.settings_dict["NAME"]
    tables = connection.introspection.table_names()
    if tables:
        raise CommandError(
            f"The database {name} already has tables ({', '.join(tables[:3])}, …). "
            "Restore into a new, empty database: make one with `createdb <name>`, point "
            "DATABASE_URL at it and run the restore again."
        )
    pg_restore = backups.postgres_tool("pg_restore", backups.server_major_version(connection))
    command = [
        pg_restore,
        "--no-password",
        "--exit-on-error",
        "--single-transaction",
        # The restoring user owns what it creates; grants are the new server's business.
        "--no-owner",
        "--no-privileges",
        f"--dbname={name}",
        str(path),
    ]
    backups.run_postgres_tool(command, backups.libpq_environment(connection.settings_dict))
