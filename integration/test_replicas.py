"""Two app servers reading from a real streaming replica of a private primary.

The primary and the replica (`pg_basebackup -R`) run in a temporary folder. The page
cache is off, so that every page reads the database. One server accepts a replica
that lags up to 30 seconds, the other up to 1 second: with the replica's replay
paused, the first keeps reading from it and the second does not.
"""

import json
import re
import threading
import time
from datetime import datetime

import psycopg
import pytest

from .conftest import AppServer, Browser, PrivatePostgres, prepare_site, site_env

PAGES = ["/", "/columns/", "/themas/", "/auteurs/", "/zoeken/?q=klant"]


@pytest.fixture(scope="module")
def replicated(redis_url):
    primary = PrivatePostgres()
    servers = []
    try:
        env = site_env(
            primary.url,
            # A Redis database of its own: its page-cache generation is not the
            # other app servers'.
            DJANGO_REDIS_URL=redis_url.rsplit("/", 1)[0] + "/1",
            DJANGO_PAGE_CACHE_SECONDS="0",
            # A reader reacts under a seed column at once (they are years old).
            DJANGO_REACTIONS_CLOSE_AFTER_DAYS="0",
            DJANGO_REACTIONS_MIN_FORM_SECONDS="0",
        )
        prepare_site(env)
        replica = PrivatePostgres(replica_of=primary)
        for max_lag in ("30", "1"):
            servers.append(
                AppServer(
                    {
                        **env,
                        "DJANGO_DATABASE_REPLICA_URLS": replica.url,
                        "DJANGO_REPLICA_MAX_LAG_SECONDS": max_lag,
                    }
                )
            )
        yield primary, replica, *servers
    finally:
        for server in servers:
            server.stop()
        if "replica" in locals():
            replica.remove()
        primary.remove()


def on(server, sql):
    with psycopg.connect(server.url, autocommit=True, connect_timeout=5) as db:
        return db.execute(sql).fetchone()


def add_column(editor, title, slug):
    """An editor saves a published column in the admin."""
    token = editor.csrf_token("/admin/articles/column/add/")
    authors = editor.get("/admin/articles/author/").text
    author_id = re.search(r"/admin/articles/author/(\d+)/change/", authors).group(1)
    saved = editor.post(
        "/admin/articles/column/add/",
        {
            "csrfmiddlewaretoken": token,
            "title": title,
            "slug": slug,
            "author": author_id,
            "lead": "Gelezen van een replica.",
            "body": "## Kop\n\nDe lezer merkt niets.",
            "themes": "klant centraal",
            "status": "published",
            "published_at_0": datetime.now().strftime("%d-%m-%Y"),
            "published_at_1": "00:00:00",
            "source_name": "",
            "source_url": "",
        },
    )
    assert saved.status == 302, saved.text[:3000]


def react(reader, path, body):
    """A reader posts a reaction from the form under the column at `path`."""
    page = reader.get(path).text
    posted = reader.post(
        path + "reageren/",
        {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[
                1
            ],
            "token": re.search(r'name="token" value="([^"]+)"', page)[1],
            "name": "Anna de Vries",
            "email": "anna@example.nl",
            "body": body,
            "homepage": "",
        },
    )
    assert posted.status == 302, posted.text[:3000]


def replica_state(server):
    health = Browser(server).get("/healthz")
    assert health.status == 200
    return json.loads(health.text)["replicas"]["replica_1"]["state"]


def eventually(check, seconds=10):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.2)


def test_public_reads_use_the_replica_and_writers_read_their_writes(replicated):
    primary, replica, patient, strict = replicated
    assert replica_state(patient) == "ok"
    # A commit replayed, so that the replica's lag counts from a known moment.
    on(primary, "SELECT txid_current()")
    eventually(lambda: on(replica, "SELECT pg_last_xact_replay_timestamp()")[0] is not None)
    on(replica, "SELECT pg_wal_replay_pause()")
    try:
        editor = Browser(patient)
        editor.log_in()
        add_column(editor, "Over de replica", "over-de-replica")
        assert "kb_primair" in editor.cookies
        # The editor, pinned to the primary, sees the column at once, on either server.
        assert editor.get("/columns/over-de-replica/").status == 200
        assert editor.get("/columns/over-de-replica/", server=strict).status == 200
        # A reader of the patient server reads the (paused) replica: not there yet.
        assert Browser(patient).get("/columns/over-de-replica/").status == 404
        # A reader who reacts sees the reaction (waiting for approval) on the next page;
        # the same session without the pin reads the paused replica, which lacks it.
        reader = Browser(patient)
        react(reader, "/columns/ga-jij-naar-de-klant/", "Gelezen van de primaire database.")
        assert "kb_primair" in reader.cookies
        page = reader.get("/columns/ga-jij-naar-de-klant/").text
        assert "Gelezen van de primaire database." in page
        unpinned = {name: value for name, value in reader.cookies.items() if name != "kb_primair"}
        page = Browser(patient, cookies=unpinned).get("/columns/ga-jij-naar-de-klant/").text
        assert "Gelezen van de primaire database." not in page
        # The strict server skips the replica once it lags more than a second.
        eventually(lambda: Browser(strict).get("/columns/over-de-replica/").status == 200)
        assert replica_state(strict) == "lagging"
    finally:
        on(replica, "SELECT pg_wal_replay_resume()")
    eventually(lambda: Browser(patient).get("/columns/over-de-replica/").status == 200)


def test_readers_get_no_errors_when_the_replica_stops_under_load(replicated):
    primary, replica, *servers = replicated
    results = []  # (phase, status)
    phase = {"now": "replica"}
    stop = threading.Event()

    def read(number):
        browser = Browser(servers[number % 2])
        index = number
        while not stop.is_set():
            response = browser.get(PAGES[index % len(PAGES)])
            index += 1
            results.append((phase["now"], response.status))

    def replica_reads():
        return on(replica, "SELECT sum(xact_commit) FROM pg_stat_database")[0]

    readers = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    before = replica_reads()
    try:
        for reader in readers:
            reader.start()
        time.sleep(3)
        replica_used = replica_reads() - before
        phase["now"] = "stopped"
        replica.stop()
        time.sleep(3)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=30)

    statuses = {status for _, status in results}
    assert statuses == {200}, statuses
    assert [1 for when, _ in results if when == "stopped"]
    assert replica_used > 100  # page reads, not only the health checks (~16)
    assert [replica_state(server) for server in servers] == ["down", "down"]
    counts = {when: sum(1 for w, _ in results if w == when) for when in ("replica", "stopped")}
    print(f"\nrequests in 3 s, with the replica: {counts['replica']}, without: {counts['stopped']}")
