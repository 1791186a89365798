from django.conf import settings
from django.core.management.base import BaseCommand

from search.log import purge


class Command(BaseCommand):
    help = (
        "Delete the searches logged longer ago than the retention period "
        "(DJANGO_SEARCH_LOG_DAYS, default 90). Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SEARCH_LOG_DAYS,
            help="Keep this many days (default: %(default)s).",
        )

    def handle(self, *args, days, **options):
        count = purge(older_than_days=max(days, 1))
        self.stdout.write(f"Searches deleted from the search log: {count}.")
