"""What the editors curate for search, kept in each process's memory: the synonym
table (search.synonyms) and the recommended columns (search.recommend).

Read from the database once, and again whenever the page cache's content generation
moves (`ops.pagecache.content_generation`): saving a synonym set or a recommendation
moves it (search.apps), so a change applies to the next search on every app server,
and cached search pages are stale at once. A search pays for reading the generation
(on SQLite nothing while the file did not change).
"""

import threading
from dataclasses import dataclass

from django.utils import timezone

from ops import pagecache

from . import recommend, synonyms

_lock = threading.Lock()
_current = None


@dataclass
class Curated:
    generation: str
    synonyms: synonyms.Table
    pins: recommend.Pins


def _build(generation):
    from .models import RecommendedColumn, SynonymSet

    sets = SynonymSet.objects.values_list("words", "also_find")
    rows = RecommendedColumn.objects.values_list(
        "recommendation__query", "recommendation__until", "column_id"
    ).order_by("recommendation__query", "position", "pk")
    table = synonyms.Table.of(sets)
    return Curated(generation, table, recommend.Pins.of(rows))


def current():
    """The synonyms and recommendations as they are now."""
    global _current
    generation = pagecache.content_generation()
    found = _current
    if found is not None and found.generation == generation:
        return found
    with _lock:
        if _current is None or _current.generation != generation:
            _current = _build(generation)
        return _current


def next_change():
    """When a recommendation ends without anyone saving anything (for the page cache)."""
    return current().pins.next_end(timezone.localdate())


def forget():
    """Drop what is kept (tests: changes inside a transaction that never commits do not
    move the generation)."""
    global _current
    _current = None
