import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Column
from articles.signals import columns_loaded

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"


class Command(BaseCommand):
    help = "Load the five seed columns with their authors and themes. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has columns.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Column.objects.exists():
            self.stdout.write("The database already has columns; seed not loaded.")
            return
        seed_pks = [
            row["pk"]
            for row in json.loads(SEED_FIXTURE.read_text())
            if row["model"] == "articles.column"
        ]
        with transaction.atomic():
            added_before = dict(
                Column.objects.filter(pk__in=seed_pks).values_list("pk", "created_at")
            )
            call_command("loaddata", SEED_FIXTURE, verbosity=0)
            # The fixture dates the columns as they first appeared elsewhere; on this
            # site they appear when they are loaded (reactions count from then on).
            for pk in seed_pks:
                Column.objects.filter(pk=pk).update(
                    created_at=added_before.get(pk) or timezone.now()
                )
            # loaddata saves raw, without the signals that index the columns.
            columns_loaded.send(sender=self.__class__)
        self.stdout.write(self.style.SUCCESS(f"Seed loaded: {Column.objects.count()} columns."))
