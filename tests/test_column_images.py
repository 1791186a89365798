"""Images in columns: a header image, inline images by reference to the library,
what link previews and structured data show, and keeping them current."""

import json
import re

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from pytest_django.asserts import assertContains

from articles.models import Column


def json_ld(html, kind):
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data["@type"] == kind:
            return data
    raise AssertionError(kind)


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return match and match.group(1)


def test_an_image_reference_on_its_own_line_shows_the_figure(column_factory, image_factory):
    image = image_factory(alt_text="Een volle wachtkamer", caption="Maandagochtend")
    column = column_factory(body=f"Eerst tekst.\n\n[[beeld:{image.pk}]]\n\nDan meer tekst.")
    assert '<figure class="figure"><picture>' in column.body_html
    assert 'alt="Een volle wachtkamer"' in column.body_html
    assert "<figcaption>Maandagochtend</figcaption>" in column.body_html
    assert f"[[beeld:{image.pk}]]" not in column.body_html
    assert list(column.inline_images.all()) == [image]
    assert column.word_count == 5


def test_a_reference_sent_by_a_browser_with_crlf_line_ends_works(column_factory, image_factory):
    image = image_factory()
    column = column_factory(body=f"Eerst.\r\n\r\n[[beeld:{image.pk}]]\r\n\r\nDan.")
    assert "<figure" in column.body_html
    assert list(column.inline_images.all()) == [image]


def test_a_reference_inside_a_sentence_stays_text(column_factory, image_factory):
    image = image_factory()
    column = column_factory(body=f"Zie [[beeld:{image.pk}]] hierboven.")
    assert "<figure" not in column.body_html


def test_the_admin_refuses_a_reference_to_an_image_that_does_not_exist(editor_client, column):
    response = editor_client.post(
        reverse("admin:articles_column_change", args=[column.pk]),
        {
            "title": column.title,
            "slug": column.slug,
            "author": column.author.pk,
            "lead": column.lead,
            "body": "Tekst.\n\n[[beeld:999]]",
            "themes": "klant centraal",
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assertContains(response, "Beeld 999 bestaat niet in de beeldbank.")


def test_an_image_a_column_shows_cannot_be_deleted(column_factory, image_factory):
    inline, header = image_factory(), image_factory()
    column_factory(body=f"[[beeld:{inline.pk}]]", header_image=header)
    for image in (inline, header):
        with pytest.raises(ProtectedError):
            image.delete()


def test_changing_the_alt_text_renders_the_columns_again(column_factory, image_factory):
    image = image_factory(alt_text="Een oude beschrijving")
    column = column_factory(body=f"[[beeld:{image.pk}]]")
    updated_at = column.updated_at
    image.alt_text = "Een betere beschrijving"
    image.save()
    column.refresh_from_db()
    assert 'alt="Een betere beschrijving"' in column.body_html
    assert column.updated_at == updated_at  # the text the editors wrote did not change


def test_the_header_image_leads_the_page_and_the_link_previews(
    client, column_factory, image_factory
):
    image = image_factory(
        alt_text="Een medewerker aan de balie", width=2000, height=1000, credit="Anna de Vries"
    )
    column = column_factory(header_image=image)
    response = client.get(column.get_absolute_url())
    html = response.content.decode()
    figure = re.search(r'<figure class="figure column__figure">.*?</figure>', html, re.S).group(0)
    assert 'fetchpriority="high"' in figure and 'loading="lazy"' not in figure
    assert 'width="1600" height="800"' in figure
    assert "Beeld: Anna de Vries" in figure
    og_image = meta(html, "property", "og:image")
    assert re.fullmatch(
        r"http://testserver/media/images/renditions/\d+/balie-\w+-1200\.jpg", og_image
    )
    assert meta(html, "property", "og:image:alt") == "Een medewerker aan de balie"
    assert meta(html, "property", "og:image:width") == "1200"
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    article = json_ld(html, "Article")
    assert article["image"]["url"] == og_image
    assert (article["image"]["width"], article["image"]["height"]) == (1200, 600)


def test_without_a_header_image_the_site_logo_is_shared(client, column):
    html = client.get(column.get_absolute_url()).content.decode()
    assert meta(html, "property", "og:image").endswith("/static/icons/icon-512.png")
    assert meta(html, "name", "twitter:card") == "summary"


def test_feeds_give_images_whole_addresses(client, column_factory, image_factory):
    image = image_factory()
    column_factory(body=f"[[beeld:{image.pk}]]")
    content = client.get("/feed/").content.decode()
    assert 'src="http://testserver/media/images/renditions/' in content.replace("&quot;", '"')
    assert 'src="/media/' not in content.replace("&quot;", '"')


def test_the_page_cache_forgets_pages_when_an_image_changes(
    client, column_factory, image_factory, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    image = image_factory(alt_text="Eerst dit")
    column = column_factory(header_image=image)
    assertContains(client.get(column.get_absolute_url()), 'alt="Eerst dit"')
    with django_capture_on_commit_callbacks(execute=True):
        image.alt_text = "Nu dat"
        image.save()
    assertContains(client.get(column.get_absolute_url()), 'alt="Nu dat"')


def test_existing_columns_keep_their_text_when_loaded_raw(seed):
    assert Column.objects.filter(body_html__contains='<h2 id="').exists()
