"""The search log: what readers search and open, without personal data."""

import io
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from search import log
from search.models import SearchLog

from . import factories
from .reactions import Browser, page_cache_on

URL = reverse("search:search")
OPENED = reverse("search:opened")
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0"}


def logged():
    log.flush()
    return list(SearchLog.objects.order_by("pk"))


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("klacht jan.de.vries@example.nl", "klacht [e-mail]"),
        ("bel 06-12345678 terug", "bel [telefoon] terug"),
        ("+31 6 1234 5678", "[telefoon]"),
        ("020 123 4567 klantenservice", "[telefoon] klantenservice"),
        ("dossier 1234567", "dossier [getal]"),
        ("klant 1234 AB 12", "klant [postcode]"),
        ("12a, 1234ab", "[postcode]"),
        ("Dorpsstraat 3 1234AB", "dorpsstraat [postcode]"),
        # Not personal data: kept as typed.
        ("jaarverslag 2019 2020", "jaarverslag 2019 2020"),
        ("artikel 12345", "artikel 12345"),
        ("postcode 1234 AB", "postcode 1234 ab"),
        ("top 10 OR top 5", "top 10 OR top 5"),
    ],
)
def test_personal_data_is_masked_before_storage(typed, stored):
    assert log.normalised(typed) == stored


def test_a_search_is_logged_with_what_it_found_and_nothing_about_the_reader(client, db):
    author = factories.AuthorFactory(slug="anna")
    factories.ColumnFactory(title="Klantfocus", author=author)
    factories.ColumnFactory(title="Klantfocus twee", author=author)
    before = timezone.now().replace(second=0, microsecond=0)
    response = client.get(
        URL,
        {"q": "  Klantfocus  0612345678 ", "auteur": "anna", "sorteer": "datum"},
        REMOTE_ADDR="192.0.2.7",
        **BROWSER,
    )
    assert log.HEADER not in response
    client.get(URL, {"q": "klantfocus", "formaat": "json", "pagina": "9"}, **BROWSER)
    first, second = logged()
    assert (first.query, first.stem_key, first.results, first.page) == (
        "klantfocus [telefoon]",
        "klantfocus telefoon",
        0,  # the number was searched for as typed
        1,
    )
    assert (first.filters, first.sort) == ("auteur: anna", "datum")
    assert first.searched_at.second == 0 and first.searched_at >= before
    assert (second.query, second.results, second.page, second.sort) == (
        "klantfocus",
        2,
        1,  # page 9 of one page shows page 1
        "relevantie",
    )
    fields = {field.name for field in SearchLog._meta.get_fields()}
    assert not fields & {"ip", "address", "user", "user_agent", "cookie", "session"}


def test_searches_answered_from_the_page_cache_are_logged(settings, db):
    page_cache_on(settings)
    factories.ColumnFactory(title="Klantfocus")
    reader = Browser()
    answers = [reader.get(URL, {"q": "klantfocus"}, **BROWSER) for _ in range(3)]
    assert [answer["X-Page-Cache"] for answer in answers] == ["miss", "hit", "hit"]
    assert all(log.HEADER not in answer for answer in answers)
    assert [row.results for row in logged()] == [1, 1, 1]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": ""},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; bingbot/2.0)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (X11) HeadlessChrome/130.0"},
        {**BROWSER, "HTTP_SEC_PURPOSE": "prefetch"},
        {**BROWSER, "HTTP_PURPOSE": "prefetch"},
    ],
)
def test_bots_and_prefetches_are_not_logged(client, db, headers):
    assert client.get(URL, {"q": "klant"}, **headers).status_code == 200
    assert logged() == []


def test_staff_empty_and_wrong_searches_and_suggestions_are_not_logged(client, editor_client, db):
    editor_client.get(URL, {"q": "klant"}, **BROWSER)
    client.get(URL, {"q": "   "}, **BROWSER)
    client.get(URL, **BROWSER)
    assert client.get(URL, {"q": "klant", "pagina": "nul"}, **BROWSER).status_code == 400
    client.get(reverse("search:suggestions"), {"q": "klant"}, **BROWSER)
    client.head(URL, {"q": "klant"}, **BROWSER)
    assert logged() == []


def test_entries_wait_in_memory_and_go_in_batches(client, db, settings):
    settings.SEARCH_LOG_FLUSH_ENTRIES = 3
    for _ in range(2):
        client.get(URL, {"q": "klant"}, **BROWSER)
    assert not SearchLog.objects.exists()
    assert log.pending() == 2
    client.get(URL, {"q": "klant"}, **BROWSER)  # the third fills the batch
    assert log.pending() == 0
    assert SearchLog.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_timer_writes_what_a_quiet_worker_holds(client, settings):
    settings.SEARCH_LOG_FLUSH_SECONDS = 0
    client.get(URL, {"q": "klant"}, **BROWSER)
    for _ in range(100):  # the timer thread writes at once; wait for it, at most 10 s
        if log.pending() == 0 and SearchLog.objects.exists():
            break
        time.sleep(0.1)
    assert SearchLog.objects.get().query == "klant"


def test_entries_are_kept_while_the_database_fails(client, db, monkeypatch):
    client.get(URL, {"q": "klant"}, **BROWSER)

    def database_down(searches, opens):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(log, "_write", database_down)
    log.flush_quietly()
    assert log.pending() == 1
    monkeypatch.undo()
    assert [row.query for row in logged()] == ["klant"]


def ping(client, query, rank, column, **headers):
    url = f"{OPENED}?q={query}&positie={rank}&column={column}"
    return client.post(url, content_type="text/ping", data="PING", **{**BROWSER, **headers})


def test_an_opened_result_marks_the_newest_search_of_its_query(client, db):
    columns = [factories.ColumnFactory(title=f"Klantfocus {n}") for n in range(2)]
    old = SearchLog.objects.create(
        query="klantfocus",
        stem_key="klantfocus",
        results=2,
        sort="relevantie",
        searched_at=timezone.now() - timedelta(minutes=5),
    )
    client.get(URL, {"q": "Klantfocus"}, **BROWSER)
    assert ping(client, "Klantfocus", 2, columns[0].pk).status_code == 204
    assert ping(client, "klantfocus", 1, 999_999).status_code == 204  # no such column
    old.refresh_from_db()
    new = logged()[-1]
    assert (new.opened_rank, new.opened_column) == (2, columns[0])
    assert old.opened_rank is None
    # A second result opened from the same query marks the search before it.
    ping(client, "klantfocus", 1, columns[1].pk)
    log.flush()
    old.refresh_from_db()
    assert (old.opened_rank, old.opened_column) == (1, columns[1])


def test_an_open_waits_a_while_for_a_search_another_worker_still_holds(client, db, monkeypatch):
    column = factories.ColumnFactory(title="Klantfocus")
    ping(client, "klantfocus", 1, column.pk)
    log.flush()
    assert log.pending() == 1  # kept for the next flush
    SearchLog.objects.create(
        query="klantfocus",
        stem_key="klantfocus",
        results=1,
        sort="relevantie",
        searched_at=timezone.now().replace(second=0, microsecond=0),
    )
    log.flush()
    assert log.pending() == 0
    assert SearchLog.objects.get().opened_column == column
    ping(client, "nooit gezocht", 1, column.pk)
    later = time.monotonic() + log.OPEN_PATIENCE + 1
    monkeypatch.setattr(log.time, "monotonic", lambda: later)
    log.flush()
    assert log.pending() == 0  # given up


def test_opens_of_bots_are_ignored_and_bad_pings_get_a_dutch_400(client, db):
    column = factories.ColumnFactory()
    client.get(URL, {"q": "klant"}, **BROWSER)
    ping(client, "klant", 1, column.pk, HTTP_USER_AGENT="Googlebot/2.1")
    assert logged()[0].opened_rank is None
    assert client.get(f"{OPENED}?q=klant&positie=1&column=1").status_code == 405
    response = client.post(f"{OPENED}?q=klant&positie=een&column=")
    assert response.status_code == 400
    assert "Ongeldige plaats." in response.content.decode()
    assert "De column ontbreekt." in response.content.decode()


def test_the_purge_keeps_the_days_the_setting_says(db, settings):
    now = timezone.now()
    for days in (1, 89, 91, 400):
        SearchLog.objects.create(
            query=f"{days} dagen",
            stem_key="dag",
            results=0,
            sort="relevantie",
            searched_at=now - timedelta(days=days),
        )
    output = io.StringIO()
    call_command("purge_search_log", stdout=output)
    assert output.getvalue() == "Searches deleted from the search log: 2.\n"
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == ["1 dagen", "89 dagen"]
    settings.SEARCH_LOG_DAYS = 30
    call_command("purge_search_log", stdout=output)
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["1 dagen"]


def test_the_privacy_page_says_what_the_search_log_keeps_and_how_long(client, db, settings):
    settings.SEARCH_LOG_DAYS = 60
    html = client.get(reverse("articles:privacy")).content.decode()
    section = html[html.index('id="zoeken"') :]
    assert "Na 60 dagen wissen we de zoekopdracht" in section
    assert "geen internetadres, cookie, browser of account" in section


def test_logging_adds_no_query_to_a_search(client, db):
    factories.ColumnFactory(title="Klantfocus")
    client.get(URL, {"q": "klantfocus"}, **BROWSER)

    def count(**headers):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(URL, {"q": "klantfocus"}, **headers)
        return len(queries)

    assert count(**BROWSER) == count(HTTP_USER_AGENT="Googlebot/2.1")
    assert log.pending() == 2
