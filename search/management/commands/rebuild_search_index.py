"""Rebuild the full-text search index of all columns, with a progress bar."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

import search

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the search index of all columns (run after a change of the analyzer)."

    def handle(self, *args, **options):
        started = time.monotonic()
        show = options["verbosity"] > 0
        with transaction.atomic():
            count = search.rebuild(progress=self.progress if show else None)
        if show:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt: {count} columns in {time.monotonic() - started:.1f} s."
            )
        )

    def progress(self, done, total):
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} columns", ending="")
        self.stdout.flush()
