"""Write a consistent snapshot of the database to a timestamped file.

SQLite: a copy made with SQLite's online backup API (safe while the site runs).
PostgreSQL: the data of every app in natural keys (dumpdata), read in one
REPEATABLE READ transaction so it is one consistent moment. Restore with
``manage.py restore FILE``.
"""

import gzip
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

# Rebuilt by `migrate` or not worth keeping: sessions expire, the cache refills.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class Command(BaseCommand):
    help = "Write a consistent backup of the database to a timestamped file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.BACKUP_DIR), help="Folder for the backup file."
        )

    def handle(self, *args, dir, **options):
        folder = Path(dir)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "sqlite":
            path = folder / f"kennisbank-{stamp}.sqlite3"
            backup_sqlite(path)
        else:
            path = folder / f"kennisbank-{stamp}.json.gz"
            backup_json(path)
        self.stdout.write(str(path))


def backup_sqlite(path):
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def backup_json(path):
    with gzip.open(path, "wt", encoding="utf-8") as output, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            stdout=output,
            verbosity=0,
        )
