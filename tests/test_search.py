"""The search page a reader uses: /zoeken/ with highlights, facets, suggestions, JSON."""

import re
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from search import MAX_QUERY_LENGTH
from search.forms import SearchForm

from . import factories

URL = reverse("search:search")


class ResultLinks(HTMLParser):
    """Collects the first link of each top-level <li> of <ol id="zoekresultaten">."""

    def __init__(self):
        super().__init__()
        self.depth = None  # <li>/<ol> nesting inside the results list
        self.links, self.want_link = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth is None:
            if tag == "ol" and attrs.get("id") == "zoekresultaten":
                self.depth = 0
            return
        if tag in ("li", "ol", "ul"):
            self.depth += 1
            if tag == "li" and self.depth == 1:
                self.want_link = True
        elif tag == "a" and self.want_link:
            self.links.append(attrs["href"])
            self.want_link = False

    def handle_endtag(self, tag):
        if self.depth is not None and tag in ("li", "ol", "ul"):
            self.depth = None if self.depth == 0 else self.depth - 1


def result_links(response):
    """The first link of each result, in order."""
    parser = ResultLinks()
    parser.feed(response.content.decode())
    return parser.links


def test_header_has_a_labelled_search_box_on_every_page(client, seed):
    response = client.get(reverse("articles:home"))
    assertContains(response, f'<form class="site-search" role="search" action="{URL}"')
    assertContains(response, '<label class="site-search__label" for="kop-zoekterm">Zoeken</label>')
    assertContains(response, 'id="kop-zoekterm" type="search" name="q"')


def test_results_link_to_the_columns_in_order(client, seed):
    response = client.get(URL, {"q": "Aileen Nederlof"})
    assert response.status_code == 200
    assert result_links(response) == ["/columns/klant-vriend-of-vijand/"]
    assertContains(response, "1 column gevonden")


def test_inflected_matches_are_marked_and_the_rest_escaped(client, column_factory):
    column_factory(
        title="Over <b>klanten</b> & co",
        slug="over-klanten",
        lead="De klant wacht.",
        body="Onze medewerkers helpen de klanten <script>alert(1)</script> graag.",
    )
    response = client.get(URL, {"q": "klant medewerker"})
    html = response.content.decode()
    assert "Over &lt;b&gt;<mark>klanten</mark>&lt;/b&gt; &amp; co" in html
    assert "Onze <mark>medewerkers</mark> helpen de <mark>klanten</mark>" in html
    assert "<script>alert" not in html


def test_a_prefix_finds_the_words_whose_stem_is_spelt_otherwise(client, column_factory):
    """The stem of "organisatie" is "organiseer", which does not begin with "organisa":
    the words of the index that begin with a typed prefix count too."""
    column_factory(title="Een lerende organisatie", slug="lerend", body="Elke organisatie leert.")
    column_factory(title="Over koffie", slug="koffie", body="Niets over werkgevers.")
    response = client.get(URL, {"q": "Organisa*", "formaat": "json"})
    assert [hit["title"] for hit in response.json()["results"]] == ["Een lerende organisatie"]
    html = client.get(URL, {"q": "organisa*"}).content.decode()
    assert "Een lerende <mark>organisatie</mark>" in html


@pytest.mark.parametrize("start", ["klant", "orz", "zz", "b9", "x"])
def test_the_words_that_begin_with_a_prefix_are_a_range_of_the_vocabulary(db, start):
    from search.engine import _begins_with
    from search.models import SearchWord

    vocabulary = [
        "klant",
        "klanten",
        "klanu",
        "klans",
        "orz",
        "orzo",
        "os",
        "orzz",
        "zz",
        "zzz",
        "z",
        "b9",
        "b99",
        "ba",
        "b8z",
        "x",
        "xy",
        "w",
        "y",
    ]
    SearchWord.objects.bulk_create(SearchWord(word=word, stem=word) for word in vocabulary)
    found = SearchWord.objects.filter(_begins_with(start)).values_list("word", flat=True)
    assert sorted(found) == sorted(word for word in vocabulary if word.startswith(start))


def test_snippet_shows_the_matching_passage_of_a_long_text(client, column_factory):
    body = (
        "Een gewone zin over het werk. " * 60
        + "Hier staat het woord zeldzaamheid. "
        + ("Nog een gewone zin. " * 60)
    )
    column_factory(title="Lang", slug="lang", body=body)
    response = client.get(URL, {"q": "zeldzaamheid"})
    assertContains(response, "<mark>zeldzaamheid</mark>")
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', response.content.decode(), re.S)
    assert snippet.group(1).startswith("…") and snippet.group(1).endswith("…")
    assert len(snippet.group(1)) < 400


def test_only_published_columns_are_found(client, column_factory):
    column_factory(title="Zichtbare walrus", slug="zichtbaar")
    column_factory(title="Geheime walrus", slug="geheim", draft=True)
    column_factory(title="Geplande walrus", slug="gepland", scheduled=True)
    response = client.get(URL, {"q": "walrus"})
    assert result_links(response) == ["/columns/zichtbaar/"]
    assertNotContains(response, "Geheime")
    assertNotContains(response, "Geplande")


def test_a_scheduled_column_appears_when_its_time_has_come(client, column_factory, monkeypatch):
    column = column_factory(title="Toekomstige pinguïn", slug="pinguin", scheduled=True)
    assert result_links(client.get(URL, {"q": "pinguin"})) == []
    later = column.published_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert result_links(client.get(URL, {"q": "pinguin"})) == ["/columns/pinguin/"]


def test_sort_by_date(client, column_factory):
    now = timezone.now()
    column_factory(title="Otter otter", slug="oud", published_at=now - timedelta(days=9))
    column_factory(
        title="Iets", slug="nieuw", body="Een otter.", published_at=now - timedelta(days=1)
    )
    assert result_links(client.get(URL, {"q": "otter"})) == ["/columns/oud/", "/columns/nieuw/"]
    by_date = client.get(URL, {"q": "otter", "sorteer": "datum"})
    assert result_links(by_date) == ["/columns/nieuw/", "/columns/oud/"]


def test_pagination_keeps_the_query(client, column_factory, settings):
    settings.COLUMNS_PER_PAGE = 2
    for number in range(5):
        column_factory(title=f"Bever {number}", slug=f"bever-{number}")
    first = client.get(URL, {"q": "bever"})
    assertContains(first, "5 columns gevonden")
    assertContains(first, 'href="?q=bever&amp;pagina=2"')
    third = client.get(URL, {"q": "bever", "pagina": 3})
    assert len(result_links(third)) == 1
    beyond = client.get(URL, {"q": "bever", "pagina": 99})
    assert len(result_links(beyond)) == 1


PAGE_NUMBER = "Geef het paginanummer als een heel getal vanaf 1, zoals 2."
YEAR = "Geef het jaar als vier cijfers, zoals 2019."


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"pagina": "1234567"}, "Dat paginanummer is te groot."),
        ({"pagina": "9" * 5000}, "Dat paginanummer is te groot."),
        ({"pagina": "twee"}, PAGE_NUMBER),
        ({"pagina": "0"}, PAGE_NUMBER),
        ({"pagina": "-2"}, PAGE_NUMBER),
        ({"pagina": "2.5"}, PAGE_NUMBER),
        ({"pagina": "²"}, PAGE_NUMBER),
        ({"jaar": "twintig"}, YEAR),
        ({"jaar": "20190"}, YEAR),
        ({"jaar": "٢٠١٩"}, YEAR),
        ({"thema": ["a", "b", "c", "d", "e", "f"]}, "Kies hoogstens 5 thema’s tegelijk."),
        ({"sorteer": "titel"}, "Sorteer op relevantie of op datum."),
        ({"pagina": "x", "jaar": "y"}, f"{PAGE_NUMBER} {YEAR}"),
    ],
)
def test_wrong_parameters_get_a_clear_dutch_400(client, seed, params, message):
    page = client.get(URL, {"q": "klant", **params})
    assertContains(page, f'<p class="search-message" role="alert">{message}</p>', status_code=400)
    assertContains(page, 'value="klant"', status_code=400)  # the query stays in the box
    as_json = client.get(URL, {"q": "klant", **params, "formaat": "json"})
    assert (as_json.status_code, as_json.json()) == (400, {"fout": message})


def test_an_unknown_format_gets_a_clear_dutch_400_as_html(client, seed):
    response = client.get(URL, {"q": "klant", "formaat": "xml"})
    assertContains(response, "Kies het formaat html of json.", status_code=400)
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"pagina": ""},
        {"pagina": " 1 "},
        {"pagina": "1\x00"},
        {"jaar": ""},
        {"thema": ["", "\x00"]},
        {"thema": ["klant-centraal"] * 6},  # the same theme six times is one theme
        {"sorteer": ""},
        {"sorteer": "relevantie"},
        {"formaat": ""},
        {"formaat": "html"},
        {"auteur": ""},
        {"utm_source": "nieuwsbrief"},
    ],
)
def test_what_a_reader_may_leave_out_or_add_is_the_first_page(client, seed, params):
    response = client.get(URL, {"q": "klant", **params})
    assert response.status_code == 200
    assert response.context["results"].page.number == 1
    assert response.context["results"].total == 5


def test_with_five_themes_chosen_no_link_adds_a_sixth(client, column_factory):
    themes = [factories.ThemeFactory(name=f"thema {n}", slug=f"thema-{n}") for n in range(6)]
    column_factory(title="Zes thema's", themes=themes)
    chosen = [theme.slug for theme in themes[:5]]

    response = client.get(URL, {"q": "klant", "thema": chosen})

    assertContains(response, "1 column gevonden")
    assertContains(response, "<span>thema 5</span>", html=True)
    assertContains(response, "Hoogstens 5 thema’s tegelijk: haal er een weg")
    links = re.findall(r'href="(/zoeken/\?[^"]*)"', response.content.decode())
    assert len(links) == 9  # remove each of 5 themes, the author and the year; sort; clear
    for link in links:
        assert client.get(unescape(link)).status_code == 200, link


def test_the_form_reads_every_parameter():
    form = SearchForm(
        QueryDict(
            "q=%22klant%22+-x&pagina=3&thema=a&thema=b&thema=a&thema=&auteur=+an\x00na+"
            "&jaar=2019&sorteer=datum&formaat=json"
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "q": '"klant" -x',
        "pagina": 3,
        "thema": ["a", "b"],
        "auteur": "anna",
        "jaar": 2019,
        "sorteer": "datum",
        "letterlijk": False,
        "formaat": "json",
    }
    empty = SearchForm(QueryDict(""))
    assert empty.is_valid()
    assert empty.cleaned_data == {
        "q": "",
        "pagina": 1,
        "thema": [],
        "auteur": "",
        "jaar": None,
        "sorteer": "relevantie",
        "letterlijk": False,
        "formaat": "html",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Typ een of meer woorden"),
        ("de het van", "Die woorden komen in bijna elke tekst voor."),
        ("de", "Dat woord komt in bijna elke tekst voor."),
        ("-klant", "Geef naast de woorden die u uitsluit ook een woord op"),
        ("zxqvbnm", "Geen columns gevonden."),
    ],
)
def test_friendly_message_instead_of_an_empty_page(client, seed, text, message):
    response = client.get(URL, {"q": text})
    assert response.status_code == 200
    assertContains(response, message)


@pytest.mark.parametrize(
    ("params", "suggested"),
    [
        # too short to be corrected in the search itself (4 letters: exact only)
        ({"q": "klnt"}, "klant"),
        # a literal search ("Zoek in plaats daarvan op ...") is not corrected
        ({"q": "evenwaardighied", "letterlijk": "1"}, "evenwaardigheid"),
        ({"q": "kalnt", "letterlijk": "1"}, "klant"),
    ],
)
def test_did_you_mean_with_the_hit_count(client, seed, params, suggested):
    response = client.get(URL, params)
    assertContains(response, f'Bedoelde je: <a href="{URL}?q={suggested}">{suggested}</a>?')
    count = client.get(URL, {"q": suggested}).context["results"].total
    assert count > 0
    assertContains(response, f"({count} column{'s' if count > 1 else ''})")


def test_facets_count_the_current_query_and_narrow_it(client, seed):
    response = client.get(URL, {"q": "klant"})
    facets = response.context["results"].facets
    assert {f.label: f.count for f in facets["thema"]}["klant centraal"] == 5
    assert sum(f.count for f in facets["auteur"]) == 5
    assert {f.label: f.count for f in facets["jaar"]} == {
        "2019": 1,
        "2018": 1,
        "2017": 1,
        "2014": 1,
        "2012": 1,
    }
    narrowed = client.get(URL, {"q": "klant", "thema": "evenwaardigheid", "jaar": 2012})
    assert result_links(narrowed) == [
        "/columns/ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid/"
    ]
    assertContains(narrowed, "Filter thema evenwaardigheid verwijderen")
    assertContains(narrowed, f'href="{URL}?q=klant&amp;jaar=2012"')  # removes the theme
    assertContains(narrowed, "Alle filters wissen")
    by_author = client.get(URL, {"q": "klant", "auteur": "bart-groothuis"})
    assert result_links(by_author) == ["/columns/klanten-komen-altijd-van-rechts-of-niet/"]


def test_each_filtered_or_sorted_view_has_its_own_title(client, seed):
    def title(**params):
        html = client.get(URL, params).content.decode()
        return re.search(r"<title>(.*?)</title>", html).group(1)

    assert title(q="klant") == "Zoeken: klant · Kennisbank"
    assert title(q="klant", sorteer="datum") == "Zoeken: klant (nieuwste eerst) · Kennisbank"
    assert (
        title(q="klant", thema="evenwaardigheid", auteur="dirk-boersma")
        == "Zoeken: klant (evenwaardigheid, Dirk Boersma) · Kennisbank"
    )


def test_search_engines_keep_one_search_page(client, seed):
    response = client.get(URL, {"q": "klant", "thema": "klant-centraal"})

    assertContains(response, f'<link rel="canonical" href="http://testserver{URL}">')
    assertNotContains(response, "noindex")
    html = response.content.decode()
    refining = re.findall(r'<a href="/zoeken/\?[^"]*"([^>]*)>', html)
    assert refining and all('rel="nofollow"' in attrs for attrs in refining)


def test_json_api(client, seed):
    response = client.get(URL, {"q": "evenwaardigheid", "formaat": "json"})
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["total"] == 2
    first = data["results"][0]
    assert first["url"] == (
        "http://testserver/columns/ook-in-relaties-met-klanten-draait-het-om-evenwaardigheid/"
    )
    assert first["author"] == "Dirk Boersma"
    assert first["date"].startswith("2012-10-09")
    assert "evenwaardigheid" in first["themes"]
    assert "<mark>" in first["snippet"]
    assert {"thema", "auteur", "jaar"} == set(data["facets"])
    assert data["suggestion"] is None
    assert data["corrected_from"] is None
    typo = client.get(URL, {"q": "evenwaardighied", "formaat": "json"}).json()
    assert typo["query"] == "evenwaardigheid"
    assert typo["corrected_from"] == "evenwaardighied"
    assert typo["total"] == 2
    assert typo["suggestion"] is None
    literal = {"q": "evenwaardighied", "formaat": "json", "letterlijk": "1"}
    typo = client.get(URL, literal).json()
    assert typo["total"] == 0
    assert typo["corrected_from"] is None
    assert typo["suggestion"] == {"text": "evenwaardigheid", "count": 2}


def test_an_over_long_query_is_cut(client, seed):
    response = client.get(URL, {"q": "klant " * 2000})
    assert response.status_code == 200
    assert len(response.context["q"]) <= MAX_QUERY_LENGTH


def test_query_count_does_not_grow_with_the_number_of_results(client, db, settings):
    settings.COLUMNS_PER_PAGE = 50
    author = factories.AuthorFactory()
    themes = [factories.ThemeFactory(), factories.ThemeFactory()]

    def make(count):
        for _ in range(count):
            factories.ColumnFactory(title="Koala", author=author, themes=themes)
            factories.ColumnFactory(title="Koala", themes=[factories.ThemeFactory()])

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL, {"q": "koala", "thema": themes[0].slug})
        assert response.status_code == 200
        return len(context), len(result_links(response))

    client.get(URL, {"q": "koala"})  # reads the synonyms and recommendations once
    make(2)
    few, shown_few = count_queries()
    make(20)
    many, shown_many = count_queries()
    assert (shown_few, shown_many) == (2, 22)
    # On PostgreSQL the search also runs a savepoint (the test's transaction) and
    # sets, then resets, the planner's options (search.postgres.planner).
    planner = 4 if connection.vendor == "postgresql" else 0
    assert few == many <= 6 + planner


def test_admin_search_uses_the_same_engine(editor_client, column_factory):
    column_factory(title="Draft over organisaties", slug="concept", draft=True)
    column_factory(title="Iets anders", slug="anders")
    response = editor_client.get(reverse("admin:articles_column_changelist"), {"q": "organisatie"})
    assertContains(response, "Draft over organisaties")
    assertNotContains(response, "Iets anders")
    everything = editor_client.get(reverse("admin:articles_column_changelist"), {"q": '"('})
    assert everything.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "klant", "auteur": "\x00"},
        {"q": "klant", "thema": ["\x00", "klant-centraal"]},
        {"q": "0", "auteur": "john\x00hermarij"},
        {"q": "\x00klant\x00"},
    ],
)
def test_nul_bytes_in_filters_never_reach_the_database(client, seed, params):
    assert client.get("/zoeken/", params).status_code == 200
