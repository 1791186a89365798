"""What an upload must be before it enters the library, decided by its content.

A real JPEG, PNG or WebP picture, not larger than IMAGES_MAX_BYTES, not more pixels than
IMAGES_MAX_PIXELS (a small file can unpack to a huge picture: a decompression bomb). The
picture is decoded whole, turned upright by its EXIF orientation and encoded again
without its metadata (EXIF with GPS positions, XMP, comments); only the colour profile
stays. Every refusal is a ValidationError with a Dutch message for the editor.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

ACCEPTED = ["JPEG", "PNG", "WEBP"]
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# What each format may hold; anything else is converted.
MODES = {
    "JPEG": {"L", "RGB"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA"},
    "WEBP": {"RGB", "RGBA"},
}
# Quality of the kept original: high, since every rendition is made from it.
ORIGINAL_QUALITY = 90


@dataclass
class CleanImage:
    """An upload that passed: the picture re-encoded without metadata."""

    content: bytes
    format: str
    width: int
    height: int
    picture: PILImage.Image

    @property
    def extension(self):
        return EXTENSIONS[self.format]


def megapixels(pixels):
    return f"{pixels / 1_000_000:.0f}".replace(".", ",")


def looks_like_markup(head):
    """SVG (or other XML/HTML): text that a browser may run scripts from."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in text


def clean_upload(upload):
    """Check `upload` (a Django UploadedFile or any file with .size) and return a
    CleanImage; raise ValidationError with a Dutch message otherwise."""
    size = upload.size
    if not size:
        raise ValidationError("Het bestand is leeg.", code="empty")
    if size > settings.IMAGES_MAX_BYTES:
        raise ValidationError(
            "Het bestand is %(size)s; de grens is %(limit)s. Verklein het beeld of "
            "sla het op met een lagere kwaliteit en probeer het opnieuw.",
            code="too_large",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.IMAGES_MAX_BYTES),
            },
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if looks_like_markup(head):
        raise ValidationError(
            "SVG- en andere tekstbestanden worden niet geaccepteerd: ze kunnen scripts "
            "bevatten. Exporteer het beeld als JPEG, PNG of WebP.",
            code="markup",
        )
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; here any bomb is refused.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            picture = PILImage.open(upload, formats=ACCEPTED)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise too_many_pixels(None) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(
                "Dit bestand is geen afbeelding in JPEG, PNG of WebP. De inhoud telt, "
                "niet de naam: een ander bestand met .jpg erachter wordt ook geweigerd.",
                code="not_an_image",
            ) from None
        width, height = picture.size
        if width * height > settings.IMAGES_MAX_PIXELS:
            raise too_many_pixels(picture.size)
        image_format = picture.format
        try:
            picture.load()
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise too_many_pixels(picture.size) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ValidationError(
                "Het bestand is beschadigd of onvolledig en kan niet worden gelezen. "
                "Sla het beeld opnieuw op en probeer het nog eens.",
                code="broken",
            ) from None
    icc_profile = picture.info.get("icc_profile")
    upright = ImageOps.exif_transpose(picture)  # a copy: the metadata stays behind
    if upright.mode not in MODES[image_format]:
        has_alpha = "A" in upright.getbands() or "transparency" in upright.info
        wanted = "RGBA" if has_alpha and image_format != "JPEG" else "RGB"
        upright = upright.convert(wanted)
    return CleanImage(
        content=encode(upright, image_format, ORIGINAL_QUALITY, icc_profile),
        format=image_format,
        width=upright.width,
        height=upright.height,
        picture=upright,
    )


def too_many_pixels(size):
    limit = megapixels(settings.IMAGES_MAX_PIXELS)
    if size is None:
        message = "Dit beeld heeft te veel pixels (meer dan %(limit)s megapixels)."
        params = {"limit": limit}
    else:
        message = (
            "Dit beeld is %(width)s × %(height)s pixels, meer dan %(limit)s megapixels. "
            "Verklein het en probeer het opnieuw."
        )
        params = {"width": size[0], "height": size[1], "limit": limit}
    return ValidationError(message, code="too_many_pixels", params=params)


def encode(picture, image_format, quality, icc_profile=None):
    """The picture as bytes in `image_format`, with no metadata but the colour profile."""
    buffer = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        options.update(quality=quality, optimize=True, progressive=True)
    elif image_format == "WEBP":
        options.update(quality=quality, method=4)
    else:
        options.update(optimize=True)
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()
