"""Lighthouse on a production-like Kennisbank: prints the four category scores of
the home page, a column, a long column with a header image and two images in its
text, a theme and the search page (with results), and exits with 1 when any is
below the minimum.

Production-like: a fresh SQLite database with the seed columns, collectstatic
(whitenoise, compressed and hashed), gunicorn with debug off. `make audit` runs it.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
MINIMUM = float(os.environ.get("AUDIT_MINIMUM", "0.95"))
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def wait_for(url, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped with exit code {server.returncode}.")
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer at {url} within {seconds} s.")


SEARCH = "/zoeken/?q=klant"  # results, highlights, facets
# A long seed column given a header image and two inline images (tests.images.illustrate).
ILLUSTRATED = "/columns/ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid/"
ILLUSTRATE = (
    "from tests.images import illustrate; "
    "illustrate('ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid')"
)


def pages_to_audit(base):
    """Home, the first column and theme linked from it, and a search with results."""
    status, home = get(f"{base}/")
    if status != 200:
        sys.exit(f"The home page answered {status}.")
    column = re.search(r'href="(/columns/[\w-]+/)"', home).group(1)
    theme = re.search(r'href="(/themas/[\w-]+/)"', home).group(1)
    status, search = get(base + SEARCH)
    if status != 200 or 'id="zoekresultaten"' not in search:
        sys.exit(f"{SEARCH} answered {status} without results.")
    status, illustrated = get(base + ILLUSTRATED)
    if status != 200 or illustrated.count("<figure") != 3:
        sys.exit(f"{ILLUSTRATED} answered {status} without its three images.")
    return {
        "home": "/",
        "column": column,
        "images": ILLUSTRATED,
        "theme": theme,
        "search": SEARCH,
    }


def lighthouse(url, folder, attempts=3):
    """Lighthouse's JSON report for `url`.

    Lighthouse sometimes loses the trace of a page load in headless Chromium and
    stops with "Runtime error encountered ... Please run Lighthouse again"
    (NO_NAVSTART, NO_FCP; GoogleChrome/lighthouse#6968). Those runs are repeated,
    each in a fresh profile, up to `attempts` times; any other failure, or the
    same runtime error every time, stops the audit.
    """
    report = folder / "report.json"
    for attempt in range(1, attempts + 1):
        profile = tempfile.mkdtemp(prefix="lighthouse-profile-", dir=folder)
        run = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            stderr=subprocess.PIPE,
            text=True,
            timeout=180,
        )
        if run.returncode == 0:
            return json.loads(report.read_text())
        sys.stderr.write(run.stderr)
        if "Runtime error encountered" not in run.stderr or attempt == attempts:
            raise subprocess.CalledProcessError(run.returncode, run.args, stderr=run.stderr)
        print(f"Lighthouse lost the trace of {url}; attempt {attempt + 1} of {attempts}.")


def shortcomings(result, category):
    """The audits that cost points in `category`, for a failing score."""
    lines = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = result["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            lines.append(f"    - {audit['title']} ({audit['score']:.2f})")
    return lines


def main():
    for path, what in ((LIGHTHOUSE, "npm ci"), (Path(CHROMIUM), "apt-get install chromium")):
        if not path.exists():
            sys.exit(f"{path} is missing; run `{what}` (`make audit` does it).")
    work = Path(tempfile.mkdtemp(prefix="kb-audit-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{work / 'audit.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        # The uploaded images, served by the app itself here (a proxy does in production).
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_SERVE_MEDIA": "true",
    }
    manage = [str(PYTHON), "manage.py"]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["createcachetable"],
        ["load_seed"],
        ["shell", "--verbosity", "0", "-c", ILLUSTRATE],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            str(PYTHON),
            "-m",
            "gunicorn",
            "kb.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    failures = []
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/", server)
        pages = pages_to_audit(base)
        print(f"\nLighthouse (minimum {MINIMUM:.2f}) on {base}, gunicorn, debug off\n")
        print(f"{'page':<8} {'path':<52} " + " ".join(f"{c[:13]:>13}" for c in CATEGORIES))
        for name, path in pages.items():
            result = lighthouse(base + path, work)
            scores = {c: result["categories"][c]["score"] or 0 for c in CATEGORIES}
            print(f"{name:<8} {path:<52} " + " ".join(f"{scores[c]:>13.2f}" for c in CATEGORIES))
            for category, score in scores.items():
                if score < MINIMUM:
                    failures.append(f"{name} {category} {score:.2f}")
                    failures += shortcomings(result, category)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\nBelow the minimum:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("\nAll scores at or above the minimum.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
