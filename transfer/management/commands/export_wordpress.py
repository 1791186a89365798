from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.exporter import export_wordpress


class Command(BaseCommand):
    help = (
        "Write a WordPress export (WXR 1.2) that WordPress's importer reads: columns as "
        "posts, themes as tags, approved reactions as comments with their replies."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--site-url",
            default="https://kennisbank.example",
            help="the site's address, for the links and GUIDs in the file",
        )

    def handle(self, *args, file, site_url, **options):
        path = Path(file)
        try:
            with open(path, "w", encoding="utf-8") as out:
                count = export_wordpress(out, site_url=site_url)
        except OSError as error:
            raise CommandError(f"Kan {path} niet schrijven: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{count} columns geschreven naar {path}."))
