"""Reads over a PostgreSQL streaming replica: what it takes off the primary, and its lag.

Builds, in a temporary folder, a private PostgreSQL primary and a streaming replica of
it (`pg_basebackup -R`), a site with the seed and generated columns, and two gunicorn
servers (2 workers each) with the page cache off, so that every request reads the
database. Loads each page with wrk on both servers at once, first with the servers
reading from the primary only, then with DJANGO_DATABASE_REPLICA_URLS set, and prints
the requests/s and the CPU time each PostgreSQL server spent per request. Then
the replication delay: how long after a commit on the primary the replica shows it
(single-row commits), and the largest lag the router would measure (ops.replicas)
while a burst of rows is written. Prints Markdown tables.

    .venv/bin/python -m benchmarks.replicas [--columns 10000] [--seconds 5]

Needs wrk and PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup); as root
they run as the postgres user.
"""

import argparse
import glob
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from benchmarks.http import status_of, wrk
from ops.replicas import LAG_SQL

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = [
    ("home", "/"),
    ("column", None),  # the newest seed column, found once the site is built
    ("theme", "/themas/klant-centraal/"),
    ("search", "/zoeken/?q=klant"),
]


def free_port(ports):
    """The first port of `ports` ("5491-5499") nobody listens on."""
    low, _, high = ports.partition("-")
    for port in range(int(low), int(high) + 1):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    sys.exit(f"no free port in {ports}")


def postgres_program(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found[-1]:
        sys.exit(f"{name} is missing: apt-get install postgresql")
    return found[-1]


class Cluster:
    """A PostgreSQL server in `folder`/`name` on `port`: a new one, or a replica."""

    def __init__(self, folder, name, port, replica_of=None):
        self.data, self.port, self.folder = folder / name, port, folder
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if replica_of:
            self.run(
                "pg_basebackup", "-h", "127.0.0.1", "-p", str(replica_of.port),
                "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
            )  # fmt: skip
        else:
            self.run(
                "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8",
            )  # fmt: skip
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        self.run(
            "pg_ctl", "-D", str(self.data), "-l", f"{self.data}.log", "-o", options, "-w", "start"
        )
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"

    def run(self, program, *args):
        command = [*self.as_postgres, postgres_program(program), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=300)

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def cpu_seconds(self):
        """CPU time used so far by this server's processes (postmaster and children)."""
        postmaster = (self.data / "postmaster.pid").read_text().split()[0]
        ticks = 0
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            pid = stat.split("/")[2]
            if pid == postmaster or fields[1] == postmaster:
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
        return ticks / os.sysconf("SC_CLK_TCK")


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start_servers(env, ports):
    servers = []
    for _ in range(2):
        port = free_port(ports)
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "WEB_CONCURRENCY": "2", "BIND": f"127.0.0.1:{port}"},
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            time.sleep(0.2)
            try:
                if status_of(base + "/healthz") == 200:
                    break
            except OSError:
                continue
        else:
            sys.exit("gunicorn did not start")
        servers.append((process, base))
    return servers


def load(servers, pages, seconds, clusters):
    """requests/s over both servers, and each cluster's CPU seconds per request."""
    results = {}
    for name, path in pages:
        for _, base in servers:
            for _ in range(3):  # warm up every worker's connections
                assert status_of(base + path) == 200, path
        before = [cluster.cpu_seconds() for cluster in clusters]
        runs = [None] * len(servers)

        def run(index, base, path=path, runs=runs):
            runs[index] = wrk(base + path, seconds, 4)

        threads = [
            threading.Thread(target=run, args=(index, base))
            for index, (_, base) in enumerate(servers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        used = [
            cluster.cpu_seconds() - start for cluster, start in zip(clusters, before, strict=True)
        ]
        requests = sum(run["requests"] for run in runs)
        results[name] = {
            "rps": sum(run["rps"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
            "cpu": [seconds_used / requests for seconds_used in used],
        }
    return results


def replication_delay(primary, replica, commits):
    """Seconds from a commit on the primary until the replica shows its row."""
    delays = []
    with (
        psycopg.connect(primary.url, autocommit=True) as writer,
        psycopg.connect(replica.url, autocommit=True) as reader,
    ):
        writer.execute("CREATE TABLE bench_delay (id serial PRIMARY KEY, payload text)")
        while not reader.execute("SELECT to_regclass('bench_delay')").fetchone()[0]:
            time.sleep(0.01)
        for _ in range(commits):
            row = writer.execute("INSERT INTO bench_delay (payload) VALUES ('x') RETURNING id")
            number = row.fetchone()[0]
            start = time.perf_counter()
            while not reader.execute(
                "SELECT 1 FROM bench_delay WHERE id = %s", [number]
            ).fetchone():
                time.sleep(0.0002)
            delays.append(time.perf_counter() - start)
    return delays


def lag_under_burst(primary, replica, rows):
    """The largest lag ops.replicas would measure while `rows` rows are written in
    transactions of 1,000, and the seconds the burst took."""
    lags, done = [], threading.Event()

    def watch():
        with psycopg.connect(replica.url, autocommit=True) as reader:
            while not done.is_set():
                _, caught_up, lag = reader.execute(LAG_SQL).fetchone()
                lags.append(0.0 if caught_up else (lag or 0.0))
                time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    start = time.perf_counter()
    with psycopg.connect(primary.url) as writer:
        for _ in range(rows // 1000):
            writer.execute(
                "INSERT INTO bench_delay (payload) "
                "SELECT repeat('x', 200) FROM generate_series(1, 1000)"
            )
            writer.commit()
    took = time.perf_counter() - start
    time.sleep(1)
    done.set()
    watcher.join()
    return max(lags), took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=5, choices=range(1, 31))
    parser.add_argument("--ports", default="8200-8299", help="for the app servers")
    parser.add_argument("--pg-ports", default="5491-5499", help="for the PostgreSQL servers")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    folder = Path(tempfile.mkdtemp(prefix="kb-bench-replicas-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    clusters, servers = [], []
    try:
        primary = Cluster(folder, "primary", free_port(options.pg_ports))
        clusters.append(primary)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kb.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": primary.url,
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_PAGE_CACHE_SECONDS": "0",
        }
        env.pop("DJANGO_REDIS_URL", None)
        env.pop("DJANGO_DATABASE_REPLICA_URLS", None)
        print(f"Building the site: seed + {options.columns} columns ...", file=sys.stderr)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "createcachetable")
        manage(env, "load_seed")
        manage(env, "generate_corpus", str(options.columns))
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        with psycopg.connect(primary.url, autocommit=True) as db:
            db.execute("VACUUM ANALYZE")  # as autovacuum would have done by now
            slug = db.execute(
                "SELECT slug FROM articles_column WHERE slug NOT LIKE 'corpus-%' "
                "ORDER BY published_at DESC LIMIT 1"
            ).fetchone()[0]
        pages = [(name, path or f"/columns/{slug}/") for name, path in PAGES]
        replica = Cluster(folder, "replica", free_port(options.pg_ports), replica_of=primary)
        clusters.append(replica)

        results = {}
        for setup, extra in (
            ("primary only", {}),
            ("with replica", {"DJANGO_DATABASE_REPLICA_URLS": replica.url}),
        ):
            servers = start_servers({**env, **extra}, options.ports)
            results[setup] = load(servers, pages, options.seconds, clusters)
            for process, _ in servers:
                process.terminate()
                process.wait(timeout=30)
            servers = []
        delays = replication_delay(primary, replica, 200)
        burst_lag, burst_seconds = lag_under_burst(primary, replica, 100_000)
    finally:
        for process, _ in servers:
            process.terminate()
        for cluster in reversed(clusters):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"\nTwo gunicorn servers (2 workers each), page cache off, PostgreSQL primary and one "
        f"streaming replica on the same 2-core machine; seed + {options.columns} columns; "
        f"wrk -t2 -c4 -d{options.seconds}s on each server at once.\n"
    )
    print(
        "| page | reads from | requests/s | primary CPU ms per request "
        "| replica CPU ms per request | errors |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for name, _ in pages:
        for setup in results:
            result = results[setup][name]
            primary_cpu, replica_cpu = result["cpu"]
            print(
                f"| {name} | {setup} | {result['rps']:.0f} | {1000 * primary_cpu:.2f} | "
                f"{1000 * replica_cpu:.2f} | {result['errors']} |"
            )
    delays.sort()
    print(
        f"\nReplication delay, commit on the primary to row visible on the replica, "
        f"{len(delays)} single-row commits: median {1000 * statistics.median(delays):.2f} ms, "
        f"p95 {1000 * delays[int(len(delays) * 0.95)]:.2f} ms, max {1000 * delays[-1]:.2f} ms."
    )
    print(
        f"Largest lag measured as the router does while 100,000 rows (about 20 MB) were "
        f"written in {burst_seconds:.1f} s: {burst_lag:.3f} s."
    )


if __name__ == "__main__":
    main()
