from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles import search
from articles.models import Column

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
        call_command("loaddata", SEED_FIXTURE, verbosity=0)
        # loaddata saves raw, without the signals that index: rebuild the search index.
        search.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Seed loaded: {Column.objects.count()} columns."))
