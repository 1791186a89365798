from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from subscriptions import services
from subscriptions.models import Subscription


class Command(BaseCommand):
    help = (
        "Send the daily or weekly digest of new columns to every confirmed subscriber; a "
        "column goes to a subscriber at most once, however often this runs. Also deletes "
        "addresses left unconfirmed for DJANGO_SUBSCRIPTIONS_CONFIRM_DAYS days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[Subscription.Frequency.DAILY, Subscription.Frequency.WEEKLY],
            default=Subscription.Frequency.DAILY,
            help="Which subscriptions to send (default: %(default)s).",
        )
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="Scheme and host for the links in the mail (default: DJANGO_SITE_URL, "
            "%(default)s).",
        )

    def handle(self, *args, frequency, base_url, **options):
        purged = services.purge_unconfirmed()
        report = services.send_digests(frequency=frequency, base_url=base_url)
        self.stdout.write(
            f"Digests sent ({frequency}): {report.mails} mails, {report.columns} columns. "
            f"Unconfirmed addresses deleted: {purged}."
        )
        stale = services.stale_claims().count()
        if stale:
            self.stderr.write(
                f"{stale} columns were claimed for a subscriber but never marked sent "
                "(a run stopped between the two); they will not be sent again."
            )
        if report.failed:
            raise CommandError(
                f"The mail server refused {len(report.failed)} digests; the next run "
                "tries them again."
            )
