import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from . import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_home_lists_latest_columns_with_date_reading_time_and_themes(client, seed):
    response = client.get("/")

    assert response.status_code == 200
    assertContains(response, '<html lang="nl">')
    assertContains(response, "Ga jij naar de klant?")
    assertContains(response, "3 december 2019")
    assertContains(response, "min lezen")
    assertContains(response, 'href="/themas/klant-centraal/"')
    assertContains(response, 'href="/auteurs/dirk-boersma/"')


def test_home_shows_featured_themes_with_counts(client, seed):
    response = client.get("/")
    featured = {theme.slug: theme.column_count for theme in response.context["featured_themes"]}
    assert {"klant-centraal", "evenwaardigheid", "medewerkers-eerst"} <= set(featured)
    assert all(count >= 1 for count in featured.values())


def test_column_list_is_newest_first(client, seed):
    response = client.get("/columns/")
    titles = [column.slug for column in response.context["page"].object_list]
    assert titles[0] == "ga-jij-naar-de-klant"
    assert titles[-1] == "ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid"


def test_column_list_paginates(client, column_factory, settings):
    settings.COLUMNS_PER_PAGE = 3
    for _ in range(7):
        column_factory()

    first = client.get("/columns/")
    third = client.get("/columns/?pagina=3")

    assertContains(first, "Pagina 1 van 3")
    assertContains(first, 'href="?pagina=2"')
    assert len(third.context["page"].object_list) == 1


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("abc", 1),
        ("0", 1),
        ("-1", 1),
        ("999", 3),
        ("9" * 5000, 1),
        ("1.5", 1),
        ("\x00", 1),
        ("", 1),
        ("2", 2),
    ],
)
def test_bad_page_numbers_give_the_nearest_valid_page(
    client, column_factory, settings, value, number
):
    settings.COLUMNS_PER_PAGE = 2
    for _ in range(5):
        column_factory()

    response = client.get("/columns/", {"pagina": value})

    assert response.status_code == 200
    assert response.context["page"].number == number


def test_column_detail_shows_everything_a_reader_needs(client, seed):
    response = client.get("/columns/klanten-komen-altijd-van-rechts-of-niet/")

    assertTemplateUsed(response, "articles/column_detail.html")
    assertContains(
        response,
        '<h1 class="column__title">Klanten komen altijd van rechts?! Of niet?!</h1>',
        html=True,
    )
    assertContains(response, 'rel="author"')
    assertContains(response, "Bart Groothuis")
    assertContains(response, "min lezen")
    assertContains(response, "Over de auteur")
    assertContains(response, "<time datetime=")


def test_related_columns_share_themes_and_never_include_the_column_itself(
    client, theme, column_factory
):
    other_theme = factories.ThemeFactory()
    column = column_factory(themes=[theme, other_theme], title="Hoofdstuk")
    both = column_factory(themes=[theme, other_theme], title="Deelt twee")
    one = column_factory(themes=[theme], title="Deelt een")
    column_factory(themes=[factories.ThemeFactory()], title="Deelt niets")

    related = list(client.get(column.get_absolute_url()).context["related"])

    assert related == [both, one]


def test_theme_chips_are_in_alphabetical_order_on_every_page(client, column_factory):
    """Not in the order the themes were added, nor in whatever order the database
    happens to return them: the same on SQLite and PostgreSQL."""
    zorg, klant, team = (
        factories.ThemeFactory(name=name, slug=name) for name in ("zorg", "klant", "team")
    )
    column = column_factory(title="Drie thema's")
    for theme in (zorg, team, klant):
        column.themes.add(theme)
    pages = [
        "/",
        "/columns/",
        column.get_absolute_url(),
        f"/themas/{zorg.slug}/",
        column.author.get_absolute_url(),
        f"/archief/{column.published_at.year}/",
    ]

    for url in pages:
        html = client.get(url).content.decode()
        chips = re.findall(r'class="chip" href="[^"]+">([^<]+)<', html)
        assert chips and chips == ["klant", "team", "zorg"] * (len(chips) // 3), url


def test_author_page_shows_bio_and_columns(client, seed):
    response = client.get("/auteurs/john-hermarij/")
    assertContains(response, "John Hermarij")
    assertContains(response, "Ga jij naar de klant?")
    assertNotContains(response, "Klant: vriend of vijand")


def test_author_and_theme_lists(client, seed):
    assertContains(client.get("/auteurs/"), "Aileen Nederlof")
    response = client.get("/themas/")
    assertContains(response, "klant centraal")
    assertContains(response, "evenwaardigheid")
    assertContains(response, "medewerkers eerst")


def test_theme_page_shows_description_and_columns(client, seed):
    response = client.get("/themas/evenwaardigheid/")
    assertContains(response, "Ook in relaties met klanten draait het om evenwaardigheid")
    assert response.context["theme"].description_html
    assertContains(response, response.context["theme"].description_html)


def test_archive_by_year(client, seed):
    index = client.get("/archief/")
    assertContains(index, 'href="/archief/2019/"')
    response = client.get("/archief/2019/")
    assertContains(response, "Ga jij naar de klant?")
    assertNotContains(response, "Klant: vriend of vijand")
    assert client.get("/archief/1999/").status_code == 404


@pytest.mark.parametrize("year", ["0", "1", "0999", "10000", "9" * 20])
def test_archive_of_an_impossible_year_is_a_404_without_a_traceback(
    client, column_factory, caplog, year
):
    column_factory()

    response = client.get(f"/archief/{year}/")

    assert response.status_code == 404
    assertContains(response, "Deze pagina bestaat niet", status_code=404)
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_archive_year_uses_amsterdam_time(client, column_factory):
    new_year = datetime(2020, 1, 1, 0, 30, tzinfo=AMSTERDAM)  # still 2019 in UTC
    column_factory(published_at=new_year, title="Nieuwjaarscolumn")
    assertContains(client.get("/archief/2020/"), "Nieuwjaarscolumn")


@pytest.mark.parametrize(
    "url", ["/columns/bestaat-niet/", "/auteurs/niemand/", "/themas/niets/", "/nergens/"]
)
def test_unknown_pages_get_a_dutch_404(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assertContains(response, "Deze pagina bestaat niet", status_code=404)


def test_500_page_is_dutch(client, db, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Er ging iets mis" in html
    assert 'lang="nl"' in html


def test_every_page_has_a_unique_title(client, seed):
    urls = [
        "/",
        "/columns/",
        "/auteurs/",
        "/themas/",
        "/archief/",
        "/archief/2019/",
        "/columns/ga-jij-naar-de-klant/",
        "/auteurs/john-hermarij/",
        "/themas/klant-centraal/",
    ]
    titles = []
    for url in urls:
        content = client.get(url).content.decode()
        titles.append(content.split("<title>")[1].split("</title>")[0])
    assert len(set(titles)) == len(titles)
