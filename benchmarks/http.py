"""Requests per second of the main pages under gunicorn, measured with wrk.

Builds a throw-away SQLite site (seed columns plus a generated corpus), starts
gunicorn with 2 workers on 127.0.0.1, and loads each page with wrk in turn, next
to a bare Django view that returns "ok" through the same middleware in the same
server: the framework's ceiling. Prints a Markdown table.

    .venv/bin/python -m benchmarks.http [--columns 10000] [--seconds 3] [--rounds 5]

(Run it as a module: as a script its name would hide the standard library's http.)
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGETS = {"/": 0.60, "column": 0.70, "theme": 0.70}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def build_site(env, database, columns):
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "createcachetable")
    manage(env, "load_seed")
    manage(env, "generate_corpus", str(columns))
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    with sqlite3.connect(database) as db:
        column = db.execute(
            "SELECT slug FROM articles_column WHERE slug NOT LIKE 'corpus-%' "
            "ORDER BY published_at DESC LIMIT 1"
        ).fetchone()[0]
        theme = db.execute(
            "SELECT t.slug FROM articles_theme t JOIN articles_themedcolumn c "
            "ON c.tag_id = t.id GROUP BY t.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    return f"/columns/{column}/", f"/themas/{theme}/"


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def wrk(url, seconds, connections):
    output = subprocess.run(
        # gunicorn's sync workers close every connection; saying so up front keeps wrk
        # from counting the server's close as a read error.
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            "Connection: close",
            # A reader's browser, so that column views are counted as in production
            # (figures/counter.py leaves requests without a user agent out).
            "-H",
            f"User-Agent: {BROWSER}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non2xx.group(1)) if non2xx else 0
    return {
        "rps": rps,
        "requests": total,
        "errors": errors,
        "p50": latency(output, "50%"),
        "p99": latency(output, "99%"),
    }


def latency(output, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=3, choices=range(1, 11))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    folder = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    database = folder / "bench.sqlite3"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
        "BIND": f"127.0.0.1:{port}",
    }
    env.pop("DJANGO_REDIS_URL", None)
    print(f"Building the site: seed + {options.columns} generated columns ...", file=sys.stderr)
    column, theme = build_site(env, database, options.columns)
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            time.sleep(0.2)
            try:
                if status_of(base + "/healthz") == 200:
                    break
            except OSError:
                continue
        else:
            sys.exit("gunicorn did not start")
        pages = [("bare view", "/bench/ok/"), ("home", "/"), ("column", column), ("theme", theme)]
        if status_of(base + "/zoeken/?q=klant") == 404:
            print("Search (/zoeken/) is not in this build: skipped.", file=sys.stderr)
        else:
            pages.append(("search", "/zoeken/?q=klant"))
        for _name, path in pages:
            for _ in range(5):  # warm up: the first request fills the page cache
                assert status_of(base + path) == 200, path
        # The machine is shared, so its speed drifts: each page is measured in
        # rounds right after the bare view, and compared with that run.
        results = {}
        bare_runs = []
        for name, path in pages[1:]:
            rounds = []
            for _ in range(options.rounds):
                bare = wrk(base + "/bench/ok/", options.seconds, options.connections)
                page = wrk(base + path, options.seconds, options.connections)
                rounds.append((page["rps"] / bare["rps"], page))
                bare_runs.append(bare)
            rounds.sort(key=lambda item: item[0])
            share, page = rounds[len(rounds) // 2]  # the median round
            results[name] = {
                **page,
                "share": share,
                "errors": sum(run["errors"] for _, run in rounds),
            }
        bare_runs.sort(key=lambda run: run["rps"])
        results["bare view"] = {
            **bare_runs[len(bare_runs) // 2],
            "share": 1.0,
            "errors": sum(run["errors"] for run in bare_runs),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"\ngunicorn, 2 workers, SQLite, seed + {options.columns} columns; "
        f"wrk -t2 -c{options.connections} -d{options.seconds}s per URL, 127.0.0.1\n"
    )
    print("| page | URL | requests/s | % of bare view | target | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    failed = False
    for name, path in pages:
        result = results[name]
        share = result["share"]
        target = {"home": TARGETS["/"], "column": TARGETS["column"], "theme": TARGETS["theme"]}
        goal = target.get(name)
        failed |= result["errors"] > 0 or (goal is not None and share < goal)
        print(
            f"| {name} | `{path}` | {result['rps']:.0f} | {share:.0%} | "
            f"{f'≥ {goal:.0%}' if goal else '—'} | {result['p50']:.1f} | {result['p99']:.1f} | "
            f"{result['errors']} |"
        )
    print(
        f"\nEach page: the median of {options.rounds} rounds, each a bare-view run followed by"
        " a page run; the percentage compares the two runs of one round (the machine's speed"
        f" drifts). Bare view: the median of its {len(bare_runs)} runs."
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
