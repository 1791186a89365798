"""Reading figures as readers and editors see them."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Column
from feedback.models import Vote, score
from ops import reports
from reactions.models import Reaction

from .models import DailyViews

MOST_READ_DAYS = 30


def most_read(*, days=MOST_READ_DAYS, limit=5, theme=None):
    """The published columns read most in the last `days` days (one query)."""
    since = timezone.localdate() - timedelta(days=days - 1)
    columns = Column.objects.published()
    if theme is not None:
        columns = columns.filter(pk__in=Column.objects.filter(themes=theme).values("pk"))
    return list(
        columns.filter(daily_views__day__gte=since)
        .annotate(recent_views=Sum("daily_views__views"))
        .select_related("author")
        .order_by("-recent_views", "-published_at")[:limit]
    )


def most_read_context(request, theme=None, **kwargs):
    """The "Meest gelezen" part of the home page and a theme page. Cached with the
    page like the rest of it, so the list can be up to PAGE_CACHE_SECONDS old."""
    return {"most_read": most_read(limit=settings.MOST_READ_COUNT, theme=theme)}


@dataclass
class Day:
    day: object
    views: int
    from_search: int


def views_per_day(days):
    """Every day of the period, oldest first, with its views (0 for a quiet day)."""
    found = {
        row["day"]: row
        for row in DailyViews.objects.filter(day__gte=reports.first_day(days))
        .values("day")
        .annotate(views=Sum("views"), from_search=Sum("from_search"))
    }
    return [Day(*row) for row in reports.each_day(days, found, ["views", "from_search"])]


def _count(model_queryset):
    return Coalesce(
        Subquery(model_queryset.values("column").annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def top_columns(days, limit=20):
    """The columns read most in the period, with views, views from search, the
    "Was dit nuttig?" answers (of the period) and approved reactions (all)."""
    since = reports.first_day(days)
    votes = Vote.objects.filter(column=OuterRef("pk"), created_at__date__gte=since)
    columns = (
        Column.objects.filter(daily_views__day__gte=since)
        .annotate(
            period_views=Sum("daily_views__views"),
            period_from_search=Sum("daily_views__from_search"),
        )
        .annotate(
            useful_yes=_count(votes.filter(useful=True)),
            useful_no=_count(votes.filter(useful=False)),
            reaction_count=_count(Reaction.objects.approved().filter(column=OuterRef("pk"))),
        )
        .select_related("author")
        .order_by("-period_views", "title")[:limit]
    )
    for column in columns:
        column.useful_score = score(column.useful_yes, column.useful_no)
    return columns


def chart(days):
    """Bars for an SVG chart of views per day (ops.reports.BarChart)."""
    chart = reports.BarChart(len(days), max((day.views for day in days), default=0))
    return chart.context(
        [{**chart.bar(index, day.views), "day": day} for index, day in enumerate(days)]
    )


def report_context(days):
    per_day = views_per_day(days)
    totals = {
        "views": sum(day.views for day in per_day),
        "from_search": sum(day.from_search for day in per_day),
    }
    return {
        "days": days,
        "periods": reports.PERIODS,
        "per_day": per_day,
        "chart": chart(per_day),
        "totals": totals,
        "top": top_columns(days),
        "answers": Vote.objects.filter(created_at__date__gte=reports.first_day(days)).aggregate(
            yes=Count("pk", filter=Q(useful=True)), no=Count("pk", filter=Q(useful=False))
        ),
    }


def csv_response(days, kind):
    """Views per day, or the top columns, as a CSV file for a spreadsheet."""
    response, writer = reports.csv_download(f"columns-in-cijfers-{kind}", days)
    if kind == "dagen":
        writer.writerow(["dag", "weergaven", "via zoeken"])
        for day in views_per_day(days):
            writer.writerow([day.day.isoformat(), day.views, day.from_search])
    else:
        writer.writerow(
            [
                "column",
                "adres",
                "auteur",
                "weergaven",
                "via zoeken",
                "nuttig ja",
                "nuttig nee",
                "nuttig %",
                "reacties",
            ]
        )
        for column in top_columns(days, limit=1000):
            writer.writerow(
                [
                    column.title,
                    column.get_absolute_url(),
                    column.author.name,
                    column.period_views,
                    column.period_from_search,
                    column.useful_yes,
                    column.useful_no,
                    "" if column.useful_score is None else column.useful_score,
                    column.reaction_count,
                ]
            )
    return response
