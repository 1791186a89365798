"""Integration tests: the site as it runs in production, in real processes.

gunicorn app servers, a PostgreSQL database on the machine's server (names start
with kb_prod_), a private Redis, and for the fault test a private PostgreSQL
started with initdb/pg_ctl. Run with `make test-integration` (CI does). A missing
tool fails the test when CI=true and skips it otherwise.
"""

import glob
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("KB_INTEGRATION_PG", "postgres://postgres@127.0.0.1:5432")
SECRET = secrets.token_urlsafe(50)


def need(tool):
    path = shutil.which(tool) or (tool if os.path.exists(tool) else None)
    if path:
        return path
    message = f"{tool} is needed for this integration test"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port(ports="KB_INTEGRATION_PORTS"):
    """A free port of 127.0.0.1: one the system picks, or, on a machine shared by
    several test runs, the first free one in the range named by the environment
    variable `ports` ("8200-8299"; KB_INTEGRATION_PG_PORTS for PostgreSQL servers)."""
    low, _, high = os.environ.get(ports, "0-0").partition("-")
    for port in range(int(low), int(high) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {ports}={os.environ[ports]}")


def site_env(database_url, **extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_CONN_MAX_AGE": "60",
    }
    env.pop("DJANGO_REDIS_URL", None)
    env.update(extra)
    return env


def manage(env, *args, input=None):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        input=input,
        timeout=180,
    )


def prepare_site(env):
    """Tables, the seed columns and an editor account, as `make serve` needs them."""
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "createcachetable")
    manage(env, "load_seed")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.create_superuser('hoofdredacteur', 'hr@example.nl', 'lang-geheim-42!')",
    )


class AppServer:
    """gunicorn on a free port of 127.0.0.1."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.log = open(ROOT / "test-artifacts" / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "WEB_CONCURRENCY": str(workers), "BIND": f"127.0.0.1:{self.port}"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Browser(self).get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn on port {self.port} did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Response:
    def __init__(self, raw):
        self.status = raw.status
        self.headers = raw.headers
        self.text = raw.read().decode()


class Browser:
    """A minimal browser: keeps cookies (also secure ones: the test speaks plain
    HTTP on 127.0.0.1, as a reverse proxy would), follows no redirects."""

    def __init__(self, server, cookies=None, address=None):
        self.server = server
        self.cookies = cookies if cookies is not None else {}
        self.address = address  # sent as X-Forwarded-For, as a trusted proxy would

    def request(self, method, path, form=None, server=None):
        server = server or self.server
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        headers = {"Host": f"127.0.0.1:{server.port}"}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = Response(connection.getresponse())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value.strip('"')
        return response

    def get(self, path, server=None):
        return self.request("GET", path, server=server)

    def post(self, path, form, server=None):
        return self.request("POST", path, form=form, server=server)

    def csrf_token(self, path, server=None):
        page = self.get(path, server=server)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def log_in(self, username="hoofdredacteur", password="lang-geheim-42!", server=None):
        token = self.csrf_token("/admin/login/", server=server)
        response = self.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
            server=server,
        )
        assert response.status == 302, response.text[:2000]
        return response


def fresh_database(name):
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_database(name):
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", autouse=True)
def artifacts():
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    manage({**site_env("sqlite:///:memory:")}, "collectstatic", "--noinput", "--verbosity", "0")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    server = need("redis-server")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def two_servers(redis_url):
    """Two app servers sharing one PostgreSQL database and one Redis cache."""
    name = "kb_prod_two_servers"
    env = site_env(
        fresh_database(name), DJANGO_REDIS_URL=redis_url, DJANGO_TRUSTED_PROXIES="127.0.0.1"
    )
    prepare_site(env)
    servers = [AppServer(env), AppServer(env)]
    yield servers
    for server in servers:
        server.stop()
    drop_database(name)


def postgres_binary(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return need(found[-1] if found else name)


class PrivatePostgres:
    """A throw-away PostgreSQL server in its own folder on its own port; with
    `replica_of`, a streaming replica of that one (`pg_basebackup -R`), in its folder."""

    def __init__(self, replica_of=None):
        self.port = free_port("KB_INTEGRATION_PG_PORTS")
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if replica_of is not None:
            self.folder, self.data = replica_of.folder, replica_of.folder / f"replica-{self.port}"
            self.owned = self.data
            self.run(
                postgres_binary("pg_basebackup"), "-h", "127.0.0.1", "-p", str(replica_of.port),
                "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
            )  # fmt: skip
        else:
            self.folder = Path(tempfile.mkdtemp(prefix="kb-prod-pg-"))
            self.owned, self.data = self.folder, self.folder / "data"
            if os.geteuid() == 0:
                shutil.chown(self.folder, "postgres", "postgres")
            self.run(
                postgres_binary("initdb"),
                "-D", str(self.data), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8",
            )  # fmt: skip
        self.start()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *command):
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, timeout=120)

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.run(
            postgres_binary("pg_ctl"), "-D", str(self.data),
            "-l", f"{self.data}.log", "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self):
        self.run(postgres_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.owned, ignore_errors=True)  # a replica's own folder, or everything
