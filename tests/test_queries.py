"""Every page runs the same number of queries whether it lists a few columns or many.

The columns, authors and themes are built once for the module, in bulk: first a few,
when each page's queries are counted, then many more, when they are counted again.
Each page is then its own test of the two counts.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision

from articles.markdown import count_words, render_markdown
from articles.models import Author, Column, Theme, ThemedColumn
from articles.signals import columns_loaded
from tests.redactie import redactie_group

# The database is set up for the tests that are marked as using it.
pytestmark = pytest.mark.django_db

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
# What staff see differs: every theme, hidden ones marked.
STAFF_PAGES = ["/", "/themas/", "/themas/{hidden_theme}/"]
# The most a page may run; staff pages include their session and user, the home and
# theme pages their "Meest gelezen".
MAX_QUERIES = 7
FEW, MANY = 6, 100
START = datetime(2020, 6, 15, 9, 0, tzinfo=UTC)
BODY = "## Tussenkop\n\nDe klant staat centraal. " * 20


class Content:
    """Authors, themes and columns written in bulk, as the pages read them."""

    def __init__(self):
        self.author = self.authors(1)[0]
        self.themes = self.new_themes(2)
        self.hidden_theme = self.new_themes(1, featured=False)[0]
        self.columns = []

    def authors(self, count):
        start = Author.objects.count()
        return Author.objects.bulk_create(
            Author(
                name=f"Auteur {number}",
                slug=f"auteur-{number}",
                role="adviseur",
                bio="Schrijft over klanten.",
                bio_html=render_markdown("Schrijft over klanten."),
            )
            for number in range(start, start + count)
        )

    def new_themes(self, count, featured=True):
        start = Theme.objects.count()
        return Theme.objects.bulk_create(
            Theme(
                name=f"thema {number}",
                slug=f"thema-{number}",
                description="Een thema.",
                description_html=render_markdown("Een thema."),
                featured=featured,
            )
            for number in range(start, start + count)
        )

    def add_columns(self, count):
        """`count` published columns by self.author with both themes, one more
        author each, a featured theme every fifth; and a draft with the hidden theme."""
        start = len(self.columns)
        columns = Column.objects.bulk_create(
            Column(
                title=f"Column nummer {number}",
                slug=f"column-{number}",
                lead="Een korte inleiding over de klant.",
                body=BODY,
                body_html=render_markdown(BODY),
                word_count=count_words(BODY),
                author=self.author,
                status=Column.Status.PUBLISHED,
                published_at=START - timedelta(hours=number),
            )
            for number in range(start, start + count)
        )
        draft = Column.objects.create(
            title=f"Concept {start}",
            slug=f"concept-{start}",
            lead="Nog niet.",
            body="Tekst.",
            author=self.author,
        )
        ThemedColumn.objects.bulk_create(
            [ThemedColumn(content_object=c, tag=t) for c in columns for t in self.themes]
            + [ThemedColumn(content_object=draft, tag=self.hidden_theme)]
        )
        self.authors(count)
        self.new_themes(len(range(start, start + count, 5)))
        self.columns += columns
        columns_loaded.send(sender=Content)  # one search-index rebuild

    def urls(self, pages):
        return {
            page: page.format(
                author=self.author.slug,
                theme=self.themes[0].slug,
                hidden_theme=self.hidden_theme.slug,
                column=self.columns[0].slug,
                year=self.columns[0].published_at.year,
            )
            for page in pages
        }


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def count_every_page(reader, editor, content, per_page):
    with override_settings(COLUMNS_PER_PAGE=per_page):
        listed = reader.get("/columns/").context["page"].object_list
        assert len(listed) == per_page, "the lists are not as long as meant"
        counts = {page: count_queries(reader, url) for page, url in content.urls(PAGES).items()}
        for page, url in content.urls(STAFF_PAGES).items():
            counts[f"staff {page}"] = count_queries(editor, url)
    return counts


# The settings tests/conftest.py gives each test, for the pages the fixture counts.
AS_IN_TESTS = override_settings(
    PAGE_CACHE_SECONDS=0,
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    WHITENOISE_AUTOREFRESH=True,
    WHITENOISE_USE_FINDERS=True,
)


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker):
    """{page: (queries with a few columns, queries with many)}: five of six columns
    on a page, then fifty of a hundred. The rows are committed, so they are removed
    again when the module is done."""
    try:
        with django_db_blocker.unblock(), AS_IN_TESTS:
            user = get_user_model().objects.create_user(username="teller", is_staff=True)
            user.groups.add(redactie_group())
            reader, editor = Client(), Client()
            editor.force_login(user)
            content = Content()
            content.add_columns(FEW)
            reader.get("/")  # the connection is set up before any counting
            few = count_every_page(reader, editor, content, per_page=5)
            content.add_columns(MANY - FEW)
            many = count_every_page(reader, editor, content, per_page=50)
        yield {page: (few[page], many[page]) for page in few}
    finally:
        with django_db_blocker.unblock():
            Column.objects.all().delete()
            Author.objects.all().delete()
            Theme.objects.all().delete()
            Session.objects.all().delete()
            get_user_model().objects.filter(username="teller").delete()
            Revision.objects.all().delete()
            columns_loaded.send(sender=Content)


@pytest.mark.parametrize("page", PAGES + [f"staff {page}" for page in STAFF_PAGES])
def test_query_count_does_not_grow_with_the_number_of_columns(query_counts, page):
    with_few, with_many = query_counts[page]
    assert with_few == with_many
    assert with_many <= MAX_QUERIES
