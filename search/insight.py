"""Zoekinzicht: what readers searched, in figures for the editors (search.admin).

Every figure is one grouped query on the search log (`SearchLog`) of the period, so
the page runs the same queries however much was searched.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Avg, Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from ops import reports

from .models import SearchLog

LIMIT = 25
CSV_KINDS = ("dagen", "zoekopdrachten", "zonder-resultaat", "niet-geopend", "columns")


def _since(days):
    """The start of the first day of the period (local time)."""
    return timezone.make_aware(datetime.combine(reports.first_day(days), time()))


def _log(days):
    return SearchLog.objects.filter(searched_at__gte=_since(days))


@dataclass
class Day:
    day: object
    searches: int
    without_results: int


def searches_per_day(days):
    """Every day of the period, oldest first, with its searches and how many found
    nothing (0 for a quiet day)."""
    found = {
        row["day"]: row
        for row in _log(days)
        .annotate(day=TruncDate("searched_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(searches=Count("pk"), without_results=Count("pk", filter=Q(results=0)))
        .order_by()
    }
    return [Day(*row) for row in reports.each_day(days, found, ["searches", "without_results"])]


def chart(per_day):
    """Bars for an SVG chart of the searches per day (ops.reports.BarChart): each day's
    searches, and in front of it the part that found nothing."""
    chart = reports.BarChart(len(per_day), max((day.searches for day in per_day), default=0))
    return chart.context(
        [
            {
                "day": day,
                "all": chart.bar(index, day.searches),
                "none": chart.bar(index, day.without_results),
            }
            for index, day in enumerate(per_day)
        ]
    )


def top_queries(days, limit=LIMIT):
    """The queries searched most, with their results (the most any of them found) and
    how many searches led to an opened result."""
    return list(
        _log(days)
        .values("query")
        .annotate(
            searches=Count("pk"),
            results=Max("results"),
            opened=Count("opened_rank"),
            last=Max("searched_at"),
        )
        .order_by("-searches", "-last", "query")[:limit]
    )


def without_results(days, limit=LIMIT):
    """The queries that found nothing, grouped by their stems ("klantfocus" and
    "Klantfocus?" together), most frequent first, with one way it was typed."""
    return list(
        _log(days)
        .filter(results=0)
        .values("stem_key")
        .annotate(
            searches=Count("pk"),
            last=Max("searched_at"),
            typed=Max("query"),
            variants=Count("query", distinct=True),
        )
        .order_by("-searches", "-last", "stem_key")[:limit]
    )


def not_opened(days, limit=LIMIT):
    """The queries that found columns of which no reader opened one, grouped by stems."""
    return list(
        _log(days)
        .filter(results__gt=0)
        .values("stem_key")
        .annotate(
            searches=Count("pk"),
            opened=Count("opened_rank"),
            results=Max("results"),
            last=Max("searched_at"),
            typed=Max("query"),
        )
        .filter(opened=0)
        .order_by("-searches", "-last", "stem_key")[:limit]
    )


def most_opened(days, limit=LIMIT):
    """The columns readers opened most from the search results, with the average
    place among the results they were opened at, and how often as a recommendation."""
    return list(
        _log(days)
        .filter(opened_column__isnull=False)
        .values("opened_column", "opened_column__title")
        .annotate(
            opened=Count("pk"),
            rank=Avg("opened_rank", filter=Q(opened_rank__gt=0)),
            recommended=Count("pk", filter=Q(opened_rank=0)),
        )
        .order_by("-opened", "opened_column__title")[:limit]
    )


def totals(per_day):
    return {
        "searches": sum(day.searches for day in per_day),
        "without_results": sum(day.without_results for day in per_day),
    }


def report_context(days):
    per_day = searches_per_day(days)
    return {
        "days": days,
        "periods": reports.PERIODS,
        "per_day": per_day,
        "chart": chart(per_day),
        "totals": totals(per_day),
        "top": top_queries(days),
        "without_results": without_results(days),
        "not_opened": not_opened(days),
        "most_opened": most_opened(days),
    }


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def csv_response(days, kind):
    """One of the tables (CSV_KINDS) as a CSV file for a spreadsheet."""
    response, writer = reports.csv_download(f"zoekinzicht-{kind}", days)
    if kind == "dagen":
        writer.writerow(["dag", "zoekopdrachten", "zonder resultaat"])
        for day in searches_per_day(days):
            writer.writerow([day.day.isoformat(), day.searches, day.without_results])
    elif kind == "zoekopdrachten":
        writer.writerow(["zoekopdracht", "keer gezocht", "resultaten", "keer geopend", "laatst"])
        for row in top_queries(days, limit=1000):
            writer.writerow(
                [row["query"], row["searches"], row["results"], row["opened"], _local(row["last"])]
            )
    elif kind == "zonder-resultaat":
        writer.writerow(["stammen", "zoals getypt", "keer gezocht", "schrijfwijzen", "laatst"])
        for row in without_results(days, limit=1000):
            writer.writerow(
                [
                    row["stem_key"],
                    row["typed"],
                    row["searches"],
                    row["variants"],
                    _local(row["last"]),
                ]
            )
    elif kind == "niet-geopend":
        writer.writerow(["stammen", "zoals getypt", "keer gezocht", "resultaten", "laatst"])
        for row in not_opened(days, limit=1000):
            writer.writerow(
                [
                    row["stem_key"],
                    row["typed"],
                    row["searches"],
                    row["results"],
                    _local(row["last"]),
                ]
            )
    else:
        writer.writerow(["column", "keer geopend", "gemiddelde plaats", "als aanbeveling"])
        for row in most_opened(days, limit=1000):
            writer.writerow(
                [
                    row["opened_column__title"],
                    row["opened"],
                    "" if row["rank"] is None else f"{row['rank']:.1f}",
                    row["recommended"],
                ]
            )
    return response
