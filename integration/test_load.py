"""20 readers at once for 30 seconds: not a single error."""

import os
import threading
import time

from .conftest import Browser

READERS = 20
SECONDS = int(os.environ.get("KB_LOAD_SECONDS", 30))
PAGES = ["/", "/columns/", "/themas/", "/auteurs/", "/archief/", "/columns/?pagina=2"]


def test_twenty_concurrent_readers_get_no_errors(two_servers):
    first = Browser(two_servers[0])
    column_links = [
        line.split('href="')[1].split('"')[0]
        for line in first.get("/columns/").text.splitlines()
        if 'href="/columns/' in line and "pagina" not in line
    ]
    pages = PAGES + sorted(set(column_links))[:5] + ["/themas/klant-centraal/", "/healthz"]
    counts = {"ok": 0}
    errors = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def read(number):
        browser = Browser(two_servers[number % 2])
        index = number
        while time.monotonic() < deadline:
            path = pages[index % len(pages)]
            index += 1
            try:
                status = browser.get(path).status
            except OSError as error:
                status = repr(error)
            with lock:
                if status == 200:
                    counts["ok"] += 1
                else:
                    errors.append((path, status))

    threads = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)
    assert errors == []
    assert counts["ok"] > READERS * SECONDS  # more than one page a second per reader
