"""Public pages come from the shared cache; per-request values never do."""

import re
import sqlite3
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Column
from ops import holes, pagecache

from . import factories, ops_urls

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
PER_REQUEST = re.compile(rb'name="(?:csrfmiddlewaretoken|token)" value="[^"]+"')


@pytest.fixture(autouse=True)
def page_cache_on(settings, db):
    settings.PAGE_CACHE_SECONDS = 600
    settings.ROOT_URLCONF = "tests.ops_urls"
    settings.PAGE_CACHE_NAMESPACES = ["articles", "proef"]
    # An empty page cache: pages stored by an earlier test that committed (the cache
    # table is no model, so the flush after a transactional test leaves it) stay out.
    cache.clear()
    pagecache._recent.entries.clear()


def test_second_anonymous_request_is_served_from_the_cache(
    client, column, django_assert_max_num_queries
):
    first = client.get(column.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(1):
        second = client.get(column.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    # The same page, but for the per-request form tokens (CSRF and reaction form).
    assert PER_REQUEST.sub(b"", second.content) == PER_REQUEST.sub(b"", first.content)
    assert client.head(column.get_absolute_url()).status_code == 200


def test_a_hit_answers_with_the_headers_of_the_page(client, column):
    url = column.get_absolute_url()
    miss = client.get(url)
    hit = client.get(url)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for header in ("Content-Type", "Content-Language", "X-Frame-Options", "X-Content-Type-Options"):
        assert hit[header] == miss[header]
    assert hit["Content-Security-Policy"] == miss["Content-Security-Policy"]

    def vary(response):
        return {value.strip() for value in response["Vary"].split(",")}

    assert vary(hit) == vary(miss) == {"Accept-Language", "Cookie"}


def test_every_reader_gets_a_csrf_token_of_their_own_that_works():
    secrets, tokens = [], []
    for _ in range(3):
        reader = Client(enforce_csrf_checks=True)
        page = reader.get("/proef/formulier/")
        assert page.status_code == 200
        token = TOKEN.search(page.content.decode()).group(1)
        secrets.append(page.cookies["csrftoken"].value)
        tokens.append(token)
        answer = reader.post("/proef/formulier/", {"naam": "Els", "csrfmiddlewaretoken": token})
        assertContains(answer, "Ontvangen: Els")
    assert page["X-Page-Cache"] == "hit"
    assert len(set(secrets)) == 3 and len(set(tokens)) == 3


def test_a_reader_with_a_csrf_cookie_keeps_it_on_a_cached_page():
    reader = Client(enforce_csrf_checks=True)
    reader.get("/proef/formulier/")
    secret = reader.cookies["csrftoken"].value
    Client().get("/proef/formulier/")  # someone else fills the cache
    page = reader.get("/proef/formulier/")
    assert page["X-Page-Cache"] == "hit"
    token = TOKEN.search(page.content.decode()).group(1)
    answer = reader.post("/proef/formulier/", {"naam": "Els", "csrfmiddlewaretoken": token})
    assertContains(answer, "Ontvangen: Els")
    assert reader.cookies["csrftoken"].value == secret


def test_per_request_values_are_filled_in_on_every_request_and_escaped(client):
    responses = [client.get("/proef/formulier/") for _ in range(2)]
    assert [r["X-Page-Cache"] for r in responses] == ["miss", "hit"]
    pages = [r.content.decode() for r in responses]
    found = [re.search(r"Uitgegeven om (verzoek \d+) &lt;b&gt;</p>", page) for page in pages]
    assert found[0].group(1) != found[1].group(1)
    assert "<b>" not in pages[1] and "kbhole" not in pages[1]


def test_a_hit_fills_in_the_page_as_it_was_cut_up_once(client, monkeypatch):
    client.get("/proef/formulier/")
    pagecache._recent.entries.clear()  # as if another worker had stored the page
    client.get("/proef/formulier/")

    def split_again(content):
        raise AssertionError("a hit cut the page up again")

    monkeypatch.setattr(holes, "split", split_again)
    response = client.get("/proef/formulier/")
    assert response["X-Page-Cache"] == "hit"
    page = response.content.decode()
    assert "Uitgegeven om verzoek" in page and "csrfmiddlewaretoken" in page
    assert "kbhole" not in page


@pytest.mark.parametrize("page", ["/proef/lek/", "/proef/lek/ander-verzoek/"])
def test_a_page_that_shows_a_csrf_token_outside_a_per_request_value_is_not_cached(
    client, page, caplog
):
    """{{ csrf_token }} in a template, or a token issued for another request (a cached
    fragment, say): another reader would get a token that is not theirs."""
    assert client.get("/proef/formulier/")["X-Page-Cache"] == "miss"  # this one is
    client.get(page)
    assert "X-Page-Cache" not in client.get(page)
    assert f"Not caching {page}: it shows a CSRF token" in caplog.text


def test_a_page_with_a_hex_digest_is_cached(client):
    """A SHA-256 digest is 64 characters too, but not a CSRF token's."""
    client.get("/proef/digest/")
    response = client.get("/proef/digest/")
    assert response["X-Page-Cache"] == "hit"
    assertContains(response, ops_urls.DIGEST)


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "onthoud_mij", "iets"])
def test_requests_with_personal_cookies_go_to_the_view(client, column, cookie):
    client.get(column.get_absolute_url())
    client.cookies[cookie] = "x"
    assert "X-Page-Cache" not in client.get(column.get_absolute_url())


def test_logged_in_editor_is_never_served_a_cached_page(client, editor_client, column):
    client.get(column.get_absolute_url())
    assert "X-Page-Cache" not in editor_client.get(column.get_absolute_url())


def test_only_successful_public_pages_are_stored(client, column):
    client.get("/columns/bestaat-niet/")
    assert "X-Page-Cache" not in client.get("/columns/bestaat-niet/")
    client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/healthz")


def test_editor_never_sees_a_stale_page_after_saving(
    client, editor_client, seed, django_capture_on_commit_callbacks
):
    column = Column.objects.published().first()
    theme = column.themes.first()
    urls = ["/", column.get_absolute_url(), theme.get_absolute_url(), "/columns/"]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"

    change = editor_client.get(f"/admin/articles/column/{column.pk}/change/")
    form = change.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        title="Een frisse titel",
        themes=", ".join(t.name for t in column.themes.all()),
        published_at_0=timezone.localtime(column.published_at).strftime("%d-%m-%Y"),
        published_at_1=timezone.localtime(column.published_at).strftime("%H:%M:%S"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        saved = editor_client.post(f"/admin/articles/column/{column.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]

    for url in urls:
        assertContains(client.get(url), "Een frisse titel")


@pytest.mark.parametrize("change", ["author", "theme", "themes_of_column", "delete"])
def test_changes_to_what_pages_show_make_cached_pages_stale(
    client, column, change, django_capture_on_commit_callbacks
):
    url = column.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        if change == "author":
            column.author.name = "Hernoemde Auteur"
            column.author.save()
        elif change == "theme":
            theme = column.themes.get()
            theme.name = "hernoemd thema"
            theme.save()
        elif change == "themes_of_column":
            column.themes.add(factories.ThemeFactory(name="nieuw thema"))
        else:
            column.delete()
    if change == "delete":
        assert client.get(url).status_code == 404
        return
    expected = {"author": "Hernoemde Auteur", "theme": "hernoemd thema"}
    assertContains(client.get(url), expected.get(change, "nieuw thema"))


def test_no_invalidation_before_the_transaction_commits(
    client, column, django_capture_on_commit_callbacks
):
    url = column.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        column.title = "Nog niet vastgelegd"
        column.save()
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert pagecache.bump_generation in callbacks


def test_cached_pages_expire_when_a_planned_column_appears(column_factory):
    assert pagecache._timeout() == 600
    column_factory(scheduled=True, published_at=timezone.now() + timedelta(seconds=90))
    assert 80 <= pagecache._timeout() <= 91


def test_a_new_column_shows_on_listings_at_once(client, column, django_capture_on_commit_callbacks):
    client.get("/")
    assertNotContains(client.get("/"), "Gloednieuw")
    with django_capture_on_commit_callbacks(execute=True):
        factories.ColumnFactory(title="Gloednieuw stuk")
    assertContains(client.get("/"), "Gloednieuw stuk")


def test_a_change_saved_through_another_app_server_is_seen_at_once(client, column):
    url = column.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    # Another server saved a change: it bumped the shared generation, nothing else.
    Column.objects.filter(pk=column.pk).update(title="Elders gewijzigd")
    pagecache.bump_generation()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "Elders gewijzigd")


def test_the_sqlite_watch_reads_again_only_after_a_change(tmp_path):
    """The SQLite counters the single-machine set-up relies on: another connection's
    commit and the connection's own writes both count as a change. (Several gunicorn
    workers on one file: integration/test_sqlite_workers.py.)"""
    path = tmp_path / "site.sqlite3"
    worker = sqlite3.connect(path, isolation_level=None)
    worker.execute("PRAGMA journal_mode=WAL")  # as the site runs SQLite
    other = sqlite3.connect(path, isolation_level=None)
    worker.execute("CREATE TABLE generation (value TEXT)")
    worker.execute("INSERT INTO generation VALUES ('een')")
    watch = pagecache.SQLiteWatch()
    reads = []

    def read(connection=worker):
        reads.append(1)
        return connection.execute("SELECT value FROM generation").fetchone()[0]

    assert [watch.value(worker, read) for _ in range(3)] == ["een"] * 3
    assert len(reads) == 1
    other.execute("UPDATE generation SET value = 'twee'")  # another worker
    assert [watch.value(worker, read) for _ in range(2)] == ["twee"] * 2
    assert len(reads) == 2
    worker.execute("UPDATE generation SET value = 'drie'")  # this worker itself
    assert watch.value(worker, read) == "drie"
    reconnected = sqlite3.connect(path, isolation_level=None)
    assert watch.value(reconnected, lambda: read(reconnected)) == "drie"
    assert len(reads) == 4
    for each in (worker, other, reconnected):
        each.close()


@pytest.mark.django_db(transaction=True)
def test_a_hit_reads_the_generation_only_after_another_worker_changed_something(
    column, django_assert_num_queries
):
    """Outside a transaction, as in a server: on SQLite an unchanged database needs no
    query at all; another worker's change is seen at once."""
    url = column.get_absolute_url()
    Client().get(url)
    Client().get(url)  # now in this process's recent pages
    generation_read = 0 if connection.vendor == "sqlite" else 1
    with django_assert_num_queries(generation_read):
        assert Client().get(url)["X-Page-Cache"] == "hit"

    def another_worker():
        pagecache.bump_generation()
        connection.close()

    thread = threading.Thread(target=another_worker)
    thread.start()
    thread.join()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"


@pytest.mark.django_db(transaction=True)
def test_a_generation_seen_in_a_transaction_that_is_rolled_back_is_not_remembered():
    pagecache.bump_generation()
    before = pagecache._generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        cache.set(pagecache.GENERATION_KEY, "teruggedraaid", timeout=None)
        assert pagecache._generation() == "teruggedraaid"
        raise RuntimeError("rolled back")
    assert pagecache._generation() == before


def test_a_change_saved_while_the_first_page_after_a_flush_renders_makes_it_stale(
    client, monkeypatch
):
    """With no generation in the cache (flushed, or culled), the page must carry one
    from before it was rendered, not one set while it rendered."""
    cache.delete(pagecache.GENERATION_KEY)
    page = ops_urls.FORM_PAGE

    class SavedMeanwhile:
        def render(self, **kwargs):
            pagecache.bump_generation()  # an editor saves while the page renders
            return page.render(**kwargs)

    monkeypatch.setattr(ops_urls, "FORM_PAGE", SavedMeanwhile())
    assert client.get("/proef/formulier/")["X-Page-Cache"] == "miss"
    monkeypatch.undo()
    assert client.get("/proef/formulier/")["X-Page-Cache"] == "miss"
    assert client.get("/proef/formulier/")["X-Page-Cache"] == "hit"


def test_a_database_cache_cull_takes_the_pages_before_the_generation():
    """DatabaseCache culls the keys that sort first; losing the generation would make
    every cached page stale at once."""
    page_keys = [pagecache._key(RequestFactory().get(path)) for path in ("/", "/zoeken/?q=z")]
    assert all(cache.make_key(pagecache.GENERATION_KEY) > cache.make_key(key) for key in page_keys)
