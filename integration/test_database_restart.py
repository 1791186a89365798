"""PostgreSQL goes away under load and comes back: the app servers recover by themselves."""

import threading
import time

import pytest

from .conftest import AppServer, Browser, PrivatePostgres, prepare_site, site_env


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    yield server
    server.remove()


def test_readers_get_a_dutch_503_while_the_database_restarts(private_postgres):
    env = site_env(private_postgres.url, DJANGO_CONN_MAX_AGE="60")  # database cache
    prepare_site(env)
    app = AppServer(env)
    results = []  # (moment, phase, status, text)
    phase = {"now": "before"}
    stop = threading.Event()

    def read(number):
        browser = Browser(app)
        pages = ["/columns/", "/themas/", "/", "/auteurs/"]
        index = number
        while not stop.is_set():
            response = browser.get(pages[index % len(pages)])
            index += 1
            results.append((time.monotonic(), phase["now"], response.status, response.text))
            time.sleep(0.02)

    readers = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    try:
        for reader in readers:
            reader.start()
        time.sleep(2)
        phase["now"] = "down"
        private_postgres.stop()
        time.sleep(3)
        phase["now"] = "restarting"
        private_postgres.start()
        back = time.monotonic()
        time.sleep(4)
        phase["now"] = "after"
        time.sleep(2)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=30)
        app.stop()

    statuses = {status for _, _, status, _ in results}
    assert statuses <= {200, 503}, statuses
    before = [status for _, when, status, _ in results if when == "before"]
    assert before and set(before) == {200}
    down = [(status, text) for _, when, status, text in results if when == "down"]
    unavailable = [text for status, text in down if status == 503]
    assert len(unavailable) >= len(down) // 2
    assert "De Kennisbank is tijdelijk niet bereikbaar" in unavailable[0]
    # Recovery: once back, every request succeeds again, with the same app processes.
    after = [status for _, when, status, _ in results if when == "after"]
    assert after and set(after) == {200}
    first_success = min(m for m, when, s, _ in results if when == "restarting" and s == 200)
    assert first_success - back < 4
