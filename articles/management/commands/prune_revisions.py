from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from reversion.models import Revision, Version

from articles import revisions


class Command(BaseCommand):
    help = (
        "Delete revisions of columns, authors and themes older than --days, keeping the "
        "newest --keep of every object whatever their age."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=365, help="Only revisions older than this (365)."
        )
        parser.add_argument(
            "--keep", type=int, default=10, help="Newest revisions kept per object (10)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go; delete nothing."
        )

    def handle(self, *args, days, keep, dry_run, **options):
        if days < 0 or keep < 1:
            raise CommandError("--days must be 0 or more and --keep 1 or more.")
        cutoff = timezone.now() - timedelta(days=days)
        doomed = []
        for model in revisions.KEPT:
            versions = (
                Version.objects.get_for_model(model)
                .select_related("revision")
                .order_by("object_id", "-revision__date_created", "-pk")
            )
            rank, previous = 0, None
            for version in versions.iterator():
                rank = rank + 1 if version.object_id == previous else 1
                previous = version.object_id
                if rank > keep and version.revision.date_created < cutoff:
                    doomed.append(version)
        if dry_run:
            self.stdout.write(f"Would delete {len(doomed)} revisions.")
            return
        with transaction.atomic():
            for version in doomed:
                revisions.forget(version)
            # A revision that holds nothing any more goes too.
            emptied = Revision.objects.filter(version__isnull=True)
            emptied.delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {len(doomed)} revisions."))
