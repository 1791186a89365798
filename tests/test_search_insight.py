"""Zoekinzicht in the admin: what readers search, and what to do about what fails."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from search import log
from search.models import SearchLog

from . import factories

INSIGHT = reverse("admin:search_searchlog_changelist")
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0"}


def searched(query, results, *, days_ago=0, opened=None, rank=None, times=1):
    entry = log.search_entry(
        {
            "q": query,
            "thema": [],
            "auteur": "",
            "jaar": None,
            "letterlijk": False,
            "sorteer": "relevantie",
        },
        results,
        1,
    )
    SearchLog.objects.bulk_create(
        SearchLog(
            query=entry.query,
            stem_key=entry.stem_key,
            results=results,
            sort=entry.sort,
            searched_at=timezone.now() - timedelta(days=days_ago),
            opened_column=opened,
            opened_rank=rank,
        )
        for _ in range(times)
    )


def test_only_those_who_may_view_the_search_log_see_it(
    client, editor_client, db, django_user_model
):
    assert client.get(INSIGHT).status_code == 302  # to the login
    staff = django_user_model.objects.create_user(username="stagiair", is_staff=True)
    client.force_login(staff)
    assert client.get(INSIGHT).status_code == 403
    assert editor_client.get(INSIGHT).status_code == 200
    assert editor_client.get(reverse("admin:search_searchlog_add")).status_code == 403


def test_queries_without_results_are_grouped_by_stem_with_counts_and_last_seen(editor_client, db):
    searched("klantfocus", 0, days_ago=3, times=2)
    searched("Klantfocus?", 0, days_ago=1)
    searched("zwembadrooster", 0)
    searched("klant", 4, times=5)
    searched("zwerfkei", 0, days_ago=40)
    response = editor_client.get(INSIGHT)
    rows = response.context["without_results"]
    assert [(row["stem_key"], row["searches"], row["variants"]) for row in rows] == [
        ("klantfocus", 3, 2),
        ("zwembadroo", 1, 1),
    ]
    assertContains(response, "en 1 andere schrijfwijze")
    assertContains(response, "<strong>9</strong> zoekopdrachten")
    assertNotContains(response, "zwerfkei")
    assert "zwerfkei" in [
        r["stem_key"] for r in editor_client.get(INSIGHT, {"dagen": 90}).context["without_results"]
    ]
    # One click to a synonym, a recommendation or a draft with the query filled in.
    assertContains(response, f"{reverse('admin:search_synonymset_add')}?words=klantfocus%3F")
    assertContains(response, f"{reverse('admin:search_recommendation_add')}?query=zwembadrooster")
    assertContains(response, f"{reverse('admin:articles_column_add')}?title=Zwembadrooster")


def test_results_nobody_opened_top_queries_and_most_opened_columns(editor_client, db):
    column = factories.ColumnFactory(title="Ga jij naar de klant?")
    searched("klant", 4, times=3)
    searched("klanten", 4, opened=column, rank=2)
    searched("vergaderen", 2, times=2)
    searched("klantfocus", 1, opened=column, rank=0)
    context = editor_client.get(INSIGHT).context
    assert [(row["stem_key"], row["searches"]) for row in context["not_opened"]] == [
        ("vergader", 2)
    ]
    assert [(row["query"], row["searches"], row["opened"]) for row in context["top"]][:2] == [
        ("klant", 3, 0),
        ("vergaderen", 2, 0),
    ]
    [opened] = context["most_opened"]
    assert (opened["opened_column__title"], opened["opened"], opened["rank"]) == (
        "Ga jij naar de klant?",
        2,
        2,
    )
    assert opened["recommended"] == 1


def test_the_page_writes_its_own_workers_unwritten_searches_first(client, editor_client, db):
    client.get(reverse("search:search"), {"q": "zwembadrooster"}, **BROWSER)
    assert not SearchLog.objects.exists()
    rows = editor_client.get(INSIGHT).context["without_results"]
    assert [row["typed"] for row in rows] == ["zwembadrooster"]


def test_searches_per_day_cover_every_day_of_the_period(editor_client, db):
    searched("klant", 2, days_ago=2, times=3)
    searched("niets", 0, days_ago=2)
    response = editor_client.get(INSIGHT, {"dagen": 7})
    per_day = response.context["per_day"]
    assert len(per_day) == 7
    assert [(day.searches, day.without_results) for day in per_day][-3] == (4, 1)
    assert sum(day.searches for day in per_day) == 4
    assertContains(response, '<svg viewBox="0 0 100 40"', count=1)
    # The day of the peak fills the chart; its part without results is a quarter of it.
    peak = response.context["chart"]["bars"][-3]
    assert (peak["all"]["y"], peak["all"]["height"]) == (0, 40)
    assert (peak["none"]["y"], peak["none"]["height"]) == (30, 10)
    assert peak["all"]["x"] == peak["none"]["x"] == round(4 * 100 / 7 + 100 / 70, 3)
    assertContains(response, "<caption>Zoekopdrachten per dag</caption>")
    assert editor_client.get(INSIGHT, {"dagen": "365"}).context["days"] == 30


@pytest.mark.parametrize(
    "kind, header",
    [
        ("dagen", ["dag", "zoekopdrachten", "zonder resultaat"]),
        (
            "zoekopdrachten",
            ["zoekopdracht", "keer gezocht", "resultaten", "keer geopend", "laatst"],
        ),
        (
            "zonder-resultaat",
            ["stammen", "zoals getypt", "keer gezocht", "schrijfwijzen", "laatst"],
        ),
        ("niet-geopend", ["stammen", "zoals getypt", "keer gezocht", "resultaten", "laatst"]),
        ("columns", ["column", "keer geopend", "gemiddelde plaats", "als aanbeveling"]),
    ],
)
def test_every_table_downloads_as_csv(editor_client, db, kind, header):
    column = factories.ColumnFactory(title="Eén column")
    searched("klantfocus", 0)
    searched("klant", 3, opened=column, rank=1)
    searched("vergaderen", 3)
    response = editor_client.get(INSIGHT, {"dagen": 7, "csv": kind})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"zoekinzicht-{kind}-7-dagen-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == header
    assert len(rows) - 1 == {"dagen": 7, "zoekopdrachten": 3}.get(kind, 1)


def test_the_page_runs_the_same_queries_however_much_was_searched(editor_client, db):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(INSIGHT).status_code == 200
        return len(queries)

    column = factories.ColumnFactory()
    searched("klant", 1, opened=column, rank=1)
    searched("niets", 0)
    few = count()
    for number in range(30):
        searched(f"woord{number}", number % 3, opened=column if number % 2 else None, rank=1)
    assert count() == few
