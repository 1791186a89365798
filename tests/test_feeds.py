import functools

import feedparser
import pytest
from django.urls import resolve

from . import factories


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_latest_feed_has_full_content_author_and_themes(client, seed):
    feed = parse(client.get("/feed/"))

    assert feed.version == "atom10"
    assert feed.feed.title == "Kennisbank: nieuwste columns"
    assert len(feed.entries) == 5
    first = feed.entries[0]
    assert first.title == "Ga jij naar de klant?"
    assert first.link == "http://testserver/columns/ga-jij-naar-de-klant/"
    assert first.author == "John Hermarij"
    assert {"klant centraal", "evenwaardigheid"} <= {tag.term for tag in first.tags}
    assert first.summary.startswith("Op de KWD Projectmanagement Vakdag")
    # The whole column, not just the lead.
    assert len(first.content[0].value) > 2000
    assert "<p>" in first.content[0].value


def test_feeds_leave_out_drafts_and_scheduled_columns(client, column_factory):
    column_factory(title="Zichtbaar")
    column_factory(title="Nog een concept", draft=True)
    column_factory(title="Pas volgende week", scheduled=True)

    feed = parse(client.get("/feed/"))

    assert [entry.title for entry in feed.entries] == ["Zichtbaar"]


def test_theme_feed_has_only_that_theme(client, seed):
    feed = parse(client.get("/themas/medewerkers-eerst/feed/"))

    assert feed.feed.title == "Kennisbank: columns over medewerkers eerst"
    assert feed.entries
    for entry in feed.entries:
        assert "medewerkers eerst" in {tag.term for tag in entry.tags}


def test_author_feed_has_only_that_author(client, seed):
    feed = parse(client.get("/auteurs/dirk-boersma/feed/"))

    assert feed.entries
    assert {entry.author for entry in feed.entries} == {"Dirk Boersma"}


@pytest.mark.parametrize("url", ["/themas/bestaat-niet/feed/", "/auteurs/bestaat-niet/feed/"])
def test_feed_of_unknown_theme_or_author_is_404(client, db, url):
    assert client.get(url).status_code == 404


def test_feed_query_count_does_not_grow_with_columns(
    client, column_factory, theme, django_assert_max_num_queries
):
    for _ in range(15):
        column_factory(themes=[theme, factories.ThemeFactory()])
    with django_assert_max_num_queries(4):
        parse(client.get("/feed/"))


@pytest.mark.parametrize(
    ("page", "feed_url"),
    [
        ("/", "/feed/"),
        ("/themas/klant-centraal/", "/themas/klant-centraal/feed/"),
        ("/auteurs/dirk-boersma/", "/auteurs/dirk-boersma/feed/"),
    ],
)
def test_pages_announce_their_feeds(client, seed, page, feed_url):
    response = client.get(page)
    assert 'type="application/atom+xml"' in response.content.decode()
    assert f'href="{feed_url}"' in response.content.decode()


def test_a_feed_keeps_its_own_reader_when_another_request_comes_in_meanwhile(
    rf, column, settings, monkeypatch
):
    """The feed objects in the URLconf serve every thread at once. Here a second
    request (for another host) runs while the first feed is being built, as another
    thread could: each feed must still link to its own host."""
    settings.ALLOWED_HOSTS = ["eerste.example", "tweede.example"]
    feed = resolve("/feed/").func
    items = feed.items
    other = {}
    arrived = []

    @functools.wraps(items)
    def items_while_another_reader_arrives():
        if not arrived:
            arrived.append(True)
            other["response"] = feed(rf.get("/feed/", HTTP_HOST="tweede.example"))
        return items()

    monkeypatch.setattr(feed, "items", items_while_another_reader_arrives)

    first = feedparser.parse(feed(rf.get("/feed/", HTTP_HOST="eerste.example")).content)
    second = feedparser.parse(other["response"].content)

    assert first.entries[0].author_detail.href.startswith("http://eerste.example/auteurs/")
    assert second.entries[0].author_detail.href.startswith("http://tweede.example/auteurs/")
