"""Write a consistent snapshot of the database to a timestamped file.

SQLite: a copy made with SQLite's online backup API (safe while the site runs).
PostgreSQL: the data of every app in natural keys (a loaddata fixture, as
dumpdata writes it but with exact times), read in one REPEATABLE READ
transaction so it is one consistent moment. Restore with ``manage.py restore``.
"""

import datetime
import gzip
import sqlite3
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from ops import backups

# Rebuilt by `migrate` or not worth keeping: sessions expire, the cache refills.
# Derived rows (ops.backups.register_derived) are rebuilt by `restore`.
EXCLUDED = {"contenttypes", "auth.permission", "sessions"}


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


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder rounds times to milliseconds; a backup keeps them exact."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models():
    configs = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(configs, allow_cycles=True)
        if model._meta.label_lower not in EXCLUDED
        and model._meta.app_label not in EXCLUDED
        and not backups.is_derived(model)
        and model._meta.managed
        and not model._meta.proxy
    ]


def backup_json(path):
    """The rows of every model, in natural keys, as one JSON fixture for loaddata."""

    def rows():
        for model in backed_up_models():
            yield from model._base_manager.order_by(model._meta.pk.name).iterator()

    outermost = not connection.in_atomic_block
    with gzip.open(path, "wt", encoding="utf-8") as output, transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        serializers.serialize(
            "json",
            rows(),
            stream=output,
            cls=ExactJSONEncoder,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
