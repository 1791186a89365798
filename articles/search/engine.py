"""Running a search: match, rank, page, facets, snippets and "Bedoelde je"."""

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Min,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from articles.models import Column, ThemedColumn

from .dutch import words
from .highlight import highlight, snippet
from .index import backend, plain_text
from .models import SearchWord
from .query import parse

RELEVANCE, DATE = "relevantie", "datum"
# The score of a column: for each search term, these points for each field it occurs
# in. Whole numbers, computed alike on both databases; ties go to the newest column.
WEIGHTS = {"title": 8, "middle": 4, "body": 1}
# The table name Django gives the Column table in its queries.
COLUMN_ID = '"articles_column"."id"'


def matching(queryset, query):
    """`queryset` narrowed to the columns that match `query` (a parsed Query)."""
    sql, params = backend().matching_ids(query)
    if backend().PLAIN_ID_FILTER:
        return queryset.filter(pk__in=RawSQL(sql, params))
    # SQLite would look every match up by rowid, reading the whole row (long texts
    # inline) for status and date; "+id" makes it scan the small covering index.
    unindexed_id = Func(F("pk"), template="+%(expressions)s", output_field=BigIntegerField())
    return queryset.alias(search_id=unindexed_id).filter(search_id__in=RawSQL(sql, params))


def score(query):
    """The relevance of a column for `query` as an SQL expression (same on both)."""
    parts, params = [], []
    for term in dict.fromkeys(query.terms):
        for name, weight in WEIGHTS.items():
            sql, term_params = backend().matching_ids(query, field=name, term=term)
            parts.append(f"(CASE WHEN {COLUMN_ID} IN ({sql}) THEN {weight} ELSE 0 END)")
            params += term_params
    return RawSQL(" + ".join(parts), params)


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


def search(text, *, themes=(), author="", year=None, order=RELEVANCE, page=1, per_page=None):
    """Search the published columns. Never raises on any `text`."""
    query = parse(text)
    results = Results(query=query)
    if not query:
        results.message = _empty_message(query)
        return results
    filters = {"themes": list(themes), "author": author, "year": year}
    matches = _filtered(matching(Column.objects.published(), query), **filters)
    results.total, results.facets = _count_and_facets(matches, **filters)
    if order == DATE:
        ordered = matches.order_by("-published_at", "-pk")
    else:
        ordered = matches.annotate(search_score=score(query)).order_by(
            "-search_score", "-published_at", "-pk"
        )
    # Rank ids only (the sort then carries no long texts), then fetch the page's rows.
    paginator = Paginator(
        ordered.values_list("pk", flat=True), per_page or settings.COLUMNS_PER_PAGE
    )
    paginator.count = results.total  # counted once above, without the ranking
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


def _year_bucket():
    """The local calendar year of `published_at` as plain date-range comparisons, not a
    per-row time zone conversion (which SQLite runs in Python for every row)."""
    first = Column.objects.published().aggregate(first=Min("published_at"))["first"]
    if first is None:
        return Value(None, output_field=IntegerField())
    zone = timezone.get_current_timezone()
    start, end = timezone.localtime(first).year, timezone.localtime().year + 1
    return Case(
        *[
            When(published_at__gte=datetime(year, 1, 1, tzinfo=zone), then=Value(year))
            for year in range(end, start - 1, -1)
        ],
        default=Value(start),
        output_field=IntegerField(),
    )


def _count_and_facets(matches, *, themes, author, year):
    """The total and the facets of `matches`: authors and years from one grouped
    query (whose sum is the total), themes from a second."""
    groups = (
        matches.annotate(year=_year_bucket())
        .values("author__slug", "author__name", "year")
        .annotate(count=Count("pk"))
        .order_by()
    )
    authors, years = Counter(), Counter()
    names = {}
    for row in groups:
        authors[row["author__slug"]] += row["count"]
        names[row["author__slug"]] = row["author__name"]
        years[row["year"]] += row["count"]
    total = sum(authors.values())
    if not total:
        return 0, {"thema": [], "auteur": [], "jaar": []}
    theme_rows = (
        ThemedColumn.objects.filter(content_object_id__in=matches.values("pk"))
        .values("tag__slug", "tag__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "tag__name")
    )
    by_count = sorted(authors.items(), key=lambda item: (-item[1], names[item[0]]))
    return total, {
        "thema": _top(
            [
                Facet(row["tag__slug"], row["tag__name"], row["count"], row["tag__slug"] in themes)
                for row in theme_rows
            ]
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
