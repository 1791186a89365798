"""Writing images: the one way files enter the library, and nothing half-stored.

Files are written before the rows that point at them. When anything fails afterwards (a
rendition, the database, the surrounding request), the files written so far are deleted
again, so storage never keeps files without rows. `cleanup_on_failure()` extends that to
a whole request: the admin wraps its change form in it, because the transaction it runs
in may still roll back after the image was saved.
"""

import contextlib
import contextvars
import posixpath
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import renditions
from .models import Image
from .signals import delete_files_on_commit

_written_in_request = contextvars.ContextVar("images_written_in_request", default=None)


@contextlib.contextmanager
def cleanup_on_failure():
    """Delete the files stored inside this block when the block raises."""
    written = []
    token = _written_in_request.set(written)
    try:
        yield written
    except BaseException:
        _delete(written)
        raise
    finally:
        _written_in_request.reset(token)


def _delete(names):
    storage = Image._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - the original failure matters more
            pass


def original_name(filename, extension):
    """images/originals/<year>/<month>/<slug of the upload's name>-<random>.<ext>."""
    stem = slugify(posixpath.splitext(posixpath.basename(filename or ""))[0])[:60] or "beeld"
    today = timezone.localdate()
    return posixpath.join(
        "images",
        "originals",
        f"{today:%Y}",
        f"{today:%m}",
        f"{stem}-{secrets.token_hex(4)}.{extension}",
    )


def image_store(image, clean, *, filename="", user=None):
    """Store `clean` (a validation.CleanImage) as the file of `image` (new or
    existing, with its texts set), make its renditions and save it. A replaced file and
    its renditions leave storage when the transaction commits."""
    written = []
    old_files = []
    if image.pk:
        old_files = [image.file.name, *image.renditions.values_list("file", flat=True)]
    try:
        storage = Image._meta.get_field("file").storage
        with transaction.atomic():
            name = storage.save(
                original_name(filename, clean.extension), ContentFile(clean.content)
            )
            written.append(name)
            image.file.name = name
            image.original_filename = posixpath.basename(filename or "")[:255]
            image.format = clean.format
            image.width, image.height = clean.width, clean.height
            image.file_size = len(clean.content)
            if user is not None and image.uploaded_by_id is None and image.pk is None:
                image.uploaded_by = user
            image.full_clean()
            if image.pk:
                # The new file replaces the old one: its renditions go with it.
                image.renditions.all().delete()
            else:
                image.save()  # the renditions need its id
            renditions.make(image, clean.picture, written)
            image.save()  # texts, and `image_changed` now that the renditions exist
    except BaseException:
        _delete(written)
        raise
    request_files = _written_in_request.get()
    if request_files is not None:
        request_files.extend(written)
    if old_files:
        delete_files_on_commit(old_files, storage)
    return image


def image_create(*, upload, alt_text, caption="", credit="", user=None):
    """A new library image from an uploaded file; ValidationError when the file or the
    texts are refused (nothing is stored then)."""
    from .validation import clean_upload

    clean = clean_upload(upload)
    image = Image(alt_text=alt_text, caption=caption, credit=credit)
    return image_store(image, clean, filename=getattr(upload, "name", ""), user=user)
