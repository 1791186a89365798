"""Recommended columns ("Aanbevolen"): the editors' picks above the results."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Column
from search import curated
from search.models import Recommendation, RecommendedColumn, SynonymSet

from . import factories
from .reactions import Browser, page_cache_on

URL = reverse("search:search")


def pin(text, *columns, until=None):
    recommendation = Recommendation.objects.create(query=text, until=until)
    for position, column in enumerate(columns, start=1):
        RecommendedColumn.objects.create(
            recommendation=recommendation, column=column, position=position
        )
    curated.forget()  # no commit in a test moves the generation
    return recommendation


def recommended(client, text, **params):
    data = client.get(URL, {"q": text, "formaat": "json", **params}).json()
    return [item["title"] for item in data["recommended"]]


@pytest.fixture
def picks(db):
    return [
        factories.ColumnFactory(title=f"Aanrader {number}", body="Over vergaderen.")
        for number in range(3)
    ]


def test_pinned_columns_show_above_the_results_in_order(client, picks):
    factories.ColumnFactory(title="Klantfocus in de praktijk", body="Klantfocus.")
    pin("klantfocus", picks[2], picks[0])
    response = client.get(URL, {"q": "klantfocus"})
    html = response.content.decode()
    section = html[html.index('class="search-recommended"') : html.index('id="zoekresultaten"')]
    assert "Aanbevolen" in section
    assert section.index("Aanrader 2") < section.index("Aanrader 0")
    assert "Klantfocus in de praktijk" not in section
    ping = 'ping="http://testserver/zoeken/geopend/?q=klantfocus&amp;positie=0&amp;column='
    assert ping in section
    assert recommended(client, "klantfocus") == ["Aanrader 2", "Aanrader 0"]


def test_pins_match_after_stemming_in_any_order_and_also_when_nothing_else_is_found(client, picks):
    pin("klant centraal", picks[0])
    assert recommended(client, "Klanten  centraal") == ["Aanrader 0"]
    assert recommended(client, "centraal klant") == ["Aanrader 0"]
    assert recommended(client, "klant") == []
    pin("zwembadrooster", picks[1])
    data = client.get(URL, {"q": "zwembadrooster", "formaat": "json"}).json()
    assert data["total"] == 0 and [c["title"] for c in data["recommended"]] == ["Aanrader 1"]


def test_pins_match_through_synonyms_one_way_only_where_the_set_says_so(client, picks):
    SynonymSet.objects.create(words="klantfocus, klantgerichtheid")
    SynonymSet.objects.create(words="KC", also_find="klant centraal")
    pin("klantgerichtheid", picks[0])
    pin("klant centraal", picks[1])
    pin("kc", picks[2])
    assert recommended(client, "klantfocus") == ["Aanrader 0"]
    assert recommended(client, "KC") == ["Aanrader 2", "Aanrader 1"]
    assert recommended(client, "klant centraal") == ["Aanrader 1"]


def test_drafts_planned_and_withdrawn_columns_never_show(client, picks):
    draft = factories.ColumnFactory(title="Concept", draft=True)
    planned = factories.ColumnFactory(title="Gepland", scheduled=True)
    withdrawn = factories.ColumnFactory(title="Ingetrokken")
    withdrawn.status = Column.Status.DRAFT
    withdrawn.save()
    pin("vergaderen", draft, planned, withdrawn)
    assert recommended(client, "vergaderen") == []
    pin("vergaderen", picks[0])
    assert recommended(client, "vergaderen") == ["Aanrader 0"]


def test_a_pin_ends_after_its_last_day_and_shows_on_the_first_page_only(client, picks, settings):
    today = timezone.localdate()
    pin("vergaderen", picks[0], until=today)
    pin("vergaderen", picks[1], until=today - timedelta(days=1))
    assert recommended(client, "vergaderen") == ["Aanrader 0"]
    settings.COLUMNS_PER_PAGE = 1
    assert recommended(client, "vergaderen", pagina=2) == []


def test_cached_search_pages_follow_a_new_pin_and_expire_when_it_ends(
    settings, picks, django_capture_on_commit_callbacks
):
    page_cache_on(settings)
    reader = Browser()
    assert "Aanbevolen" not in reader.get(URL, {"q": "vergaderen"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        pin("vergaderen", picks[0], until=timezone.localdate())
    assert "Aanbevolen" in reader.get(URL, {"q": "vergaderen"}).content.decode()
    # The page cache keeps no page past this moment (ops.pagecache.register_expiry).
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert curated.next_change() == timezone.make_aware(datetime.combine(tomorrow, time()))


def test_recommendations_add_at_most_one_query(client, picks):
    def count(text):
        client.get(URL, {"q": text})
        with CaptureQueriesContext(connection) as queries:
            client.get(URL, {"q": text})
        return len(queries)

    without = count("vergaderen")
    pin("vergaderen", *picks)
    assert count("vergaderen") == without + 1


def inline(*column_ids, total=3):
    data = {
        "columns-TOTAL_FORMS": str(total),
        "columns-INITIAL_FORMS": "0",
        "columns-MIN_NUM_FORMS": "0",
        "columns-MAX_NUM_FORMS": "3",
    }
    for index, pk in enumerate(column_ids):
        data[f"columns-{index}-column"] = str(pk)
        data[f"columns-{index}-position"] = "1"
    return data


def test_editors_pin_up_to_three_columns_numbered_in_order(editor_client, picks):
    add = reverse("admin:search_recommendation_add")
    form = editor_client.get(add, {"query": "zwembadrooster"}).context["adminform"].form
    assert form.initial["query"] == "zwembadrooster"
    ids = [picks[2].pk, picks[0].pk, picks[1].pk]
    response = editor_client.post(
        add, {"query": "  zwembad  rooster ", "until": "", **inline(*ids)}
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert recommendation.query == "zwembad rooster"
    assert [(c.column_id, c.position) for c in recommendation.columns.all()] == [
        (picks[2].pk, 1),
        (picks[0].pk, 2),
        (picks[1].pk, 3),
    ]
    fourth = factories.ColumnFactory()
    too_many = editor_client.post(
        add, {"query": "vergaderen", "until": "", **inline(*ids, fourth.pk, total=4)}
    )
    assert too_many.status_code == 200
    assert "Verstuur maximaal 3 formulieren" in too_many.content.decode()
    assert Recommendation.objects.count() == 1
