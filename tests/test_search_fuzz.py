"""Property-based fuzzing of the whole search view: any text, any operator, any
parameter gives a 200, or a 400 with a Dutch message for each parameter that is really
wrong; never a 5xx, never a draft."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import search

from . import factories

URL = reverse("search:search")
PIECES = [
    '"',
    "-",
    "OR",
    "AND",
    "NOT",
    "NEAR(",
    ")",
    "(",
    "*",
    "^",
    "title:",
    "{title}:",
    ":",
    "'",
    ";",
    "--",
    "DROP TABLE articles_column",
    "\x00",
    "\\",
    "%",
    "_",
    "😀",
    "עברית",
    "\u202e",
    "klant",
    "klanten",
    "medewerkers*",
    "geheimzinnig",
    "één",
    "ideeën",
    " ",
    "  ",
    # typos and compounds (search/fuzzy.py)
    "pinautomat",
    "Hermarji",
    "kalnt",
    "klantcentraal",
    "coachendleidinggeven",
    "klant arena",
    "pin automaat",
    "geheimzinnik",
    "x" * 35,
    "klantklantklantklantklantklant",
]


# Slips of the finger on words the index holds (the seed's, and the hidden columns').
VOCABULARY = [
    "klant",
    "medewerkers",
    "evenwaardigheid",
    "pinautomaat",
    "vroedvrouw",
    "hermarij",
    "leidinggeven",
    "geheimzinnig",
    "dienstverlening",
]


def slip(word, position, how, letter):
    """`word` with one typing error at `position`: swapped, dropped, doubled or
    replaced letter, or split in two."""
    i = position % len(word)
    if how == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if how == "drop":
        return word[:i] + word[i + 1 :]
    if how == "double":
        return word[:i] + word[i] + word[i:]
    if how == "split":
        return word[:i] + " " + word[i:]
    return word[:i] + letter + word[i + 1 :]


slips = st.builds(
    slip,
    st.sampled_from(VOCABULARY),
    st.integers(0, 20),
    st.sampled_from(["swap", "drop", "double", "replace", "split"]),
    st.sampled_from("abcdefghijklmnopqrstuvwxyzë1"),
)
words = st.one_of(st.sampled_from(PIECES), st.text(max_size=12), slips)
queries = st.one_of(
    st.text(max_size=300),
    st.lists(words, max_size=12).map(" ".join),
    st.lists(words, max_size=12).map("".join),
)


def with_noise(values):
    """Values as a link carries them, and with NUL bytes or spaces around them."""
    return st.one_of(values, values.map(lambda v: f"\x00{v}"), values.map(lambda v: f" {v} "))


params = st.fixed_dictionaries(
    {"q": queries},
    optional={
        "pagina": with_noise(
            st.one_of(
                st.integers(-5, 10**25).map(str),
                st.text(max_size=8),
                st.sampled_from(["", "0", "007", "²", "٣", "9" * 5000]),
            )
        ),
        "thema": st.lists(
            with_noise(
                st.one_of(st.sampled_from(["klant-centraal", "geheim", ""]), st.text(max_size=8))
            ),
            max_size=8,
        ),
        "auteur": with_noise(
            st.one_of(st.sampled_from(["bart-groothuis", ""]), st.text(max_size=8))
        ),
        "jaar": with_noise(
            st.one_of(
                st.integers(-1, 99999).map(str),
                st.text(max_size=5),
                st.sampled_from(["", "2019", "²²²²", "٢٠١٩"]),
            )
        ),
        "sorteer": with_noise(
            st.one_of(st.sampled_from(["datum", "relevantie", ""]), st.text(max_size=5))
        ),
        "formaat": with_noise(
            st.one_of(st.sampled_from(["json", "html", ""]), st.text(max_size=5))
        ),
        "letterlijk": with_noise(st.sampled_from(["1", "0", "", "ja"])),
        "onbekend": st.text(max_size=5),
    },
)


def wrong(params):
    """The parameters that are really wrong (see search/forms.py); the rest have defaults
    or are cleaned up: NUL bytes dropped, spaces stripped, empty and repeated themes
    ignored."""

    def clean(key):
        return params.get(key, "").replace("\x00", "").strip()

    found = set()
    page = clean("pagina")
    if page and (not re.fullmatch("[0-9]+", page) or not page.strip("0")):
        found.add("pagina")
    elif len(page.lstrip("0")) > 6:
        found.add("pagina")
    year = clean("jaar")
    if year and not re.fullmatch("[0-9]{4}", year):
        found.add("jaar")
    themes = {slug.replace("\x00", "").strip() for slug in params.get("thema", [])}
    if len(themes - {""}) > 5:
        found.add("thema")
    if clean("sorteer") not in ("", "datum", "relevantie"):
        found.add("sorteer")
    if clean("formaat") not in ("", "json", "html"):
        found.add("formaat")
    return found


MESSAGES = re.compile(
    "(Dat paginanummer is te groot\\.|Geef het paginanummer als een heel getal vanaf 1, zoals 2\\."
    "|Geef het jaar als vier cijfers, zoals 2019\\.|Kies hoogstens 5 thema’s tegelijk\\."
    "|Sorteer op relevantie of op datum\\.|Kies het formaat html of json\\.)"
)


@pytest.fixture
def corpus(seed):
    theme = factories.ThemeFactory(name="geheim", slug="geheim")
    factories.ColumnFactory(
        title="Geheimzinnig concept over klanten", slug="concept-geheim", draft=True, themes=[theme]
    )
    factories.ColumnFactory(
        title="Geheimzinnig gepland over klanten", slug="gepland-geheim", scheduled=True
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=params)
def test_search_never_fails_and_never_shows_a_draft(client, corpus, params):
    response = client.get(URL, params)
    errors = wrong(params)
    as_json = params.get("formaat", "").replace("\x00", "").strip() == "json"
    body = response.content.decode()
    if errors:
        assert response.status_code == 400
        message = response.json()["fout"] if as_json else body
        assert len(MESSAGES.findall(message)) == len(errors)
        return
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json" if as_json else "text/html")
    assert "concept-geheim" not in body
    assert "gepland-geheim" not in body


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed=st.lists(slips, min_size=1, max_size=4).map(" ".join), as_json=st.booleans())
def test_typos_are_corrected_to_public_columns_only(client, corpus, typed, as_json):
    """A corrected search shows what it searched for and finds something; a draft's
    word never becomes a correction or a suggestion."""
    params = {"q": typed, **({"formaat": "json"} if as_json else {})}
    response = client.get(URL, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "concept-geheim" not in body
    assert "gepland-geheim" not in body
    results = search.search(typed)
    if results.corrected:
        assert results.total > 0
        assert results.suggestion is None
    if results.suggestion:
        assert results.total == 0
        assert results.suggestion.count > 0
    shown = results.corrected + (results.suggestion.text if results.suggestion else "")
    assert "geheimzinnig" not in shown.lower()
