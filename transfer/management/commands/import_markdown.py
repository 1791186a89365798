from django.core.management.base import BaseCommand, CommandError

from transfer.importer import Importer
from transfer.markdown_files import markdown_files, read_folder
from transfer.progress import progress_bar
from transfer.wxr import ImportError_

from .import_wordpress import write_report


class Command(BaseCommand):
    help = (
        "Import a folder of Markdown files with YAML front matter (title, slug, date, "
        "author, themes, status, lead, source), one column per file. Safe to run again: "
        "a column is matched on its slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")

    def handle(self, *args, folder, dry_run=False, **options):
        importer = Importer(dry_run=dry_run, source="Markdown")
        try:
            total = len(markdown_files(folder))
            with progress_bar(total, self.stderr, "bestanden") as bar:
                importer.progress = bar
                importer.run(read_folder(folder))
        except ImportError_ as error:
            raise CommandError(str(error)) from error
        write_report(self, importer.report, options["verbosity"])
