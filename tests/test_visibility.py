from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Column


def test_published_shows_only_published_columns_whose_time_has_come(column_factory):
    public = column_factory()
    column_factory(draft=True)
    column_factory(scheduled=True)

    assert list(Column.objects.published()) == [public]


def test_draft_and_scheduled_columns_are_404_for_the_public(client, column_factory):
    draft = column_factory(draft=True)
    scheduled = column_factory(scheduled=True)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_scheduled_column_appears_when_its_time_has_passed(client, column_factory, monkeypatch):
    scheduled = column_factory(scheduled=True, title="Later verschenen")
    assert client.get("/").content.count(b"Later verschenen") == 0

    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr("articles.models.timezone.now", lambda: later)

    assertContains(client.get("/"), "Later verschenen")
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_hidden_columns_stay_out_of_every_listing(client, column_factory, theme, author):
    column_factory(draft=True, title="Geheim concept", themes=[theme], author=author)
    column_factory(scheduled=True, title="Gepland stuk", themes=[theme], author=author)
    year = timezone.now().year

    for url in [
        "/",
        "/columns/",
        f"/themas/{theme.slug}/",
        f"/auteurs/{author.slug}/",
        "/themas/",
        "/auteurs/",
        "/archief/",
    ]:
        response = client.get(url)
        assertNotContains(response, "Geheim concept")
        assertNotContains(response, "Gepland stuk")
    assert client.get(f"/archief/{year}/").status_code == 404


def test_counts_include_only_published_columns(client, column_factory, theme, author):
    theme.featured = True
    theme.save()
    column_factory(themes=[theme], author=author)
    column_factory(draft=True, themes=[theme], author=author)

    response = client.get("/themas/")
    assert response.context["themes"].get(pk=theme.pk).column_count == 1
    response = client.get("/auteurs/")
    assert response.context["authors"].get(pk=author.pk).column_count == 1


def test_staff_preview_drafts_with_a_concept_banner(client, admin_user, column_factory):
    draft = column_factory(draft=True, title="Nog niet af")
    client.force_login(admin_user)

    response = client.get(draft.get_absolute_url())

    assertContains(response, "Nog niet af")
    assertContains(response, "<strong>Concept</strong>", html=True)


def test_staff_preview_scheduled_columns_with_a_gepland_banner(client, admin_user, column_factory):
    scheduled = column_factory(scheduled=True)
    client.force_login(admin_user)

    response = client.get(scheduled.get_absolute_url())

    assertContains(response, "<strong>Gepland</strong>", html=True)


def test_published_column_has_no_banner_for_staff(client, admin_user, column):
    client.force_login(admin_user)
    response = client.get(column.get_absolute_url())
    assertNotContains(response, "Concept</strong>")


def test_publishing_without_a_time_publishes_now(author):
    column = Column(
        title="Nu",
        slug="nu",
        lead="Nu.",
        body="Tekst",
        author=author,
        status=Column.Status.PUBLISHED,
    )
    column.save()
    assert column.published_at is not None
    assert column.published_at <= timezone.now()
    assert column.is_public


def test_database_refuses_a_published_column_without_a_time(column):
    with pytest.raises(IntegrityError):
        Column.objects.filter(pk=column.pk).update(published_at=None)


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (50, 1), (200, 1), (500, 2), (1000, 5), (1150, 6)]
)
def test_reading_time_is_about_200_words_a_minute(column, words, minutes):
    column.body = "woord " * words
    column.save()
    assert column.reading_time == minutes


def test_body_is_rendered_and_sanitised_on_save(column):
    column.body = (
        "## Kop\n\nTekst met [link](javascript:alert(1)) en <script>alert(1)</script>.\n\n"
        "> Een citaat"
    )
    column.save()
    assert '<h2 id="kop">Kop</h2>' in column.body_html
    assert "<blockquote>" in column.body_html
    assert "<script" not in column.body_html
    assert "javascript:" not in column.body_html
