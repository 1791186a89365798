"""Renditions: each image resized to a few widths, as WebP and in its own format.

Made once, when the image is stored, and kept in storage with a row each; a width or
format that is missing later (new settings, a restored database) is made when it is
first needed. Never wider than the image itself.
"""

import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image as PILImage

from .models import Rendition
from .validation import EXTENSIONS, encode

QUALITY = {"JPEG": 82, "WEBP": 80, "PNG": None}


def widths_for(image):
    """The rendition widths of `image`: the configured ones below its own width, and
    its own width when that is below the largest configured one."""
    configured = sorted(set(settings.IMAGES_RENDITION_WIDTHS))
    widths = {width for width in configured if width < image.width}
    widths.add(min(image.width, configured[-1]))
    return sorted(widths)


def formats_for(image):
    """WebP for browsers that take it, and the image's own format for the rest."""
    return ["WEBP"] if image.format == "WEBP" else ["WEBP", image.format]


def wanted(image):
    return [
        (image_format, width) for image_format in formats_for(image) for width in widths_for(image)
    ]


def rendition_name(image, image_format, width):
    folder = posixpath.join("images", "renditions", str(image.pk))
    stem = posixpath.splitext(posixpath.basename(image.file.name))[0]
    return posixpath.join(folder, f"{stem}-{width}.{EXTENSIONS[image_format]}")


def make(image, picture=None, written=None):
    """Make the renditions `image` lacks and return all of them, ordered by format and
    width. `picture` is the decoded image when the caller has it; `written` collects
    the names of files stored, for cleaning up after a failure."""
    existing = {(r.format, r.width): r for r in image.renditions.all()}
    missing = [spec for spec in wanted(image) if spec not in existing]
    if missing:
        if picture is None:
            with image.file.open("rb") as source:
                picture = PILImage.open(source)
                picture.load()
        for image_format, width in missing:
            existing[(image_format, width)] = store(image, picture, image_format, width, written)
    return [existing[spec] for spec in wanted(image) if spec in existing]


def store(image, picture, image_format, width, written=None):
    height = max(1, round(picture.height * width / picture.width))
    resized = (
        picture
        if width == picture.width
        else picture.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    )
    if image_format == "WEBP" and resized.mode not in ("RGB", "RGBA"):
        resized = resized.convert("RGBA" if "A" in resized.getbands() else "RGB")
    content = encode(resized, image_format, QUALITY[image_format], picture.info.get("icc_profile"))
    storage = Rendition._meta.get_field("file").storage
    name = storage.save(rendition_name(image, image_format, width), ContentFile(content))
    if written is not None:
        written.append(name)
    rendition = Rendition(image=image, format=image_format, width=width, height=height, file=name)
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:
        # Another process made the same rendition a moment ago: use that one.
        storage.delete(name)
        return Rendition.objects.get(image=image, format=image_format, width=width)
    return rendition


def for_images(images):
    """{image id: renditions} for `images`, making what is missing."""
    return {image.pk: make(image) for image in images}


def social(image, request):
    """The rendition that link previews and structured data show: the one nearest 1200
    pixels wide, in the image's own type where browsers of every kind read it."""
    made = make(image)
    own = [r for r in made if r.format == image.format] or made
    chosen = min(own, key=lambda r: abs(r.width - 1200))
    return SocialImage(absolute_url(chosen.file.url, request), chosen.width, chosen.height)


@dataclass(frozen=True)
class SocialImage:
    url: str
    width: int
    height: int


def absolute_url(url, request):
    """Storage URLs are absolute with object storage and site-relative on disk."""
    return url if "://" in url else request.build_absolute_uri(url)
