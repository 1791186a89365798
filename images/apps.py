from django.apps import AppConfig


class ImagesConfig(AppConfig):
    """The media library: uploaded images, checked and resized once, for the columns."""

    name = "images"
    verbose_name = "Beeldbank"

    def ready(self):
        from ops import pagecache

        from . import signals
        from .models import Image

        signals.connect()  # files leave storage with their rows

        # Pages show an image's alt text, caption and credit.
        pagecache.invalidate_on_change(Image)
