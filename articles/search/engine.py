"""Running a search: match, rank, page, facets, snippets and "Bedoelde je"."""

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BigIntegerField, F, Func
from django.db.models.expressions import RawSQL
from django.utils import timezone

from articles.models import Author, Column, Theme, ThemedColumn

from . import rows
from .dutch import words
from .highlight import highlight, snippet
from .index import backend, plain_text
from .models import SearchWord
from .query import parse

RELEVANCE, DATE = "relevantie", "datum"
# The score of a column: for each search term, these points for each field it occurs
# in. Whole numbers, computed alike on both databases; ties go to the newest column.
WEIGHTS = {"title": 8, "middle": 4, "body": 1}


def matching(queryset, query):
    """`queryset` narrowed to the columns that match `query` (a parsed Query)."""
    sql, params = backend().matching_ids(query)
    if backend().PLAIN_ID_FILTER:
        return queryset.filter(pk__in=RawSQL(sql, params))
    # SQLite would look every match up by rowid, reading the whole row (long texts
    # inline) for status and date; "+id" makes it scan the small covering index.
    unindexed_id = Func(F("pk"), template="+%(expressions)s", output_field=BigIntegerField())
    return queryset.alias(search_id=unindexed_id).filter(search_id__in=RawSQL(sql, params))


@dataclass
class Hit:
    column: Column
    title: str
    snippet: str


@dataclass
class Facet:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Suggestion:
    text: str
    count: int


@dataclass
class Results:
    query: object
    message: str = ""
    total: int = 0
    page: object = None
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    suggestion: Suggestion | None = None


def _filtered(queryset, *, themes, author, year):
    for slug in themes:
        queryset = queryset.filter(
            pk__in=ThemedColumn.objects.filter(tag__slug=slug).values("content_object_id")
        )
    if author:
        queryset = queryset.filter(author__slug=author)
    if year:
        queryset = queryset.filter(published_at__year=year)
    return queryset


class _Ranked:
    """The ordered ids of the matches, fetched a page (LIMIT/OFFSET) at a time."""

    def __init__(self, total, sql, params):
        self.total, self.sql, self.params = total, sql, params

    def __len__(self):
        return self.total

    def __getitem__(self, page):
        start, stop = page.start or 0, min(page.stop, self.total)
        if stop <= start:
            return []
        with connection.cursor() as cursor:
            cursor.execute(f"{self.sql} LIMIT %s OFFSET %s", [*self.params, stop - start, start])
            return [row[0] for row in cursor.fetchall()]


def search(text, *, themes=(), author="", year=None, order=RELEVANCE, page=1, per_page=None):
    """Search the published columns. Never raises on any `text`."""
    query = parse(text)
    results = Results(query=query)
    if not query:
        results.message = _empty_message(query)
        return results
    filters = {"themes": list(themes), "author": author, "year": year}
    where, params = _where(query, **filters)
    results.total, results.facets = _count_and_facets(where, params, **filters)
    # Rank ids only (the sort carries no long texts), then fetch the page's rows.
    paginator = Paginator(
        _ranked(query, where, params, results.total, order), per_page or settings.COLUMNS_PER_PAGE
    )
    paginator.count = results.total
    results.page = paginator.page(min(max(page, 1), paginator.num_pages))
    ids = list(results.page.object_list)
    columns = Column.objects.with_related().in_bulk(ids)
    results.page.object_list = [columns[pk] for pk in ids if pk in columns]
    results.hits = [
        Hit(
            column=column,
            title=highlight(column.title, query),
            snippet=snippet(plain_text(column.body_html), query, fallback=column.lead),
        )
        for column in results.page.object_list
    ]
    results.suggestion = _suggestion(query, filters)
    if not results.total:
        results.message = "Geen columns gevonden."
        if not results.suggestion:
            results.message += " Probeer minder of andere woorden."
    return results


def _ranked(query, where, params, total, order):
    """The ids of the matches in `order`, ties to the newest column, then the higher id."""
    if order == DATE:
        order_by, order_params = "r.published_at DESC, r.column_id DESC", []
    else:
        score_sql, order_params = _score(query)
        order_by = f"{score_sql} DESC, r.published_at DESC, r.column_id DESC"
    return _Ranked(
        total,
        f"SELECT r.column_id FROM {where} ORDER BY {order_by}",
        [*params, *order_params],
    )


def _where(query, *, themes, author, year):
    """FROM and WHERE (and parameters) over the search rows `r`, selecting the published
    columns that match `query` and the facet filters."""
    match_sql, params = backend().matching_ids(query)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if backend().PLAIN_ID_FILTER:
        # PostgreSQL guesses 200 distinct ids behind an IN and probes the rows one by
        # one; joined (the ids are distinct), it hashes them against one scan.
        source = f"{rows.TABLE} r JOIN ({match_sql}) AS m (id) ON m.id = r.column_id"
        parts = []
    else:
        source = f"{rows.TABLE} r"
        parts = [f"r.column_id IN ({match_sql})"]
    parts += ["r.status = %s", "r.published_at <= %s"]
    params = [*params, Column.Status.PUBLISHED, now]
    for slug in themes:
        parts.append(
            f"r.column_id IN (SELECT tc.content_object_id FROM {ThemedColumn._meta.db_table} tc"
            f" JOIN {Theme._meta.db_table} t ON t.id = tc.tag_id WHERE t.slug = %s)"
        )
        params.append(slug)
    if author:
        parts.append(f"r.author_id IN (SELECT id FROM {Author._meta.db_table} WHERE slug = %s)")
        params.append(author)
    if year:
        parts.append("r.year = %s")
        params.append(year)
    return f"{source} WHERE " + " AND ".join(parts), params


def _score(query):
    """The relevance of the search row `r` for `query` as SQL (the same on both
    databases): WEIGHTS points for each field each term occurs in."""
    parts, params = [], []
    for term in dict.fromkeys(query.terms):
        pattern = rows.pattern(term)
        parts.append(f"(CASE WHEN r.title LIKE %s THEN {WEIGHTS['title']} ELSE 0 END)")
        parts.append(f"(CASE WHEN r.middle LIKE %s THEN {WEIGHTS['middle']} ELSE 0 END)")
        body_sql, body_params = backend().matching_ids(query, field="body", term=term)
        parts.append(f"(CASE WHEN r.column_id IN ({body_sql}) THEN {WEIGHTS['body']} ELSE 0 END)")
        params += [pattern, pattern, *body_params]
    return "(" + " + ".join(parts) + ")", params


def _empty_message(query):
    if query.excluded:
        return "Geef naast de woorden die u uitsluit ook een woord op om naar te zoeken."
    if query.ignored_words:
        which = "Die woorden komen" if len(query.ignored_words) > 1 else "Dat woord komt"
        return f"{which} in bijna elke tekst voor. Voeg een woord toe dat beschrijft wat u zoekt."
    return "Typ een of meer woorden om in alle columns te zoeken."


FACET_LIMIT = 10


def _top(facets):
    """The FACET_LIMIT largest values, and any selected one beyond them."""
    return [f for index, f in enumerate(facets) if index < FACET_LIMIT or f.selected]


def _count_and_facets(where, params, *, themes, author, year):
    """The total and the facets of the matches, from one query that runs the match once:
    the matching search rows (materialised) grouped by author and year (whose sum is
    the total), and joined with the theme links grouped by theme."""
    authors, years = Counter(), Counter()
    names, theme_rows = {}, []
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT r.column_id, r.author_id, r.year FROM {where})"
            " SELECT * FROM ("
            " SELECT 0 AS kind, a.slug, a.name, g.year, g.count FROM (SELECT author_id, year,"
            " COUNT(*) AS count FROM m GROUP BY author_id, year) g"
            f" JOIN {Author._meta.db_table} a ON a.id = g.author_id"
            " UNION ALL"
            " SELECT 1 AS kind, t.slug, t.name, NULL AS year, COUNT(*) AS count"
            f" FROM {ThemedColumn._meta.db_table} tc JOIN m ON m.column_id = tc.content_object_id"
            f" JOIN {Theme._meta.db_table} t ON t.id = tc.tag_id GROUP BY t.slug, t.name"
            ") u ORDER BY kind, count DESC, name",
            params,
        )
        for kind, slug, name, number, count in cursor.fetchall():
            if kind:
                theme_rows.append((slug, name, count))
                continue
            authors[slug] += count
            names[slug] = name
            years[number] += count
    total = sum(authors.values())
    if not total:
        return 0, {"thema": [], "auteur": [], "jaar": []}
    by_count = sorted(authors.items(), key=lambda item: (-item[1], names[item[0]]))
    return total, {
        "thema": _top(
            [Facet(slug, name, count, slug in themes) for slug, name, count in theme_rows]
        ),
        "auteur": _top(
            [Facet(slug, names[slug], count, slug == author) for slug, count in by_count]
        ),
        "jaar": [
            Facet(str(number), str(number), count, number == year)
            for number, count in sorted(years.items(), reverse=True)
        ],
    }


MAX_SUGGESTED_WORDS = 2


def _suggestion(query, filters):
    """ "Bedoelde je": for typed words that match nothing, the closest indexed words."""
    single = [term for term in query.terms if not term.prefix and not term.is_phrase]
    if not single:
        return None
    known = set(
        SearchWord.objects.filter(stem__in={term.stems[0] for term in single}).values_list(
            "stem", flat=True
        )
    )
    missing = [term for term in single if term.stems[0] not in known][:MAX_SUGGESTED_WORDS]
    if not missing:
        return None
    text = query.text
    for term in missing:
        typed = words(term.text)[0]
        candidates = SearchWord.objects.filter(word__startswith=typed[:2]).values_list(
            "word", flat=True
        )[:20000]
        close = difflib.get_close_matches(typed, list(candidates), n=1, cutoff=0.7)
        if not close:
            return None
        text = re.sub(re.escape(term.text), close[0], text, count=1, flags=re.IGNORECASE)
    corrected = parse(text)
    if not corrected:
        return None
    count = _filtered(matching(Column.objects.published(), corrected), **filters).count()
    return Suggestion(text=text, count=count) if count else None
