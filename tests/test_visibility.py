import html
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

import search
from articles.models import Author, Column, Theme
from search.checks import check_visibility_rule

from . import factories
from .redactie import redactie_group


def test_published_shows_only_published_columns_whose_time_has_come(column_factory):
    public = column_factory()
    column_factory(draft=True)
    column_factory(scheduled=True)

    assert list(Column.objects.published()) == [public]


def test_draft_and_scheduled_columns_are_404_for_the_public(client, column_factory):
    draft = column_factory(draft=True)
    scheduled = column_factory(scheduled=True)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_scheduled_column_appears_when_its_time_has_passed(client, column_factory, monkeypatch):
    scheduled = column_factory(scheduled=True, title="Later verschenen")
    assert client.get("/").content.count(b"Later verschenen") == 0

    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr("articles.models.timezone.now", lambda: later)

    assertContains(client.get("/"), "Later verschenen")
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_hidden_columns_stay_out_of_every_listing(client, column_factory, theme, author):
    column_factory(draft=True, title="Geheim concept", themes=[theme], author=author)
    column_factory(scheduled=True, title="Gepland stuk", themes=[theme], author=author)
    year = timezone.now().year

    for url in [
        "/",
        "/columns/",
        f"/auteurs/{author.slug}/",
        "/themas/",
        "/auteurs/",
        "/archief/",
    ]:
        response = client.get(url)
        assertNotContains(response, "Geheim concept")
        assertNotContains(response, "Gepland stuk")
    assert client.get(f"/archief/{year}/").status_code == 404
    # A theme with hidden columns only is hidden too (tests/test_themes.py).
    assert client.get(f"/themas/{theme.slug}/").status_code == 404


def test_counts_include_only_published_columns(client, column_factory, theme, author):
    theme.featured = True
    theme.save()
    column_factory(themes=[theme], author=author)
    column_factory(draft=True, themes=[theme], author=author)

    response = client.get("/themas/")
    assert response.context["themes"].get(pk=theme.pk).column_count == 1
    response = client.get("/auteurs/")
    assert response.context["authors"].get(pk=author.pk).column_count == 1


@pytest.fixture
def staff(db, django_user_model):
    """A superuser without a password: force_login needs none, and hashing one is slow."""
    return django_user_model.objects.create_superuser("baas", email=None, password=None)


def test_staff_preview_drafts_with_a_concept_banner(client, staff, column_factory):
    draft = column_factory(draft=True, title="Nog niet af")
    client.force_login(staff)

    response = client.get(draft.get_absolute_url())

    assertContains(response, "Nog niet af")
    assertContains(response, "<strong>Concept</strong>", html=True)


def test_staff_preview_scheduled_columns_with_a_gepland_banner(client, staff, column_factory):
    scheduled = column_factory(scheduled=True)
    client.force_login(staff)

    response = client.get(scheduled.get_absolute_url())

    assertContains(response, "<strong>Gepland</strong>", html=True)


def test_published_column_has_no_banner_for_staff(client, staff, column):
    client.force_login(staff)
    response = client.get(column.get_absolute_url())
    assertNotContains(response, "Concept</strong>")


def test_publishing_without_a_time_publishes_now(author):
    column = Column(
        title="Nu",
        slug="nu",
        lead="Nu.",
        body="Tekst",
        author=author,
        status=Column.Status.PUBLISHED,
    )
    column.save()
    assert column.published_at is not None
    assert column.published_at <= timezone.now()
    assert column.is_public


def test_database_refuses_a_published_column_without_a_time(column):
    with pytest.raises(IntegrityError):
        Column.objects.filter(pk=column.pk).update(published_at=None)


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (50, 1), (200, 1), (500, 2), (1000, 5), (1150, 6)]
)
def test_reading_time_is_about_200_words_a_minute(column, words, minutes):
    column.body = "woord " * words
    column.save()
    assert column.reading_time == minutes


def test_body_is_rendered_and_sanitised_on_save(column):
    column.body = (
        "## Kop\n\nTekst met [link](javascript:alert(1)) en <script>alert(1)</script>.\n\n"
        "> Een citaat"
    )
    column.save()
    assert '<h2 id="kop">Kop</h2>' in column.body_html
    assert "<blockquote>" in column.body_html
    assert "<script" not in column.body_html
    assert "javascript:" not in column.body_html


# Every public path, walked over a mix of draft, scheduled, published and withdrawn
# columns: each shows exactly what `Column.objects.published()` holds, no more, no fewer.

COLUMN_LINK = re.compile(r'href="/columns/([^/"]+)/"')
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WORD, TYPO, HIDDEN_WORD, HIDDEN_TYPO = "vuurtoren", "vuurtoern", "spookschip", "spookschp"
PER_PAGE = 2


@pytest.fixture
def mix(db, settings, django_user_model):
    """Four published columns among six hidden ones, over three authors, three themes
    and four years; the author `hidde` and the theme `geheim` have hidden columns only,
    and 2020 has withdrawn columns only. Two columns are scheduled."""
    settings.COLUMNS_PER_PAGE = PER_PAGE  # every listing has more than one page
    now = timezone.now()
    anna = factories.AuthorFactory(name="Anna Zeeman", slug="anna")
    bram = factories.AuthorFactory(name="Bram Landman", slug="bram")
    hidde = factories.AuthorFactory(name="Hidde Verborgen", slug="hidde")
    zee = factories.ThemeFactory(name="zee", slug="zee", featured=True)
    land = factories.ThemeFactory(name="land", slug="land")
    geheim = factories.ThemeFactory(name="geheim", slug="geheim", featured=True)

    def make(slug, author, themes, word="", **kwargs):
        body = f"De klant staat centraal. {word}\n\n" * 3
        return factories.ColumnFactory(
            slug=slug, title=f"Column {slug}", author=author, themes=themes, body=body, **kwargs
        )

    in_2020 = datetime(2020, 6, 1, 12, tzinfo=UTC)
    make("zee-2019", anna, [zee], WORD, published_at=datetime(2019, 5, 1, 12, tzinfo=UTC))
    make("land-2021", bram, [land, zee], published_at=datetime(2021, 3, 1, 12, tzinfo=UTC))
    make("zee-gisteren", anna, [zee, land], WORD, published_at=now - timedelta(days=1))
    make("land-eergisteren", bram, [land], published_at=now - timedelta(days=2))
    make("concept", bram, [zee, geheim], f"{WORD} {HIDDEN_WORD}", draft=True)
    make("concept-hidde", hidde, [geheim], draft=True)
    make("gepland", anna, [zee, land], WORD, scheduled=True)
    make("gepland-hidde", hidde, [geheim], scheduled=True)
    # Withdrawn: published, then set back to draft (in 2020, a year with no others).
    withdrawn = make("ingetrokken", bram, [zee, land], WORD, published_at=in_2020)
    withdrawn.status = Column.Status.DRAFT
    withdrawn.save()
    by_editor = make("ingetrokken-hidde", hidde, [geheim], HIDDEN_WORD, published_at=in_2020)
    editor = django_user_model.objects.create_user("redacteur", is_staff=True)  # no password
    editor.groups.add(redactie_group())
    editor_client = Client()
    editor_client.force_login(editor)
    editor_client.post(
        reverse("admin:articles_column_changelist"),
        {"action": "unpublish", "_selected_action": [by_editor.pk]},
    )
    assert Column.objects.get(pk=by_editor.pk).status == Column.Status.DRAFT


class Public:
    """What the public may see now, worked out from `Column.objects.published()`."""

    def __init__(self):
        self.columns = list(Column.objects.published().prefetch_related("themes"))
        self.slugs = {column.slug for column in self.columns}
        self.themes = {c.slug: {theme.slug for theme in c.themes.all()} for c in self.columns}

    def where(self, *, theme=None, author=None, year=None, word=None):
        return {
            column.slug
            for column in self.columns
            if (theme is None or theme in self.themes[column.slug])
            and (author is None or column.author.slug == author)
            and (year is None or timezone.localtime(column.published_at).year == year)
            and (word is None or word in column.body)
        }

    def counts(self, key):
        """{value: number of public columns} for "thema", "auteur" or "jaar"."""
        found = Counter()
        for column in self.columns:
            if key == "thema":
                found.update(self.themes[column.slug])
            elif key == "auteur":
                found[column.author.slug] += 1
            else:
                found[timezone.localtime(column.published_at).year] += 1
        return dict(found)

    def related(self, column):
        """ "Lees ook": the public columns sharing most themes, newest first, at most 3."""
        mine = self.themes[column.slug]
        shared = [
            (len(mine & self.themes[other.slug]), other.published_at, other.slug)
            for other in self.columns
            if other != column and mine & self.themes[other.slug]
        ]
        return [slug for *_, slug in sorted(shared, reverse=True)[:3]]


def column_links(response):
    assert response.status_code == 200, response.request["PATH_INFO"]
    return COLUMN_LINK.findall(response.content.decode())


def listed(client, url):
    """The columns of every page of a paged listing, following its "next" links."""
    slugs, page = [], client.get(url)
    while True:
        slugs += column_links(page)
        following = re.search(r'<a rel="next" href="([^"]+)"', page.content.decode())
        if not following:
            return slugs
        page = client.get(urljoin(url, html.unescape(following.group(1))))


def counted(response):
    """{link: count} of the list items that show a count ("3 columns")."""
    assert response.status_code == 200
    found = {}
    for item in re.findall(r"<li[^>]*>(.*?)</li>", response.content.decode(), re.S):
        link, count = re.search(r'href="([^"]+)"', item), re.search(r'class="count">(\d+)', item)
        if link and count:
            found[link.group(1)] = int(count.group(1))
    return found


def feed_links(client, url):
    """The column paths of a feed's entries, sorted."""
    response = client.get(url)
    assert response.status_code == 200
    entries = ElementTree.fromstring(response.content).iter(f"{ATOM}entry")
    return sorted(urlsplit(entry.find(f"{ATOM}link").get("href")).path for entry in entries)


def html_facets(response):
    """{"Thema": {label: count}, ...} of the search page's facets."""
    found = {}
    sections = re.findall(
        r'<section class="facet">\s*<h2 class="section-title">(\w+)</h2>(.*?)</section>',
        response.content.decode(),
        re.S,
    )
    for title, items in sections:
        pairs = re.findall(r"([^<>]+)</a>\s*<span class=\"count\">(\d+)</span>", items)
        found[title] = {label.strip(): int(count) for label, count in pairs}
    return found


def column_urls(slugs):
    return sorted(f"/columns/{slug}/" for slug in slugs)


def walk(client):
    """Every public path shows exactly what `published()` holds now."""
    public = Public()
    hidden = Column.objects.exclude(slug__in=public.slugs)
    assert hidden.exists(), "the mix must hide something"
    walk_pages(client, public, hidden)
    walk_feeds_and_sitemap(client, public)
    walk_search(client, public)
    walk_suggestions(client, public)
    return public


def walk_pages(client, public, hidden):
    """Home, every listing with all its pages, every column with its "Lees ook"."""
    newest = [c.slug for c in sorted(public.columns, key=lambda c: c.published_at, reverse=True)]
    # A theme without a public column is itself hidden (tests/test_themes.py).
    theme_counts = {
        theme.get_absolute_url(): public.counts("thema")[theme.slug]
        for theme in Theme.objects.all()
        if theme.slug in public.counts("thema")
    }
    author_counts = {
        author.get_absolute_url(): public.counts("auteur").get(author.slug, 0)
        for author in Author.objects.all()
    }
    home = client.get("/")
    assert column_links(home) == newest[:PER_PAGE]
    featured = {t.get_absolute_url() for t in Theme.objects.filter(featured=True)}
    assert counted(home) == {
        **{url: count for url, count in theme_counts.items() if url in featured},
        **{url: count for url, count in author_counts.items() if count},
    }
    assert listed(client, "/columns/") == newest
    for column in public.columns:
        assert column_links(client.get(column.get_absolute_url())) == public.related(column)
    for column in hidden:
        assert client.get(column.get_absolute_url()).status_code == 404

    assert counted(client.get("/themas/")) == theme_counts
    for theme in Theme.objects.all():
        expected = public.where(theme=theme.slug)
        if expected:
            assert sorted(listed(client, theme.get_absolute_url())) == sorted(expected)
        else:
            assert client.get(theme.get_absolute_url()).status_code == 404
    assert counted(client.get("/auteurs/")) == author_counts
    for author in Author.objects.all():
        expected = public.where(author=author.slug)
        assert sorted(listed(client, author.get_absolute_url())) == sorted(expected)

    years = public.counts("jaar")
    assert counted(client.get("/archief/")) == {
        f"/archief/{year}/": count for year, count in years.items()
    }
    for year in {*years, 2020}:
        url = f"/archief/{year}/"
        if year in years:
            assert sorted(listed(client, url)) == sorted(public.where(year=year))
        else:
            assert client.get(url).status_code == 404


def walk_feeds_and_sitemap(client, public):
    assert feed_links(client, "/feed/") == column_urls(public.slugs)
    for theme in Theme.objects.all():
        expected = column_urls(public.where(theme=theme.slug))
        if expected:
            assert feed_links(client, f"{theme.get_absolute_url()}feed/") == expected
        else:
            assert client.get(f"{theme.get_absolute_url()}feed/").status_code == 404
    for author in Author.objects.all():
        expected = column_urls(public.where(author=author.slug))
        assert feed_links(client, f"{author.get_absolute_url()}feed/") == expected

    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locations = [urlsplit(loc.text).path for loc in sitemap.iter(f"{SITEMAP}loc")]
    columns = sorted(path for path in locations if re.fullmatch("/columns/.+/", path))
    assert columns == column_urls(public.slugs)
    assert sorted(path for path in locations if re.fullmatch("/(themas|auteurs)/.+/", path)) == (
        sorted(
            [f"/themas/{slug}/" for slug in public.counts("thema")]
            + [f"/auteurs/{slug}/" for slug in public.counts("auteur")]
        )
    )


def search_json(client, **params):
    response = client.get("/zoeken/", {"q": "klant", **params, "formaat": "json"})
    assert response.status_code == 200
    return response.json()


def walk_search(client, public):
    """The search as HTML and as JSON: the results on every page, the total, the
    facets, each filter, and the counts of "Bedoelde je"."""
    years = {str(year): count for year, count in public.counts("jaar").items()}
    names = dict(Author.objects.values_list("slug", "name"))
    page = client.get("/zoeken/", {"q": "klant"})
    assert sorted(listed(client, "/zoeken/?q=klant")) == sorted(public.slugs)
    assertContains(page, f"{len(public.slugs)} columns gevonden")
    assert html_facets(page) == {
        "Thema": public.counts("thema"),
        "Auteur": {names[slug]: count for slug, count in public.counts("auteur").items()},
        "Jaar": years,
    }

    data = search_json(client)
    assert data["total"] == len(public.slugs)
    found = []
    for number in range(1, data["pages"] + 1):
        found += [
            urlsplit(hit["url"]).path for hit in search_json(client, pagina=number)["results"]
        ]
    assert sorted(found) == column_urls(public.slugs)
    facets = {
        key: {f["value"]: f["count"] for f in values} for key, values in data["facets"].items()
    }
    assert facets == {
        "thema": public.counts("thema"),
        "auteur": public.counts("auteur"),
        "jaar": years,
    }
    for theme in Theme.objects.all():
        assert search_json(client, thema=theme.slug)["total"] == len(public.where(theme=theme.slug))
    for author in Author.objects.all():
        expected = len(public.where(author=author.slug))
        assert search_json(client, auteur=author.slug)["total"] == expected
    for year in {*public.counts("jaar"), 2020}:
        assert search_json(client, jaar=year)["total"] == len(public.where(year=year))

    # A typo is corrected to the public columns only; "Bedoelde je" (for a literal
    # search) counts the public columns only; neither ever leads to a word that only
    # hidden columns hold.
    corrected = search_json(client, q=TYPO)
    assert (corrected["query"], corrected["corrected_from"]) == (WORD, TYPO)
    assert corrected["total"] == len(public.where(word=WORD))
    assert search_json(client, q=TYPO, thema="zee")["total"] == len(
        public.where(theme="zee", word=WORD)
    )
    assert search_json(client, q=TYPO, letterlijk="1")["suggestion"] == {
        "text": WORD,
        "count": len(public.where(word=WORD)),
    }
    assert search_json(client, q=TYPO, thema="zee", letterlijk="1")["suggestion"] == {
        "text": WORD,
        "count": len(public.where(theme="zee", word=WORD)),
    }
    hidden = search_json(client, q=HIDDEN_TYPO)
    assert (hidden["total"], hidden["corrected_from"], hidden["suggestion"]) == (0, None, None)
    assert search_json(client, q=HIDDEN_TYPO, letterlijk="1")["suggestion"] is None
    assert search_json(client, q=HIDDEN_WORD)["total"] == 0


def suggested(client, text):
    response = client.get(reverse("search:suggestions"), {"q": text})
    assert response.status_code == 200
    return {(item["type"], urlsplit(item["url"]).path) for item in response.json()["suggestions"]}


def walk_suggestions(client, public):
    """Search as you type suggests the public columns, and the themes and authors that
    have one, and nothing else, by name or by a typo in it."""
    assert suggested(client, "column") == {("column", path) for path in column_urls(public.slugs)}
    for theme in Theme.objects.all():
        expected = (
            {("thema", theme.get_absolute_url())} if theme.slug in public.counts("thema") else set()
        )
        assert {s for s in suggested(client, theme.name) if s[0] == "thema"} == expected
    for author in Author.objects.all():
        expected = (
            {("auteur", author.get_absolute_url())}
            if author.slug in public.counts("auteur")
            else set()
        )
        assert {s for s in suggested(client, author.name) if s[0] == "auteur"} == expected
        assert {
            s for s in suggested(client, author.name[:-1] + "x") if s[0] == "auteur"
        } == expected


def test_every_public_path_shows_exactly_the_published_columns(client, mix):
    public = walk(client)
    assert public.slugs == {"zee-2019", "land-2021", "zee-gisteren", "land-eergisteren"}


def test_every_public_path_shows_a_scheduled_column_when_its_time_has_come(
    client, mix, monkeypatch
):
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)

    public = walk(client)

    assert {"gepland", "gepland-hidde"} <= public.slugs
    assert len(public.slugs) == 6


def test_a_change_of_the_rule_reaches_every_path(client, mix, monkeypatch):
    """The rule is written once: tightened there, every path follows (here: an embargo
    on everything before 2020)."""
    rule = Column.public_lookups
    embargo = datetime(2020, 1, 1, tzinfo=UTC)
    monkeypatch.setattr(
        Column, "public_lookups", classmethod(lambda cls: {**rule(), "published_at__gte": embargo})
    )

    public = walk(client)

    assert public.slugs == {"land-2021", "zee-gisteren", "land-eergisteren"}


@pytest.mark.parametrize(
    "rule",
    [
        lambda now, author: {"status__in": ["published"], "published_at__lt": now},
        lambda now, author: {"status": "published", "published_at__isnull": False},
        lambda now, author: {"published_at__gt": now},
        lambda now, author: {"published_at": None},
        lambda now, author: {"author": author.pk, "status__in": []},
        lambda now, author: {"author": author.pk, "published_at__lte": now},
    ],
)
def test_the_search_follows_any_rule_its_rows_can_follow(column_factory, monkeypatch, rule):
    shared = factories.AuthorFactory()
    column_factory(author=shared)
    column_factory()
    column_factory(draft=True, author=shared)
    column_factory(scheduled=True)
    now, author = timezone.now(), shared
    monkeypatch.setattr(Column, "public_lookups", classmethod(lambda cls: rule(now, author)))

    expected = sorted(Column.objects.published().values_list("pk", flat=True))
    assert sorted(hit.column.pk for hit in search.search("klant").hits) == expected


@pytest.mark.parametrize(
    "lookup", ["reactions_closed", "author__slug", "published_at__year", "status__iexact"]
)
def test_the_search_refuses_a_rule_its_rows_cannot_follow(column, monkeypatch, lookup):
    monkeypatch.setattr(Column, "public_lookups", classmethod(lambda cls: {lookup: "x"}))

    with pytest.raises(ImproperlyConfigured, match=lookup):
        search.search("klant")
    (error,) = check_visibility_rule(None)
    assert error.id == "search.E001"
    assert lookup in error.msg
