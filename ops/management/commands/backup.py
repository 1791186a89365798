"""Write a consistent snapshot of the database to a timestamped file.

SQLite: a copy made with SQLite's online backup API (safe while the site runs), one
self-contained file (rollback journal, not WAL).
PostgreSQL: `pg_dump --format=custom`, streamed into the file. pg_dump reads one
consistent moment by itself; the rows of the database cache and the sessions are
left out.

Uploaded files kept in a local folder (the image library) go into a tar archive next
to it, `<name>.media.tar`, written after the database snapshot: a file a row of the
snapshot names was stored before that row was (see ops.backups).

The files are private to their owner (0600) in a private folder (0700), and appear
under their names only once they are complete. Restore with ``manage.py restore``;
the database file's path is the last line printed.
"""

import os
import sqlite3
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from ops import backups

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}


class Command(BaseCommand):
    help = "Write a consistent backup of the database to a timestamped file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.BACKUP_DIR), help="Folder for the backup file."
        )

    def handle(self, *args, dir, **options):
        if connection.vendor not in SUFFIXES:
            raise CommandError(f"Backups work on SQLite and PostgreSQL, not {connection.vendor}.")
        folder = backups.private_folder(Path(dir))
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"kennisbank-{stamp}{SUFFIXES[connection.vendor]}"
        write = backup_sqlite if connection.vendor == "sqlite" else backup_postgres
        media = backups.local_media_folder()
        names = backups.media_files(media)
        try:
            written(path, write)
            if names:
                archive = backups.media_archive_of(path)
                written(archive, lambda partial: backups.write_media_archive(partial, media, names))
                self.stdout.write(str(archive))
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.stdout.write(str(path))


def written(path, write):
    """Let `write(partial)` fill a private file that appears as `path` once complete."""
    partial = backups.create_private_file(path.with_name(path.name + ".partial"))
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def backup_sqlite(path):
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        # The copy carries the site's WAL mode; a rollback journal makes it one file
        # that can be opened without -wal and -shm files appearing next to it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def tables_without_data():
    """Tables whose rows a PostgreSQL backup leaves out: the database cache (the page
    cache can be large) and the sessions, both of which may be lost."""
    tables = [
        config["LOCATION"]
        for config in settings.CACHES.values()
        if config["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    ]
    if apps.is_installed("django.contrib.sessions"):
        tables.append(apps.get_model("sessions", "Session")._meta.db_table)
    return tables


def backup_postgres(path):
    pg_dump = backups.postgres_tool("pg_dump", backups.server_major_version(connection))
    command = [pg_dump, "--format=custom", "--no-password"]
    # A quoted name matches exactly that table (no pattern characters, any case).
    command += [f'--exclude-table-data="{table}"' for table in tables_without_data()]
    command.append(f"--dbname={connection.settings_dict['NAME']}")
    with open(path, "wb") as output:
        backups.run_postgres_tool(
            command, backups.libpq_environment(connection.settings_dict), stdout=output
        )
