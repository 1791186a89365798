"""Pictures made on the spot for the image tests, and uploads of them."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from images import services

# EXIF tags: Orientation, GPSInfo and within it latitude.
ORIENTATION = 0x0112
GPS_INFO = 0x8825


def picture_bytes(
    width=1200,
    height=800,
    image_format="JPEG",
    *,
    orientation=None,
    gps=False,
    colour=(180, 90, 40),
):
    """A picture with a gradient (so it compresses like a photo, not like a flat area),
    optionally with an EXIF orientation and a GPS position."""
    picture = PILImage.new("RGB", (width, height), colour)
    band = PILImage.linear_gradient("L").resize((width, height))
    picture = PILImage.merge("RGB", (band, picture.getchannel("G"), picture.getchannel("B")))
    exif = PILImage.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_INFO] = {1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)}
    buffer = io.BytesIO()
    options = {"exif": exif.tobytes()} if (orientation or gps) else {}
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_bomb(width=50_000, height=50_000):
    """A PNG that says it is width × height pixels in a few hundred bytes: what a
    decompression bomb looks like before it is unpacked."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def make_image(
    alt_text="Een medewerker aan de balie luistert naar een klant",
    *,
    width=1200,
    height=800,
    image_format="JPEG",
    caption="",
    credit="",
    name="balie.jpg",
    user=None,
):
    content = picture_bytes(width, height, image_format)
    return services.image_create(
        upload=upload(name, content),
        alt_text=alt_text,
        caption=caption,
        credit=credit,
        user=user,
    )


def illustrate(slug):
    """Give the column `slug` a header image and two images in its text (a long seed
    column then has figures, a table of contents and breadcrumbs): what the checkers
    and `make audit` look at."""
    from articles.models import Column

    column = Column.objects.get(slug=slug)
    header = make_image(
        "Twee mensen aan een tafel in gesprek, op gelijke hoogte",
        width=1600,
        height=900,
        caption="Gelijkwaardig in gesprek",
        credit="Kennisbank",
        name="gesprek.jpg",
    )
    first = make_image(
        "Een klant en een medewerker geven elkaar een hand",
        width=1200,
        height=800,
        name="hand.jpg",
    )
    second = make_image(
        "Een schema met drie pijlen tussen klant, medewerker en leiding",
        width=1000,
        height=1000,
        image_format="PNG",
        caption="Drie richtingen",
        name="schema.png",
    )
    paragraphs = column.body.split("\n\n")
    paragraphs.insert(2, f"[[beeld:{first.pk}]]")
    paragraphs.insert(len(paragraphs) - 2, f"[[beeld:{second.pk}]]")
    column.body = "\n\n".join(paragraphs)
    column.header_image = header
    column.save()
    return column
