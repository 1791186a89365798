"""Helpers for the browser tests: the tools they need, screenshots, axe, vnu and
a crawl of the public pages."""

import json
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("KB_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Debian's Chromium in a container: no sandbox, no GPU, nothing phoning home.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require(available, what, how):
    """Stop a test that needs a missing tool: a failure under CI, a skip elsewhere."""
    if available:
        return
    message = f"{what} is missing; {how}"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_file(path, how="run `make install-browser-tools` (or `make test`)"):
    require(Path(path).is_file(), str(path), how)


def require_java():
    require(shutil.which("java"), "java (17 or newer)", "install a Java runtime for vnu")


def screenshot(page, name, full_page=True):
    """Save what the page looks like as test-artifacts/screenshots/<name>.png."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


def axe_violations(page, rules=None):
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, as short lines;
    `rules` limits the run to those rule ids (e.g. ["color-contrast"])."""
    require_file(AXE_JS)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Loaded as a same-origin file, so the site's strict CSP (no inline scripts)
        # stays on while axe looks at the page.
        origin = "/".join(page.url.split("/")[:3])
        url = f"{origin}/__test-only/axe.min.js"
        page.route(url, lambda route: route.fulfill(path=str(AXE_JS)))
        page.add_script_tag(url=url)
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_21_AA}
    result = page.evaluate(
        "async (runOnly) => await axe.run(document, {runOnly: runOnly})", run_only
    )
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


def vnu_errors(documents):
    """The Nu Html Checker's errors for {url: html}; vnu refuses 127.0.0.1 URLs, so it
    reads the pages from files. One JVM for all pages."""
    require_java()
    require_file(VNU_JAR)
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for number, (url, html) in enumerate(documents.items()):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = url
        result = subprocess.run(
            [
                "java",
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                "--errors-only",
                *(str(Path(folder) / name) for name in names),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{names.get(message.get('url', '').rpartition('/')[2], message.get('url'))}:"
        f"{message.get('lastLine', '?')}: "
        f"{message['message']}"
        for message in messages
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]


def fetch(url):
    """(content type, text) of `url`, also for error pages such as the 404 page."""
    try:
        response = urllib.request.urlopen(url, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.headers.get_content_type(), response.read().decode("utf-8")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        # A search box is a page too: follow the action of GET forms (without input).
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self.hrefs.append(attrs.get("action") or "")


# Not HTML pages for readers: the editors' admin, feeds, machine files, static files.
NOT_PAGES = ("/admin/", "/static/", "/media/")
NOT_PAGE_SUFFIXES = ("/feed/", ".xml", ".txt", ".ico", ".webmanifest")


def crawl(start_url, limit=300):
    """Every public HTML page reachable by links from `start_url`, as {url: html}."""
    origin = urlsplit(start_url).netloc
    pending, pages = [start_url], {}
    while pending and len(pages) < limit:
        url = pending.pop(0)
        if url in pages:
            continue
        content_type, html = fetch(url)
        if content_type != "text/html":
            continue
        pages[url] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            link = urldefrag(urljoin(url, href)).url
            parts = urlsplit(link)
            if (
                parts.scheme in {"http", "https"}
                and parts.netloc == origin
                and not parts.path.startswith(NOT_PAGES)
                and not parts.path.endswith(NOT_PAGE_SUFFIXES)
                and link not in pages
                and link not in pending
            ):
                pending.append(link)
    return pages
