from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Import from WordPress and Markdown, export to both (docs/transfer.md)."""

    name = "transfer"
    verbose_name = "Import en export"

    def ready(self):
        from ops import pagecache

        from .models import LegacyAddress

        # An old address that starts or stops redirecting changes what readers get.
        pagecache.invalidate_on_change(LegacyAddress)
