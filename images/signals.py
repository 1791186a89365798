"""What the media library tells other apps, and the files that leave with their rows.

`image_changed(sender=Image, image=...)`: sent after an existing image was saved (its
alt text, caption, credit or file changed). Apps that render an image into stored HTML
(articles: the columns' text) render it again. `images` imports no app that shows
images; they listen here.
"""

from django.db import transaction
from django.dispatch import Signal

image_changed = Signal()


def delete_files_on_commit(names, storage):
    """Delete stored files once the transaction that dropped their rows commits."""
    names = [name for name in names if name]

    def delete():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def file_row_deleted(sender, instance, **kwargs):
    delete_files_on_commit([instance.file.name], instance.file.storage)


def connect():
    from django.db.models.signals import post_delete

    from .models import Image, Rendition

    for model in (Image, Rendition):
        post_delete.connect(
            file_row_deleted, sender=model, dispatch_uid=f"images.delete_files:{model.__name__}"
        )
