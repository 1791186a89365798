import pytest
from django.core.management import call_command
from pytest_django.asserts import assertContains

from articles.markdown import render_markdown
from articles.models import Author, Column, Theme

SEED_COLUMNS = {
    "ga-jij-naar-de-klant": "john-hermarij",
    "klant-vriend-of-vijand": "aileen-nederlof",
    "klanten-komen-altijd-van-rechts-of-niet": "bart-groothuis",
    "behandel-je-collega-net-als-je-klant": "hen-snackers",
    "ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid": "dirk-boersma",
}
BOILERPLATE = [
    "Geef een reactie",
    "Gerelateerde artikelen",
    "030 – 600",
    "min lezen",
    "HOP_HR",
    "Blogdetails",
    "Wil je meer weten",
    "+31 492",
]


def test_seed_loads_five_published_columns(seed):
    assert Column.objects.published().count() == 5
    assert set(Column.objects.values_list("slug", flat=True)) == set(SEED_COLUMNS)
    assert set(Author.objects.values_list("slug", flat=True)) == set(SEED_COLUMNS.values())


def test_seed_loading_is_idempotent(seed):
    call_command("load_seed", verbosity=0)
    call_command("load_seed", "--if-empty", verbosity=0)
    assert Column.objects.count() == 5
    assert Author.objects.count() == 5


@pytest.mark.parametrize(("slug", "author_slug"), SEED_COLUMNS.items())
def test_every_seed_column_renders_with_author_and_themes(client, seed, slug, author_slug):
    column = Column.objects.get(slug=slug)
    themes = list(column.themes.all())

    response = client.get(f"/columns/{slug}/")

    assert response.status_code == 200
    assert column.author.slug == author_slug
    assert 2 <= len(themes) <= 5
    assertContains(response, column.title)
    assertContains(response, f'href="/auteurs/{author_slug}/"')
    assertContains(response, "Over de auteur")
    for theme in themes:
        assertContains(response, f'href="/themas/{theme.slug}/"')
    for text in BOILERPLATE:
        assert text not in column.body, f"boilerplate {text!r} left in {slug}"


def test_seed_keeps_subheadings_and_stored_html_matches_the_markdown(seed):
    column = Column.objects.get(slug="ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid")
    for heading in ["Vertrouwen", "Perceptie", "Protocollen", "Coachend leidinggeven"]:
        assert f'<h2 id="{heading.lower().replace(" ", "-")}">{heading}</h2>' in column.body_html
    for column in Column.objects.all():
        assert column.body_html == render_markdown(column.body)
        assert column.word_count > 100
        assert column.lead


def test_seed_has_the_required_themes_with_descriptions(seed):
    for slug in ["klant-centraal", "evenwaardigheid", "medewerkers-eerst"]:
        theme = Theme.objects.get(slug=slug)
        assert theme.description
        assert theme.description_html == render_markdown(theme.description)
        assert theme.name == theme.name.lower()


def test_seed_authors_have_bios(seed):
    for author in Author.objects.all():
        assert author.bio
        assert author.bio_html == render_markdown(author.bio)
