"""The column editor: a tall text field with a live preview rendered by the site's own
Markdown pipeline through a staff-only endpoint, a word count, Markdown help, and images
picked from the library. The plain field works without JavaScript."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from articles.markdown import render_markdown

PREVIEW = "admin:articles_column_preview"


def test_the_preview_is_the_sites_own_rendering(editor_client):
    body = (
        "## Aan de balie\n\nDe klant *staat* centraal.\n\n> Luister.\n\n<script>alert(1)</script>"
    )
    data = editor_client.post(reverse(PREVIEW), {"body": body}).json()
    assert data["html"] == render_markdown(body)
    assert '<h2 id="aan-de-balie">' in data["html"] and "<script" not in data["html"]
    assert (data["words"], data["minutes"]) == (9, 1)
    assert data["summary"] == "9 woorden · 1 min lezen"


def test_the_preview_shows_library_images_and_warns_about_missing_ones(
    editor_client, image_factory
):
    image = image_factory(alt_text="Een volle wachtkamer")
    body = f"Tekst.\n\n[[beeld:{image.pk}]]\n\n[[beeld:424242]]"
    html = editor_client.post(reverse(PREVIEW), {"body": body}).json()["html"]
    assert 'alt="Een volle wachtkamer"' in html and "srcset=" in html
    assert "Beeld 424242 bestaat niet in de beeldbank." in html


def test_the_preview_is_for_editors_only(client, editor, django_user_model):
    anonymous = client.post(reverse(PREVIEW), {"body": "x"})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    reader = django_user_model.objects.create_user("lezer", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_column"))
    staff = Client()
    staff.force_login(reader)
    response = staff.post(reverse(PREVIEW), {"body": "x"})
    assert response.status_code == 403
    assert response.json()["error"] == "Je mag geen columns schrijven."


def test_the_preview_needs_post_and_a_csrf_token(editor):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    assert browser.get(reverse(PREVIEW)).status_code == 405
    assert browser.post(reverse(PREVIEW), {"body": "x"}).status_code == 403
    page = browser.get(reverse("admin:articles_column_add"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = browser.post(reverse(PREVIEW), {"body": "Tekst."}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_a_huge_text_gets_a_dutch_400(editor_client):
    response = editor_client.post(reverse(PREVIEW), {"body": "woord " * 50_000})
    assert response.status_code == 400
    assert "te lang voor het voorbeeld" in response.json()["error"]


def test_the_change_form_has_the_editor_help_and_the_note(editor_client, column, image_factory):
    image_factory(alt_text="Een lege balie")
    response = editor_client.get(reverse("admin:articles_column_change", args=[column.pk]))
    html = response.content.decode()
    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", html)[0]
    assert 'rows="28"' in textarea
    assertContains(response, 'data-preview-url="/admin/articles/column/voorbeeld/"')
    assertContains(response, "Hulp bij Markdown")
    assertContains(response, "Notitie bij deze versie")
    assertContains(response, "data-newsroom-header-image")
    assertContains(response, "Een lege balie")  # the header image list
    assertContains(response, f"{column.word_count} woorden")
    assertContains(response, '<script src="/static/js/newsroom.js"></script>', html=False)
    # Strict CSP: no inline scripts or styles of ours.
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", html)
    assert 'style="' not in html.split('id="content-main"')[1]


def test_an_editor_saves_a_column_with_a_header_and_an_inline_image(
    editor_client, column, image_factory
):
    header, inline = image_factory(alt_text="Een balie"), image_factory(alt_text="Een klant")
    response = editor_client.post(
        reverse("admin:articles_column_change", args=[column.pk]),
        {
            "title": column.title,
            "slug": column.slug,
            "author": column.author.pk,
            "lead": column.lead,
            "header_image": header.pk,
            "body": f"Eerst.\n\n[[beeld:{inline.pk}]]\n\nDan.",
            "themes": "klant centraal",
            "status": "published",
            "published_at_0": "01-11-2026",
            "published_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    column.refresh_from_db()
    assert column.header_image == header
    assert list(column.inline_images.all()) == [inline]


@pytest.mark.parametrize("text", ["", "##", "een", "een twee\n\n[[beeld:3]]\n\n- drie"])
def test_the_count_in_the_form_matches_the_script(text):
    """static/js/newsroom.js counts as articles.markdown.count_words does."""
    from articles.markdown import count_words

    expected = {"": 0, "##": 0, "een": 1, "een twee\n\n[[beeld:3]]\n\n- drie": 3}
    assert count_words(text) == expected[text]
