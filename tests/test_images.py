"""The image library: what an upload must be, what is kept of it, its renditions and
the HTML that shows it. Hostile files are refused with a Dutch message and leave
nothing behind."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image as PILImage
from pytest_django.asserts import assertContains

from images import html, services
from images.models import Image, Rendition
from images.validation import clean_upload

from .images import GPS_INFO, ORIENTATION, picture_bytes, png_bomb, upload

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


def stored_files(settings):
    return sorted(
        str(path.relative_to(settings.MEDIA_ROOT))
        for path in Path(settings.MEDIA_ROOT).rglob("*")
        if path.is_file()
    )


def refusal(content, name):
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(name, content))
    return " ".join(error.value.messages)


def test_a_text_file_named_jpg_is_refused():
    message = refusal(b"Dit is geen foto, alleen tekst.\n" * 20, "vakantie.jpg")
    assert "geen afbeelding in JPEG, PNG of WebP" in message


def test_an_svg_with_a_script_is_refused_even_when_named_png():
    for name in ("logo.svg", "logo.png"):
        assert "SVG" in refusal(SVG_WITH_SCRIPT, name)


def test_a_pixel_bomb_is_refused_before_it_is_unpacked(settings):
    bomb = png_bomb()
    assert len(bomb) < 1000
    assert "te veel pixels (meer dan 40 megapixels)" in refusal(bomb, "klein.png")
    # Below Pillow's own limit, above the site's: the editor hears the size.
    message = refusal(png_bomb(8000, 6000), "ook-klein.png")
    assert "8000 × 6000 pixels, meer dan 40 megapixels" in message


def test_an_oversized_file_is_refused(settings):
    settings.IMAGES_MAX_BYTES = 20_000
    content = picture_bytes(1600, 1200)
    assert len(content) > 20_000
    message = refusal(content, "groot.jpg")
    assert "de grens is 19,5\xa0KB" in message


def test_a_truncated_picture_is_refused():
    content = picture_bytes(800, 600)
    message = refusal(content[: len(content) // 2], "half.jpg")
    assert "beschadigd of onvolledig" in message


def test_gif_is_not_among_the_accepted_types():
    buffer = io.BytesIO()
    PILImage.new("RGB", (10, 10)).save(buffer, "GIF")
    assert "geen afbeelding in JPEG, PNG of WebP" in refusal(buffer.getvalue(), "anim.gif")


def test_exif_and_gps_are_removed_and_the_orientation_applied():
    # Orientation 6: the camera was turned; the picture must be shown turned 90°.
    clean = clean_upload(upload("camera.jpg", picture_bytes(600, 400, orientation=6, gps=True)))
    assert (clean.width, clean.height) == (400, 600)
    kept = PILImage.open(io.BytesIO(clean.content))
    assert kept.size == (400, 600)
    exif = kept.getexif()
    assert ORIENTATION not in exif and GPS_INFO not in exif
    assert "exif" not in kept.info


def test_the_type_is_decided_by_content_not_by_name(image_factory):
    image = services.image_create(
        upload=upload("eigenlijk-een-png.jpg", picture_bytes(300, 200, "PNG")),
        alt_text="Een grafiek met stijgende tevredenheid",
    )
    assert image.format == "PNG"
    assert image.file.name.endswith(".png")
    assert image.original_filename == "eigenlijk-een-png.jpg"


def test_renditions_are_made_once_in_webp_and_the_own_type(image_factory, settings):
    settings.IMAGES_RENDITION_WIDTHS = [400, 800, 1200, 1600]
    image = image_factory(width=1000, height=500)
    made = {(r.format, r.width, r.height) for r in image.renditions.all()}
    assert made == {
        (fmt, width, width // 2) for fmt in ("WEBP", "JPEG") for width in (400, 800, 1000)
    }
    files_before = stored_files(settings)
    html.picture(Image.objects.get(pk=image.pk))
    assert stored_files(settings) == files_before  # used, not made again
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as handle:
            assert PILImage.open(handle).size == (rendition.width, rendition.height)


def test_a_missing_rendition_is_made_when_first_needed(image_factory, settings):
    image = image_factory(width=900, height=600)
    image.renditions.filter(format="JPEG", width=400).delete()
    html.picture(image)
    assert image.renditions.filter(format="JPEG", width=400).exists()


def test_the_picture_has_srcset_sizes_dimensions_and_lazy_loading(image_factory):
    image = image_factory(
        alt_text='Een "klant" <aan> de balie',
        width=1600,
        height=900,
        caption="De balie",
        credit="Anna de Vries",
    )
    figure = html.figure(image)
    assert figure.startswith('<figure class="figure"><picture>')
    assert '<source type="image/webp" srcset="/media/images/renditions/' in figure
    assert " 400w, " in figure and " 1600w" in figure
    assert f'sizes="{html.BODY_SIZES}"' in figure
    assert 'width="1600" height="900"' in figure
    assert 'loading="lazy"' in figure
    assert 'alt="Een &quot;klant&quot; &lt;aan&gt; de balie"' in figure
    assert '<figcaption>De balie <span class="figure__credit">Beeld: Anna de Vries' in figure
    top = html.picture(image, lazy=False)
    assert 'loading="lazy"' not in top and 'fetchpriority="high"' in top


def test_a_failed_database_write_leaves_no_files(db, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("de database viel weg")

    monkeypatch.setattr(Rendition, "save", broken)
    with pytest.raises(RuntimeError):
        services.image_create(upload=upload("a.jpg", picture_bytes(500, 300)), alt_text="Iets")
    assert Image.objects.count() == 0
    assert stored_files(settings) == []


def test_an_image_without_alt_text_is_not_stored(db, settings):
    with pytest.raises(ValidationError) as error:
        services.image_create(upload=upload("a.jpg", picture_bytes(500, 300)), alt_text="")
    assert "alt_text" in error.value.message_dict
    assert Image.objects.count() == 0
    assert stored_files(settings) == []


def test_deleting_an_image_deletes_its_files(
    image_factory, settings, django_capture_on_commit_callbacks
):
    image = image_factory()
    assert stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert stored_files(settings) == []


# --- The library in the admin ---------------------------------------------------------


def test_an_editor_uploads_an_image_with_alt_text(editor_client, settings):
    response = editor_client.post(
        reverse("admin:images_image_add"),
        {
            "upload": upload("Balie Gesprek.JPG", picture_bytes(1400, 900, gps=True)),
            "alt_text": "Een medewerker aan de balie luistert naar een klant",
            "caption": "Aan de balie",
            "credit": "Anna de Vries",
        },
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by.username == "redacteur"
    assert image.file.name.startswith("images/originals/")
    assert "/balie-gesprek-" in image.file.name and image.file.name.endswith(".jpg")
    with image.file.open("rb") as handle:
        assert GPS_INFO not in PILImage.open(handle).getexif()
    change = editor_client.get(reverse("admin:images_image_change", args=[image.pk]))
    assertContains(change, f"[[beeld:{image.pk}]]")
    assertContains(change, "Begin niet met ‘foto van’")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.jpg", b"gewoon tekst " * 100, "geen afbeelding in JPEG, PNG of WebP"),
        ("logo.svg", SVG_WITH_SCRIPT, "SVG"),
        ("bom.png", png_bomb(), "megapixels"),
    ],
)
def test_the_admin_refuses_hostile_files_in_dutch(editor_client, settings, name, content, message):
    response = editor_client.post(
        reverse("admin:images_image_add"),
        {"upload": upload(name, content), "alt_text": "Iets"},
    )
    assert response.status_code == 200
    assertContains(response, message)
    assert Image.objects.count() == 0
    assert stored_files(settings) == []


def test_the_admin_requires_alt_text_and_keeps_nothing_without_it(editor_client, settings):
    response = editor_client.post(
        reverse("admin:images_image_add"),
        {"upload": upload("a.jpg", picture_bytes(400, 300)), "alt_text": ""},
    )
    assert response.status_code == 200
    assertContains(response, "Dit veld is verplicht.")
    assert stored_files(settings) == []


def test_a_failure_after_the_image_was_saved_leaves_no_files(editor_client, settings, monkeypatch):
    from django.contrib import admin

    def broken(*args, **kwargs):
        raise RuntimeError("het logboek faalde")

    monkeypatch.setattr(admin.ModelAdmin, "log_addition", broken)
    with pytest.raises(RuntimeError):
        editor_client.post(
            reverse("admin:images_image_add"),
            {"upload": upload("a.jpg", picture_bytes(400, 300)), "alt_text": "Iets"},
        )
    assert Image.objects.count() == 0
    assert stored_files(settings) == []


def test_replacing_the_file_replaces_the_renditions(
    editor_client, image_factory, settings, django_capture_on_commit_callbacks
):
    image = image_factory(width=1200, height=800)
    old_files = set(stored_files(settings))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:images_image_change", args=[image.pk]),
            {
                "upload": upload("nieuw.png", picture_bytes(600, 600, "PNG")),
                "alt_text": image.alt_text,
            },
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.format, image.width, image.height) == ("PNG", 600, 600)
    assert not old_files & set(stored_files(settings))
    assert {r.format for r in image.renditions.all()} == {"WEBP", "PNG"}


def test_the_picker_lists_images_for_editors_only(editor_client, client, image_factory):
    image = image_factory(alt_text="Een volle wachtkamer")
    image_factory(alt_text="Een lege balie")
    url = reverse("admin:images_image_picker")
    found = editor_client.get(url, {"q": "wachtkamer"}).json()["images"]
    assert [item["reference"] for item in found] == [f"[[beeld:{image.pk}]]"]
    assert found[0]["thumbnail"].startswith("/media/images/renditions/")
    assert client.get(url).status_code == 302  # to the login page


def test_media_are_served_by_django_only_when_asked(client, image_factory, settings):
    image = image_factory()
    settings.SERVE_MEDIA = False
    assert client.get(image.file.url).status_code == 404
    settings.SERVE_MEDIA = True
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    with image.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
