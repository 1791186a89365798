"""Counting views of columns without slowing a page.

`ViewCountMiddleware` sits above the page cache, so cached pages are counted too.
A view adds one to a counter in the worker's memory (a few microseconds); the
counts go to the database in one transaction when a request has finished and the
oldest count is `FIGURES_FLUSH_SECONDS` old or `FIGURES_FLUSH_VIEWS` views have
gathered, and when the worker stops normally. A worker that crashes or is killed
loses what it had not written yet: at most those seconds or views. When the
database is down, the counts stay in memory (up to `MAX_PENDING` columns and
days) and are written with the next flush.

Not counted: anything but a plain GET answered 200, staff, requests that announce
a prefetch, bots by their user agent, and the return to the page after answering
"Was dit nuttig?".
"""

import functools
import logging
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from ops import clients

logger = logging.getLogger(__name__)

MAX_PENDING = 50_000


_lock = threading.Lock()
_pending = Counter()  # (slug, day, from_search) -> views
_since = None  # when the oldest pending view was counted (time.monotonic())
_views = 0  # the pending views in all, kept so that checking after a request is O(1)


@functools.lru_cache(maxsize=4096)
def column_slug(path, urlconf):
    """The slug of the column page at `path`, or None for any other page."""
    try:
        match = resolve(path, urlconf=urlconf)
    except Resolver404:
        return None
    if match.view_name != "articles:column_detail":
        return None
    return match.kwargs.get("slug")


@functools.cache
def _search_path():
    return reverse("search:search")


def _from_search(request):
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return False
    parts = urlsplit(referer)
    return parts.netloc == request.get_host() and parts.path == _search_path()


def counts(request, response):
    """Whether this request is a reader's view of a column page."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if "nuttig" in request.GET:
        return False
    if clients.is_bot_or_prefetch(request):
        return False
    user = getattr(request, "user", None)  # absent on a page-cache hit: anonymous
    return not (user is not None and user.is_staff)


def add(slug, from_search=False):
    global _since, _views
    key = (slug, timezone.localdate(), bool(from_search))
    with _lock:
        if key not in _pending and len(_pending) >= MAX_PENDING:
            return
        _pending[key] += 1
        _views += 1
        if _since is None:
            _since = time.monotonic()


def pending():
    with _lock:
        return _views


def discard():
    """Forget the counts not written yet (tests start from none)."""
    global _pending, _since, _views
    with _lock:
        _pending, _since, _views = Counter(), None, 0


def _due():
    if _since is None:
        return False
    if _views >= settings.FIGURES_FLUSH_VIEWS:
        return True
    return time.monotonic() - _since >= settings.FIGURES_FLUSH_SECONDS


def flush_when_due(**kwargs):
    if _due():
        flush_quietly()


def flush_quietly():
    try:
        flush()
    except DatabaseError:
        logger.warning("Could not write the view counts; kept for the next try.", exc_info=True)


def flush():
    """Write the pending counts to the database (one transaction)."""
    global _pending, _since, _views
    with _lock:
        batch, _pending, _since, _views = _pending, Counter(), None, 0
    if not batch:
        return
    try:
        _write(batch)
    except Exception:
        with _lock:
            _pending.update(batch)
            _views += batch.total()
            _since = _since or time.monotonic()
        raise


def _write(batch):
    from articles.models import Column

    from .models import DailyViews

    totals = Counter()
    for (slug, day, from_search), views in batch.items():
        totals[slug, day, "views"] += views
        if from_search:
            totals[slug, day, "from_search"] += views
    slugs = {slug for slug, _, _ in totals}
    ids = dict(Column.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    rows = {}
    for (slug, day, field), views in totals.items():
        if slug in ids:
            rows.setdefault((ids[slug], day), {"views": 0, "from_search": 0})[field] += views
    with transaction.atomic():
        for (column_id, day), added in rows.items():
            _add_to_row(DailyViews, column_id, day, added)


def _add_to_row(DailyViews, column_id, day, added):
    increment = {field: F(field) + value for field, value in added.items()}
    if DailyViews.objects.filter(column_id=column_id, day=day).update(**increment):
        return
    try:
        with transaction.atomic():
            DailyViews.objects.create(column_id=column_id, day=day, **added)
    except IntegrityError:  # another worker made the row meanwhile
        DailyViews.objects.filter(column_id=column_id, day=day).update(**increment)


class ViewCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        slug = column_slug(request.path_info, urlconf)
        if slug is not None and counts(request, response):
            add(slug, _from_search(request))
        return response
