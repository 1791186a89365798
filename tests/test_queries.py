"""Every page runs the same number of queries whether it lists 5 or 50 columns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from . import factories

PAGES = [
    "/",
    "/columns/",
    "/columns/?pagina=2",
    "/auteurs/",
    "/auteurs/{author}/",
    "/themas/",
    "/themas/{theme}/",
    "/archief/",
    "/archief/{year}/",
    "/columns/{column}/",
]


def make_columns(count, author, themes):
    columns = [factories.ColumnFactory(author=author, themes=themes) for _ in range(count)]
    for index in range(count):
        factories.AuthorFactory()
        if index % 5 == 0:
            factories.ThemeFactory(featured=True)
    return columns


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_number_of_columns(
    client, db, settings, page, django_assert_max_num_queries
):
    settings.COLUMNS_PER_PAGE = 50
    author = factories.AuthorFactory()
    themes = [factories.ThemeFactory(featured=True), factories.ThemeFactory(featured=True)]

    few = make_columns(6, author, themes)
    url = page.format(
        author=author.slug, theme=themes[0].slug, column=few[0].slug, year=few[0].published_at.year
    )
    settings.COLUMNS_PER_PAGE = 5
    with_few = count_queries(client, url)

    make_columns(94, author, themes)
    settings.COLUMNS_PER_PAGE = 50
    with_many = count_queries(client, url)

    assert with_few == with_many
    with django_assert_max_num_queries(6):
        client.get(url)
