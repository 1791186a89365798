"""50 readers post at the same moment to the real server: gunicorn with 4 workers on a
fresh, migrated database of the kind the suite runs on (an SQLite file, or PostgreSQL
under `make test-postgres`). All 50 reactions are stored once, none is lost, no 500 and
no "database is locked". Flood limits are raised by setting, as a load test does."""

import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie

import dj_database_url
import psycopg
import pytest
from django.conf import settings

pytestmark = pytest.mark.integration

READERS = 50
WORKERS = 4
COLUMN = "ga-jij-naar-de-klant"  # a seed column
TIMEOUT = 60  # seconds, for every wait below


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """A fresh database for the server: an SQLite file, or a new PostgreSQL database
    next to the test database."""

    def __init__(self, tmp_path):
        self.config = dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite:///x"))
        self.is_postgres = "postgresql" in self.config["ENGINE"]
        if self.is_postgres:
            self.name = f"{self.config['NAME']}_gunicorn"
            base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            self.admin_url, self.url = f"{base}/postgres", f"{base}/{self.name}"
        else:
            self.path = tmp_path / "live.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def create(self):
        if self.is_postgres:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        if self.is_postgres:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql):
        if self.is_postgres:
            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql).fetchall()


# Migrate, cache table, seed columns and static files, in one process to save start-ups.
PREPARE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("createcachetable", verbosity=0)
call_command("load_seed", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
"""


def prepare(env):
    subprocess.run(
        [sys.executable, "-c", PREPARE],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "kb.settings"},
        check=True,
        timeout=TIMEOUT,
    )


def wait_until_up(port, server):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped while starting"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    pytest.fail("gunicorn did not start in time")


def reader(port, number, barrier, results):
    """One reader: load the page (cookie, CSRF token, form token), wait for everyone,
    then post."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", f"/columns/{COLUMN}/")
        response = conn.getresponse()
        page = response.read().decode()
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "token": token,
                "name": f"Lezer {number}",
                "email": f"lezer{number}@example.nl",
                "body": f"Reactie nummer {number} in de drukte.",
                "homepage": "",
            }
        )
        cookie_header = "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())
        barrier.wait(timeout=TIMEOUT)
        conn.request(
            "POST",
            f"/columns/{COLUMN}/reageren/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie_header,
            },
        )
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        results[number] = (response.status, response.getheader("Location", ""), text[:300])
    except Exception as exc:  # reported by the test below
        results[number] = ("error", repr(exc), "")
    finally:
        conn.close()


def test_50_simultaneous_reactions_are_all_stored_once(tmp_path):
    database = Database(tmp_path)
    database.create()
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "integration-test-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_REACTIONS_MIN_INTERVAL": "0",
        "DJANGO_REACTIONS_PER_HOUR": "1000",
        "DJANGO_REACTIONS_MIN_FORM_SECONDS": "0",
        "DJANGO_REACTIONS_CLOSE_AFTER_DAYS": "0",
        "DJANGO_REACTIONS_MODERATORS": "",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "gunicorn.log"
    server = None
    try:
        prepare(env)
        port = free_port()
        with open(log, "w") as log_file:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "kb.wsgi:application",
                    f"--workers={WORKERS}",
                    f"--bind=127.0.0.1:{port}",
                    "--timeout=60",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(port, server)

        barrier = threading.Barrier(READERS)
        results = {}
        threads = [
            threading.Thread(target=reader, args=(port, n, barrier, results))
            for n in range(READERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIMEOUT * 2)
        assert not any(thread.is_alive() for thread in threads), "a reader hung"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=TIMEOUT)

    server_log = log.read_text()
    try:
        assert len(results) == READERS
        failures = {n: r for n, r in results.items() if r[0] != 302}
        assert not failures, failures
        assert all(re.search(r"#reactie-\d+$", location) for _, location, _ in results.values())
        assert len({location for _, location, _ in results.values()}) == READERS
        assert "database is locked" not in server_log
        assert "Traceback" not in server_log, server_log[-3000:]

        rows = database.query("SELECT email, body FROM articles_reaction")
        assert len(rows) == READERS
        assert {email for email, _ in rows} == {f"lezer{n}@example.nl" for n in range(READERS)}
        assert {body for _, body in rows} == {
            f"Reactie nummer {n} in de drukte." for n in range(READERS)
        }
    finally:
        database.drop()
