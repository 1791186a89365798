"""Two app servers behind one proxy behave as one site."""

import re
from datetime import datetime

from .conftest import Browser


def test_a_column_published_through_one_server_is_served_by_the_other(two_servers):
    first, second = two_servers
    reader = Browser(second)
    for _ in range(5):  # until the listing is served from the shared page cache
        listing = reader.get("/columns/")
        if listing.headers["X-Page-Cache"] == "hit":
            break
    assert listing.headers["X-Page-Cache"] == "hit"
    assert "Over twee servers" not in listing.text

    editor = Browser(first)
    editor.log_in()
    token = editor.csrf_token("/admin/articles/column/add/")
    authors = editor.get("/admin/articles/author/").text
    author_id = re.search(r"/admin/articles/author/(\d+)/change/", authors).group(1)
    now = datetime.now()
    saved = editor.post(
        "/admin/articles/column/add/",
        {
            "csrfmiddlewaretoken": token,
            "title": "Over twee servers",
            "slug": "over-twee-servers",
            "author": author_id,
            "lead": "Eén site, twee servers.",
            "body": "## Kop\n\nDe klant merkt niets.",
            "themes": "klant centraal",
            "status": "published",
            "published_at_0": now.strftime("%d-%m-%Y"),
            "published_at_1": "00:00:00",
            "source_name": "",
            "source_url": "",
        },
    )
    assert saved.status == 302, saved.text[:3000]

    column = reader.get("/columns/over-twee-servers/")
    assert column.status == 200
    assert "Over twee servers" in column.text
    assert "Over twee servers" in reader.get("/columns/").text
    assert "Over twee servers" in reader.get("/").text


def test_an_admin_session_works_on_both_servers(two_servers):
    first, second = two_servers
    editor = Browser(first)
    editor.log_in()
    for server in (first, second):
        page = editor.get("/admin/", server=server)
        assert page.status == 200
        assert "Kennisbank redactie" in page.text
        assert "hoofdredacteur" in page.text.lower()
    assert Browser(second).get("/admin/").status == 302  # and without the session: no


def test_failed_logins_are_counted_across_servers(two_servers):
    first, second = two_servers
    for attempt in range(5):
        server = (first, second)[attempt % 2]
        visitor = Browser(server, address=f"10.9.9.{attempt}")
        token = visitor.csrf_token("/admin/login/")
        visitor.post(
            "/admin/login/",
            {"username": "indringer", "password": "fout", "csrfmiddlewaretoken": token},
        )
    visitor = Browser(second, address="10.9.9.99")
    token = visitor.csrf_token("/admin/login/")
    refused = visitor.post(
        "/admin/login/", {"username": "indringer", "password": "x", "csrfmiddlewaretoken": token}
    )
    # The counters live in the shared cache, not in either server's memory.
    assert "Te veel mislukte inlogpogingen" in refused.text
