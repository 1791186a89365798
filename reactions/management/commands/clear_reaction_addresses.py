from django.conf import settings
from django.core.management.base import BaseCommand

from reactions.services import reaction_addresses_clear


class Command(BaseCommand):
    help = (
        "Erase the client-address hash of reactions older than the retention period "
        "(DJANGO_REACTIONS_ADDRESS_RETENTION_DAYS, default 30). Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.REACTIONS_ADDRESS_RETENTION_DAYS,
            help="Keep the hash this many days (default: %(default)s).",
        )

    def handle(self, *args, days, **options):
        count = reaction_addresses_clear(older_than_days=max(days, 0))
        self.stdout.write(f"Client-address hashes erased: {count}.")
