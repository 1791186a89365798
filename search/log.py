"""The search log: what readers search, what they find, and which result they open.

`SearchLogMiddleware` sits above the page cache, so searches answered from the cache
are logged too: the search view marks its answer with the number of results and
the page shown (a header the page cache stores with the page), and the middleware
takes that header off again before the answer leaves. Logged: GET searches of the
HTML page and the JSON API answered 200 with something typed; not logged: staff,
bots by their user agent and requests that announce a prefetch (`ops.clients`), the
suggestions of the search boxes.

Nothing about the reader is stored (`SearchLog`): the query, normalised and masked
(`mask`), its stem key, the result count, page, filters, sort, and the time to the
minute. An opened result is reported by the browser's `ping` on the result link
(`opened_view`): it marks the newest search of the same query in the last
`OPEN_WINDOW` that had results and no opened result yet.

Never slowing a search: an entry goes to the worker's memory (microseconds); the
entries go to the database in one transaction after a response has finished once
`SEARCH_LOG_FLUSH_ENTRIES` have gathered, by a timer `SEARCH_LOG_FLUSH_SECONDS` after
the oldest (so a search shows in Zoekinzicht within a minute even on a quiet
worker), and when the worker stops normally. A worker that crashes or is killed
loses what it had not written yet: at most those seconds or entries. When the
database is down the entries stay in memory (up to `MAX_PENDING`) for the next try.
"""

import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ops import clients

from .forms import ErrorText, SearchForm, TextField
from .query import MAX_QUERY_LENGTH, clean, parse
from .synonyms import query_key

logger = logging.getLogger(__name__)

# The response header through which the search view tells the middleware what it found.
HEADER = "X-Search-Log"
MAX_PENDING = 20_000
# An opened result belongs to the newest search of its query at most this long before.
OPEN_WINDOW = timedelta(minutes=30)
# An open whose search is not in the database yet (another worker still holds it) is
# tried again at the next flushes, for at most this long.
OPEN_PATIENCE = 300

POSTCODE = re.compile(r"[1-9]\d{3}\s?[a-z]{2}", re.IGNORECASE)
MIN_PHONE_DIGITS = 9


def _postcode_with_number(match):
    text = match.group()
    return "[postcode]" if re.search(r"\d", POSTCODE.sub("", text, count=1)) else text


def _phone(match):
    digits = sum(char.isdigit() for char in match.group())
    return "[telefoon]" if digits >= MIN_PHONE_DIGITS else match.group()


# What looks like personal data, and what replaces it before anything is stored, in
# this order.
MASKS = [
    (re.compile(r"[^\s@]+@[^\s@]+"), "[e-mail]"),
    # A postcode with a house number before or after it: 1234 AB 5, 12a 1234AB.
    (
        re.compile(
            r"(?<!\w)(?:\d+\s*[a-z]?[\s,]+)?[1-9]\d{3}\s?[a-z]{2}(?:[\s,]+\d+\s*[a-z]?)?(?!\w)",
            re.IGNORECASE,
        ),
        _postcode_with_number,
    ),
    # A telephone number: + or 0 first, then at least 9 digits with separators.
    (re.compile(r"(?<![\w+])(?:\+|0)[\d\s\-./()]{8,}\d(?!\w)"), _phone),
    (re.compile(r"\d{6,}"), "[getal]"),
]


def mask(text):
    """`text` with e-mail addresses, postcodes with a house number, telephone numbers
    and runs of 6 or more digits replaced by a placeholder."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def normalised(text):
    """What is stored of a query: masked, cut like the parser cuts it, one space
    between words, lower case except the operator OR."""
    words = mask(clean(text or "")).split()
    return " ".join(word if word == "OR" else word.casefold() for word in words)[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class Search:
    query: str
    stem_key: str
    results: int
    page: int
    filters: str
    sort: str
    minute: datetime


@dataclass(frozen=True)
class Opened:
    query: str
    rank: int
    column_id: int
    at: datetime
    since: float  # time.monotonic() when it came in


_lock = threading.Lock()
_searches = []
_opens = []
_timer = None


def _this_minute():
    return timezone.now().replace(second=0, microsecond=0)


def _filters(params):
    parts = []
    if params["thema"]:
        parts.append("thema: " + ", ".join(params["thema"]))
    if params["auteur"]:
        parts.append(f"auteur: {params['auteur']}")
    if params["jaar"]:
        parts.append(f"jaar: {params['jaar']}")
    if params["letterlijk"]:
        parts.append("zoals getypt")
    return "; ".join(parts)[:300]


def search_entry(params, results, page):
    """The log entry of a search with the form's cleaned `params`, or None when nothing
    was typed."""
    query = normalised(params["q"])
    if not query:
        return None
    return Search(
        query=query,
        stem_key=query_key(parse(query)) or query[:200],
        results=results,
        page=page,
        filters=_filters(params),
        sort=params["sorteer"],
        minute=_this_minute(),
    )


def add(entry):
    """Keep `entry` (a Search or an Opened) for the next flush."""
    with _lock:
        pending = _searches if isinstance(entry, Search) else _opens
        if len(_searches) + len(_opens) >= MAX_PENDING:
            return
        pending.append(entry)
        _start_timer()


def _start_timer():
    """With `_lock` held: write the pending entries in SEARCH_LOG_FLUSH_SECONDS."""
    global _timer
    if _timer is None:
        _timer = threading.Timer(settings.SEARCH_LOG_FLUSH_SECONDS, _flush_by_timer)
        _timer.daemon = True
        _timer.start()


def pending():
    with _lock:
        return len(_searches) + len(_opens)


def discard():
    """Forget what was not written yet (tests start from nothing)."""
    global _searches, _opens, _timer
    with _lock:
        if _timer is not None:
            _timer.cancel()
        _searches, _opens, _timer = [], [], None


def flush_when_due(**kwargs):
    """After a response: write when many entries have gathered (the timer writes the
    others)."""
    if len(_searches) + len(_opens) >= settings.SEARCH_LOG_FLUSH_ENTRIES:
        flush_quietly()


def _flush_by_timer():
    global _timer
    with _lock:
        _timer = None
    try:
        flush_quietly()
    finally:
        connections.close_all()  # this thread's own connections


def flush_quietly():
    try:
        flush()
    except DatabaseError:
        logger.warning("Could not write the search log; kept for the next try.", exc_info=True)


def flush():
    """Write the pending searches, then mark the opened results (one transaction)."""
    global _searches, _opens
    with _lock:
        searches, opens, _searches, _opens = _searches, _opens, [], []
    if not searches and not opens:
        return
    try:
        waiting = _write(searches, opens)
    except Exception:
        with _lock:
            _searches[:0], _opens[:0] = searches, opens
        raise
    if waiting:
        with _lock:
            _opens[:0] = waiting
            _start_timer()


def _write(searches, opens):
    """Returns the opens whose search was not found, and not too old to wait for."""
    from articles.models import Column

    from .models import SearchLog

    waiting = []
    with transaction.atomic():
        SearchLog.objects.bulk_create(
            SearchLog(
                query=entry.query,
                stem_key=entry.stem_key,
                results=entry.results,
                page=entry.page,
                filters=entry.filters,
                sort=entry.sort,
                searched_at=entry.minute,
            )
            for entry in searches
        )
        existing = set(
            Column.objects.filter(pk__in={o.column_id for o in opens}).values_list("pk", flat=True)
        )
        for opened in opens:
            if opened.column_id not in existing:
                continue
            newest = (
                SearchLog.objects.filter(
                    query=opened.query,
                    results__gt=0,
                    opened_rank__isnull=True,
                    searched_at__gte=opened.at - OPEN_WINDOW,
                    searched_at__lte=opened.at,
                )
                .order_by("-searched_at", "-pk")
                .values("pk")[:1]
            )
            marked = SearchLog.objects.filter(pk__in=newest).update(
                opened_rank=opened.rank, opened_column_id=opened.column_id
            )
            if not marked and time.monotonic() - opened.since < OPEN_PATIENCE:
                waiting.append(opened)
    return waiting


def purge(*, older_than_days):
    """Delete the searches logged before the last `older_than_days` days; how many."""
    from .models import SearchLog

    since = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = SearchLog.objects.filter(searched_at__lt=since).delete()
    return deleted


def logs(request, response):
    """Whether this answer is a reader's search to log."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if clients.is_bot_or_prefetch(request):
        return False
    user = getattr(request, "user", None)  # absent on a page-cache hit: anonymous
    return not (user is not None and user.is_staff)


def mark(response, results):
    """Tell SearchLogMiddleware what the search view found (stored with a cached page)."""
    response[HEADER] = f"{results.total} {results.page.number if results.page else 1}"
    return response


class SearchLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        found = response.get(HEADER)
        if found is None:
            return response
        del response[HEADER]
        if logs(request, response):
            form = SearchForm(request.GET)
            if form.is_valid():
                total, page = (int(number) for number in found.split())
                entry = search_entry(form.cleaned_data, total, page)
                if entry is not None:
                    add(entry)
        return response


class OpenedForm(ErrorText, forms.Form):
    """The query string of the `ping` of a result link: /zoeken/geopend/?q=…&positie=3&column=17."""

    q = TextField(max_length=1000, error_messages={"required": "De zoekopdracht ontbreekt."})
    positie = forms.IntegerField(
        min_value=0,
        max_value=10_000,
        error_messages={"required": "De plaats ontbreekt.", "invalid": "Ongeldige plaats."},
    )
    column = forms.IntegerField(
        min_value=1,
        max_value=2**53,
        error_messages={"required": "De column ontbreekt.", "invalid": "Ongeldige column."},
    )


@csrf_exempt
@require_POST
def opened_view(request):
    """POST /zoeken/geopend/?q=…&positie=…&column=…: a reader opened a result (the
    browser's `ping` on the result link; positie 0 is a recommended column)."""
    form = OpenedForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")
    staff = getattr(request, "user", None) is not None and request.user.is_staff
    query = normalised(form.cleaned_data["q"])
    if query and not staff and not clients.is_bot_or_prefetch(request):
        add(
            Opened(
                query=query,
                rank=form.cleaned_data["positie"],
                column_id=form.cleaned_data["column"],
                at=timezone.now(),
                since=time.monotonic(),
            )
        )
    return HttpResponse(status=204)
