"""Recommended columns ("Aanbevolen"): up to three published columns the editors put
above the results of a query, optionally until a day (`Recommendation`).

A recommendation matches a search whose typed words have the same stems (in any
order: search.synonyms.query_key), or would have with one of their synonyms
("klantfocus" with the two-way set "klantgericht, klantfocus" matches the
recommendation for "klantgericht"; a one-way "KC → klant centraal" lets "KC" match
"klant centraal", not the other way round). Which columns show is decided at each
search by `Column.objects.published()`: a draft, planned or withdrawn column never
shows, and a planned one appears at its time.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from articles.models import Column

from . import synonyms
from .query import parse

MAX_COLUMNS = 3


@dataclass
class Pins:
    """{query key: [(column id, until or None)]} in the editors' order."""

    by_key: dict = field(default_factory=dict)

    @classmethod
    def of(cls, rows):
        """From (query, until, column id) rows, in order."""
        pins = cls()
        for text, until, column_id in rows:
            key = synonyms.query_key(parse(text))
            if key:
                pins.by_key.setdefault(key, []).append((column_id, until))
        return pins

    def column_ids(self, keys, today):
        """The ids of the columns pinned for the first of `keys`, then the next, whose
        pin holds `today`: at most MAX_COLUMNS."""
        ids = []
        for key in keys:
            for column_id, until in self.by_key.get(key, ()):
                if (until is None or until >= today) and column_id not in ids:
                    ids.append(column_id)
        return ids[:MAX_COLUMNS]

    def next_end(self, today):
        """The moment the first pin still running ends (the end of its last day)."""
        pins = [pin for pinned in self.by_key.values() for pin in pinned]
        ends = [until for _, until in pins if until and until >= today]
        if not ends:
            return None
        day = min(ends) + timedelta(days=1)
        return timezone.make_aware(datetime.combine(day, time()))


def recommended(query, pins):
    """The published columns pinned for the (expanded) `query`, in order (one query,
    none when nothing is pinned for it)."""
    if not query or not pins.by_key:
        return []
    ids = pins.column_ids(synonyms.query_keys(query), timezone.localdate())
    if not ids:
        return []
    columns = Column.objects.published().select_related("author").with_annotations().in_bulk(ids)
    return [columns[pk] for pk in ids if pk in columns]
