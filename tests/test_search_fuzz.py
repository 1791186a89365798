"""Property-based fuzzing of the whole search view: any text, any operator, any
parameter gives a 200 (or a 400 for an over-long page number), never a draft."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
]
words = st.one_of(st.sampled_from(PIECES), st.text(max_size=12))
queries = st.one_of(
    st.text(max_size=300),
    st.lists(words, max_size=12).map(" ".join),
    st.lists(words, max_size=12).map("".join),
)
params = st.fixed_dictionaries(
    {"q": queries},
    optional={
        "pagina": st.one_of(
            st.integers(-5, 10**25).map(str), st.text(max_size=8), st.sampled_from(["²", "٣"])
        ),
        "thema": st.one_of(st.sampled_from(["klant-centraal", "geheim"]), st.text(max_size=8)),
        "auteur": st.text(max_size=8),
        "jaar": st.one_of(
            st.integers(-1, 99999).map(str), st.text(max_size=5), st.sampled_from(["²²²²", "٢٠١٩"])
        ),
        "sorteer": st.sampled_from(["datum", "relevantie", "x"]),
        "formaat": st.sampled_from(["json", "html", ""]),
    },
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
    page = params.get("pagina", "").strip()
    if re.fullmatch(r"[0-9]{7,}", page):
        assert response.status_code == 400
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "concept-geheim" not in body
    assert "gepland-geheim" not in body
