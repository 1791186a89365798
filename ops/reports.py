"""What the admin's report pages share ("Columns in cijfers", Zoekinzicht): the
periods a reader can pick, the bar chart of a figure per day and the tables as CSV
downloads."""

import csv
from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


def first_day(days):
    """The first day of the period of `days` days that ends today (local time)."""
    return timezone.localdate() - timedelta(days=days - 1)


def each_day(days, found, fields):
    """Every day of the period, oldest first, with the `fields` of its row in `found`
    ({day: row}); 0 for a quiet day."""
    first = first_day(days)
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = found.get(day, {})
        yield day, *(row.get(name, 0) for name in fields)


def period_from(request):
    """The period asked for in `?dagen=`, one of PERIODS (DEFAULT_PERIOD otherwise)."""
    text = request.GET.get("dagen", "")
    return int(text) if text.isdigit() and int(text) in PERIODS else DEFAULT_PERIOD


def csv_download(name, days):
    """A response that downloads as `<name>-<days>-dagen-<today>.csv`, marked so that
    spreadsheet programs read it as UTF-8, and a csv writer that writes into it."""
    today = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{days}-dagen-{today}.csv"'
    response.write("\ufeff")
    return response, csv.writer(response)


class BarChart:
    """The bars of an SVG chart with a slot per day, in a 0..100 by 0..40 box (the
    templates scale it): each bar 80% of its slot wide, the tallest `peak` high."""

    width, height = 100, 40

    def __init__(self, slots, peak):
        self.peak = peak or 1
        self.step = self.width / slots

    def bar(self, index, value):
        """x, y, width and height of the bar for `value` in slot `index`."""
        return {
            "x": round(index * self.step + self.step * 0.1, 3),
            "width": round(self.step * 0.8, 3),
            "y": round(self.height - value / self.peak * self.height, 3),
            "height": round(value / self.peak * self.height, 3),
        }

    def context(self, bars):
        return {"peak": self.peak, "width": self.width, "height": self.height, "bars": bars}
