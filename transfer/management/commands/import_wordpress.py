from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.importer import Importer
from transfer.progress import progress_bar
from transfer.wordpress import WordPressSource
from transfer.wxr import ImportError_


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.1/1.2): posts become columns, with their "
        "authors, categories and tags as themes, comments as reactions and old "
        "addresses redirected. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the WXR file (Tools → Export in WordPress)")
        parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")
        parser.add_argument(
            "--media-dir", help="the wp-content/uploads folder: images come from here"
        )

    def handle(self, *args, file, dry_run=False, media_dir=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {path}")
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"Map niet gevonden: {media_dir}")
        importer = Importer(dry_run=dry_run, source="WordPress")
        source = WordPressSource(
            str(path), media_dir=media_dir, report=importer.report, parallel=True
        )
        importer.builder = source.build_many
        try:
            total = source.check()
            with progress_bar(total, self.stderr, "columns") as bar:
                importer.progress = bar
                importer.run(source.items())
        except ImportError_ as error:
            raise CommandError(str(error)) from error
        finally:
            source.close()
        write_report(self, importer.report, options["verbosity"])


def write_report(command, report, verbosity):
    lines = report.lines()
    if verbosity < 2:
        # Without -v 2 only the items with something to say.
        lines = [
            line
            for entry, line in zip(report.entries, lines, strict=False)
            if entry.reasons or entry.action != "ongewijzigd"
        ] + lines[len(report.entries) :]
    for line in lines:
        command.stdout.write(line)
    command.stdout.write(command.style.SUCCESS(report.headline()))
