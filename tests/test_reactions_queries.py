"""Reactions never add queries per item: the column page and listings stay flat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reactions.models import Reaction

from . import factories


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response


def test_column_page_runs_as_many_queries_with_0_as_with_100_reactions(
    client, column, django_assert_max_num_queries
):
    url = column.get_absolute_url()
    with_none, _ = queries_for(client, url)

    parents = factories.ReactionFactory.create_batch(50, column=column)
    for parent in parents:
        factories.ReactionFactory(column=column, parent=parent)
    factories.ReactionFactory.create_batch(5, column=column, status=Reaction.Status.PENDING)

    with_many, response = queries_for(client, url)
    assert with_none == with_many
    assert response.context["column"].approved_reaction_count == 100
    with django_assert_max_num_queries(7):
        client.get(url)


@pytest.mark.parametrize("url", ["/", "/columns/", "/auteurs/{author}/", "/themas/{theme}/"])
def test_listings_count_reactions_in_the_same_query(client, column, url):
    url = url.format(author=column.author.slug, theme=column.themes.first().slug)
    others = factories.ColumnFactory.create_batch(4, author=column.author)
    before, _ = queries_for(client, url)
    for target in [column, *others]:
        factories.ReactionFactory.create_batch(3, column=target)
    after, response = queries_for(client, url)
    assert before == after
    assert b"3 reacties" in response.content


def test_count_ignores_reactions_that_are_not_approved_and_other_counts_stay_right(
    client, column, theme
):
    factories.ReactionFactory.create_batch(2, column=column)
    factories.ReactionFactory(column=column, status=Reaction.Status.REMOVED)
    related = factories.ColumnFactory(themes=[theme])
    factories.ReactionFactory.create_batch(4, column=related)

    response = client.get(column.get_absolute_url())
    shown = response.context["related"][0]
    assert shown.approved_reaction_count == 4
    assert shown.shared_themes == 1
    assert response.context["column"].approved_reaction_count == 2
