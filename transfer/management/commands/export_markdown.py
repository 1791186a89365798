from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.exporter import export_markdown


class Command(BaseCommand):
    help = (
        "Write every column to FOLDER as <slug>.md with YAML front matter, and the "
        "library images they show to FOLDER/media/. import_markdown reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        path = Path(folder)
        if path.exists() and not path.is_dir():
            raise CommandError(f"{path} bestaat al en is geen map.")
        try:
            columns, images = export_markdown(path)
        except OSError as error:
            raise CommandError(f"Kan niet schrijven in {path}: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(f"{columns} columns en {images} beelden geschreven naar {path}.")
        )
