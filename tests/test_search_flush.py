"""Tests that flush the database (live servers, TransactionTestCase) leave a clean index."""

import pytest

import search

from . import factories
from .test_search_index import index_rows


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_flush_columns_with_an_index(column_factory):
    factories.ColumnFactory(title="Bij het doorspoelen", slug="doorspoelen")
    assert [hit.column.slug for hit in search.search("doorspoelen").hits] == ["doorspoelen"]


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_no_stale_rows_are_left():
    column = factories.ColumnFactory(title="Iets nieuws", slug="nieuw")
    assert search.search("doorspoelen").total == 0
    assert index_rows() == [column.pk]
