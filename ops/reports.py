"""What the admin's report pages share ("Columns in cijfers", Zoekinzicht): the
periods a reader can pick and the tables as CSV downloads."""

import csv

from django.http import HttpResponse
from django.utils import timezone

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


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
