from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Import from WordPress and Markdown, export to both (docs/transfer.md)."""

    name = "transfer"
    verbose_name = "Import en export"
