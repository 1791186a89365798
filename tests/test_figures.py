"""Reading figures: views counted on the server, "Meest gelezen", and "Columns in
cijfers" in the admin."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from feedback.models import Vote
from figures import counter
from figures.models import DailyViews
from reactions.models import Reaction

from .factories import ReactionFactory
from .reactions import page_cache_on

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Macintosh) AppleWebKit/605.1 Safari/605.1"}


def views_of(column):
    counter.flush()
    return {
        (row.day, row.views, row.from_search) for row in DailyViews.objects.filter(column=column)
    }


def today(views, from_search=0):
    return {(timezone.localdate(), views, from_search)}


def test_a_readers_view_of_a_column_is_counted(client, column):
    client.get(column.get_absolute_url(), **BROWSER)
    client.get(column.get_absolute_url(), **BROWSER)
    assert views_of(column) == today(2)


def test_views_of_cached_pages_are_counted(settings, column):
    page_cache_on(settings)
    reader = Client()
    answers = [reader.get(column.get_absolute_url(), **BROWSER) for _ in range(3)]
    assert [page["X-Page-Cache"] for page in answers] == ["miss", "hit", "hit"]
    assert views_of(column) == today(3)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": ""},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (X11) HeadlessChrome/130.0"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {**BROWSER, "HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {**BROWSER, "HTTP_PURPOSE": "prefetch"},
        {**BROWSER, "HTTP_X_MOZ": "prefetch"},
    ],
)
def test_bots_and_prefetches_are_not_counted(client, column, headers):
    assert client.get(column.get_absolute_url(), **headers).status_code == 200
    assert views_of(column) == set()


def test_head_requests_staff_other_pages_and_missing_pages_are_not_counted(
    client, editor_client, column
):
    client.head(column.get_absolute_url(), **BROWSER)
    editor_client.get(column.get_absolute_url(), **BROWSER)
    client.get("/", **BROWSER)
    client.get("/columns/bestaat-niet/", **BROWSER)
    client.get(f"{column.get_absolute_url()}?nuttig=bedankt", **BROWSER)
    assert views_of(column) == set()
    assert not DailyViews.objects.exists()


def test_readers_coming_from_the_sites_search_are_counted_apart(client, column):
    client.get(
        column.get_absolute_url(), HTTP_REFERER="http://testserver/zoeken/?q=klant", **BROWSER
    )
    client.get(column.get_absolute_url(), HTTP_REFERER="https://elders.example/zoeken/", **BROWSER)
    client.get(column.get_absolute_url(), **BROWSER)
    assert views_of(column) == today(3, from_search=1)


def test_counts_reach_the_database_in_batches_after_the_response(client, column, settings):
    settings.FIGURES_FLUSH_VIEWS = 3
    for _ in range(2):
        client.get(column.get_absolute_url(), **BROWSER)
    assert not DailyViews.objects.exists()
    assert counter.pending() == 2
    client.get(column.get_absolute_url(), **BROWSER)
    assert counter.pending() == 0
    assert DailyViews.objects.get().views == 3


def test_batches_add_up(client, column):
    client.get(column.get_absolute_url(), **BROWSER)
    counter.flush()
    client.get(column.get_absolute_url(), **BROWSER)
    client.get(column.get_absolute_url(), **BROWSER)
    assert views_of(column) == today(3)


def test_counts_are_kept_when_the_database_fails(client, column, monkeypatch):
    client.get(column.get_absolute_url(), **BROWSER)

    def database_down(batch):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(counter, "_write", database_down)
    counter.flush_quietly()
    assert counter.pending() == 1
    monkeypatch.undo()
    assert views_of(column) == today(1)


def read(column, views, days_ago=0):
    day = timezone.localdate() - timedelta(days=days_ago)
    row, _ = DailyViews.objects.get_or_create(column=column, day=day)
    row.views += views
    row.save()


def test_most_read_on_the_home_page(client, column_factory):
    popular, second, old_favourite = column_factory(), column_factory(), column_factory()
    draft = column_factory(status="draft")
    read(popular, 50)
    read(popular, 30, days_ago=29)
    read(second, 40)
    read(old_favourite, 500, days_ago=30)
    read(draft, 900)

    html = client.get("/").content.decode()
    section = html[html.index("Meest gelezen") :]
    assert section.index(popular.title) < section.index(second.title)
    assert old_favourite.title not in section
    assert draft.title not in section

    with_four = queries_of_the_home_page(client)
    for column in column_factory.create_batch(6):
        read(column, 10)
    assert queries_of_the_home_page(client) == with_four


def queries_of_the_home_page(client):
    with CaptureQueriesContext(connection) as queries:
        assert "Meest gelezen" in client.get("/").content.decode()
    return len(queries)


def test_most_read_on_a_theme_page_lists_only_that_themes_columns(client, theme, column_factory):
    inside, outside = column_factory(themes=[theme]), column_factory()
    read(inside, 5)
    read(outside, 50)
    html = client.get(theme.get_absolute_url()).content.decode()
    section = html[html.index("Meest gelezen") :]
    assert inside.title in section and outside.title not in section


def test_no_most_read_section_without_views(client, column):
    assertNotContains(client.get("/"), "Meest gelezen")


def test_editors_see_columns_in_figures(editor_client, column, column_factory):
    read(column, 12)
    read(column, 8, days_ago=3)
    DailyViews.objects.filter(column=column, day=timezone.localdate()).update(from_search=4)
    Vote.objects.create(column=column, useful=True)
    Vote.objects.create(column=column, useful=True)
    Vote.objects.create(column=column, useful=False)
    ReactionFactory(column=column, status=Reaction.Status.APPROVED)
    column_factory(title="Door niemand gelezen")

    index = editor_client.get("/admin/")
    assertContains(index, "Columns in cijfers")
    report = editor_client.get("/admin/figures/dailyviews/")
    assertContains(report, "<strong>20</strong> weergaven")
    assertContains(report, "waarvan 4 via de zoekfunctie")
    assertContains(report, column.title)
    assertNotContains(report, "Door niemand gelezen")
    assertContains(report, "67%")
    assertContains(report, "(2 ja, 1 nee)")
    html = report.content.decode()
    assert html.count('class="figures__bar"') == 30
    # SVG numbers have a decimal point, whatever the language of the page.
    bars = re.findall(
        r'class="figures__bar" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', html
    )
    assert len(bars) == 30
    assert all(re.fullmatch(r"[0-9]+(\.[0-9]+)?", number) for bar in bars for number in bar)
    tallest = max(bars, key=lambda bar: float(bar[3]))
    assert float(tallest[3]) == 40  # today's 12 views, the peak, fill the chart
    assert "<caption>Weergaven per dag</caption>" in html

    week = editor_client.get("/admin/figures/dailyviews/?dagen=7")
    assert week.content.decode().count('class="figures__bar"') == 7
    odd = editor_client.get("/admin/figures/dailyviews/?dagen=abc")
    assert odd.status_code == 200


def test_the_figures_download_as_csv(editor_client, column):
    read(column, 12)
    read(column, 8, days_ago=3)
    response = editor_client.get("/admin/figures/dailyviews/?dagen=7&csv=dagen")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["dag", "weergaven", "via zoeken"]
    assert len(rows) == 8
    assert rows[-1] == [timezone.localdate().isoformat(), "12", "0"]

    response = editor_client.get("/admin/figures/dailyviews/?dagen=30&csv=columns")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == column.title and rows[1][3] == "20"


def test_readers_and_staff_without_the_permission_see_no_figures(client, django_user_model):
    assert client.get("/admin/figures/dailyviews/").status_code == 302
    stranger = django_user_model.objects.create_user("gast", password="x", is_staff=True)
    other = Client()
    other.force_login(stranger)
    assert other.get("/admin/figures/dailyviews/").status_code == 403
