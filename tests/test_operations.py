"""Health check, request ids, structured logs and the Dutch error pages."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from pytest_django.asserts import assertContains

from ops.requestlog import JsonFormatter, RequestContextFilter


def test_healthz_answers_200_with_json_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


class BrokenConnection:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    monkeypatch.setattr("ops.views.connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.fixture
def failing_client(settings, db):
    settings.ROOT_URLCONF = "tests.ops_urls"
    return Client(raise_request_exception=False)


def test_a_500_shows_a_dutch_page_with_the_request_id_of_the_log_line(failing_client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = failing_client.get("/proef/kapot/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assertContains(response, "Er ging iets mis", status_code=500)
    assertContains(response, f"<code>{request_id}</code>", status_code=500)

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    RequestContextFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    logged = json.loads(line)
    assert logged["request_id"] == request_id
    assert logged["level"] == "ERROR"
    assert logged["path"] == "/proef/kapot/"
    assert logged["status_code"] == 500
    assert "RuntimeError: kapot" in logged["exception"]


def test_database_down_gives_a_dutch_503_page(failing_client):
    response = failing_client.get("/proef/database-weg/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assertContains(response, "tijdelijk niet bereikbaar", status_code=503)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    "query, accept",
    [("?formaat=json", BROWSER), ("", "application/json"), ("", "application/json, */*;q=0.5")],
)
def test_database_down_gives_json_to_a_json_request(failing_client, query, accept):
    response = failing_client.get(f"/proef/database-weg/{query}", HTTP_ACCEPT=accept)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "10"
    assert response.json() == {
        "fout": "De Kennisbank is tijdelijk niet bereikbaar. "
        "Probeer het over een paar seconden opnieuw.",
        "foutcode": response["X-Request-ID"],
    }


@pytest.mark.parametrize("accept", [BROWSER, "*/*", "text/html, application/json;q=0.9"])
def test_a_browser_gets_the_html_503_page(failing_client, accept):
    response = failing_client.get("/proef/database-weg/", HTTP_ACCEPT=accept)
    assert response["Content-Type"].startswith("text/html")
    assertContains(response, "tijdelijk niet bereikbaar", status_code=503)


def test_a_500_answers_json_to_a_json_request(failing_client):
    response = failing_client.get("/proef/kapot/?formaat=json")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "Retry-After" not in response
    assert response.json() == {
        "fout": "Door een fout aan onze kant lukte dit niet. "
        "Probeer het over een paar minuten opnieuw.",
        "foutcode": response["X-Request-ID"],
    }


def test_the_search_api_answers_json_while_the_database_is_down(seed, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as outage:
        outage.setattr("django.db.backends.utils.CursorWrapper.execute", refused)
        response = Client(raise_request_exception=False).get("/zoeken/?q=klant&formaat=json")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["fout"].startswith("De Kennisbank is tijdelijk niet bereikbaar.")


def test_request_id_from_a_trusted_proxy_is_kept(client, db, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-abc-123")
    assert response["X-Request-ID"] == "proxy-abc-123"
    settings.TRUSTED_PROXIES = []
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-abc-123")
    assert response["X-Request-ID"] != "proxy-abc-123"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def server_output(command, env, port, paths):
    """What a real server writes (stdout and stderr) while it answers `paths`."""
    server = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status_of(f"http://127.0.0.1:{port}/robots.txt")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        statuses = [status_of(f"http://127.0.0.1:{port}{path}") for path in paths]
        time.sleep(0.5)  # let the last log lines out
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return statuses, output


@pytest.mark.integration
@pytest.mark.parametrize("mode", ["make run", "make serve"])
def test_a_404_is_logged_once_readable_in_debug_and_as_json_in_production(tmp_path, mode):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
        "DJANGO_LOG_LEVEL": "INFO",
    }
    env.pop("DJANGO_LOG_FORMAT", None)
    if mode == "make run":
        env["DJANGO_DEBUG"] = "true"
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    else:
        env.update(DJANGO_DEBUG="false", BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
        env.update(DJANGO_SECRET_KEY="log-test-only", DJANGO_ALLOWED_HOSTS="127.0.0.1")
        # As `make serve` does first: pages name the collected, hashed static files.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=120,
        )
        command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]

    statuses, output = server_output(command, env, port, ["/bestaat-niet/", "/robots.txt"])

    assert statuses == [404, 200]
    lines = [line for line in output.splitlines() if "/bestaat-niet/" in line]
    assert len(lines) == 1, output
    (line,) = lines
    if mode == "make run":
        assert not line.startswith("{"), line
        assert "404" in line or "Not Found" in line
    else:
        logged = json.loads(line)
        assert logged["status_code"] == 404
        assert logged["path"] == "/bestaat-niet/"
