from django.conf import settings
from django.core.management.base import BaseCommand

from subscriptions.services import purge_unconfirmed


class Command(BaseCommand):
    help = (
        "Delete subscriptions not confirmed within DJANGO_SUBSCRIPTIONS_CONFIRM_DAYS days "
        f"(now {settings.SUBSCRIPTIONS_CONFIRM_DAYS}) and addresses left with none. "
        "send_digests does this too; safe to run as often as you like."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Unconfirmed addresses deleted: {purge_unconfirmed()}.")
