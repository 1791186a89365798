"""Running a search: match, rank, page, facets, snippets and "Bedoelde je"."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property, reduce
from operator import or_

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BigIntegerField, F, Func, Q
from django.db.models.expressions import RawSQL
from django.utils.html import format_html, format_html_join

from articles.models import Author, Column, Theme, ThemedColumn

from . import bm25, curated, recommend, rows, synonyms
from .dutch import WORD, beyond, words
from .fuzzy import Repair
from .highlight import Matcher, highlight, phrase_in, snippet
from .index import backend, plain_text
from .models import SearchWord
from .query import COMPOUND, EXACT, FUZZY, SYNONYM, Term, parse

RELEVANCE, DATE = "relevantie", "datum"
# The score of a column: for each group of search terms, these points for each field
# one of them occurs in (see _score), plus the BM25 of the body (search.bm25). Computed
# alike on both databases; ties go to the newest column, then to the higher id.
WEIGHTS = {"title": 8, "lead": 4, "meta": 4}
# A phrase found in the text (title, lead or body) outweighs one found only in a
# theme's or author's name (meta).
TEXT_WEIGHT = 6
# In a corrected query (search.fuzzy): a group matched by what was typed ranks above
# one matched by a compound (joined or split words), which ranks above a typo's
# correction, whatever the fields.
TIERS = {EXACT: 200, COMPOUND: 100}
# In a group with synonyms (search.synonyms): a match of its own terms outranks one of
# its synonyms only, whatever the other points (10 groups of at most 222 each, plus a
# body's BM25 of at most 2.2 × 11.1 per group at 100,000 columns).
SYNONYM_TIER = 10_000


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
    themes: list  # the column's themes by name


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
    estimated: bool = False  # the total and the facets' counts are estimates
    page: object = None
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    suggestion: Suggestion | None = None
    corrected: str = ""  # the corrected query the results are for, when corrected
    also_searched: list = field(default_factory=list)  # the synonyms added ("Ook gezocht op")
    recommended: list = field(default_factory=list)  # the editors' columns ("Aanbevolen")


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


def search(
    text,
    *,
    themes=(),
    author="",
    year=None,
    order=RELEVANCE,
    page=1,
    per_page=None,
    literal=False,
):
    """Search the published columns. Never raises on any `text`.

    A query that finds nothing is corrected (search.fuzzy) unless `literal`: the
    results are then those of the corrected query, and `Results.corrected` says so.
    Without results either way, "Bedoelde je" may suggest a correction."""
    curation = curated.current()
    typed, also_searched = synonyms.expand(parse(text), curation.synonyms)
    query = _prefix_words(typed)
    results = Results(query=query, also_searched=also_searched)
    if not query:
        results.message = _empty_message(query)
        return results
    per_page = per_page or settings.COLUMNS_PER_PAGE
    filters = {"themes": list(themes), "author": author, "year": year}
    page = max(page, 1)
    offset = (page - 1) * per_page
    with backend().planner():
        found = _Matches(query, filters, order)
        ids = found.read(offset=offset, limit=per_page)
        repair = None
        if not found.total:
            repair = Repair(query)
            widened = None if literal else repair.widened()
            if widened:
                corrected = _Matches(widened[0], filters, order)
                corrected_ids = corrected.read(offset=offset, limit=per_page)
                if corrected.total:
                    found, ids, query = corrected, corrected_ids, widened[0]
                    results.query, results.corrected = query, widened[1]
        paginator = Paginator(range(found.total), per_page)
        if found.estimated and (page > paginator.num_pages or len(ids) < per_page):
            # Near the end of an estimate, which may be too high or too low: count.
            ids = found.read(offset=offset, limit=per_page, exact=True)
            paginator = Paginator(range(found.total), per_page)
        if page > paginator.num_pages:  # past the end: show the last page
            page = paginator.num_pages
            if found.total:
                ids = found.read(offset=(page - 1) * per_page, limit=per_page, page_only=True)
        if not found.total:  # then a Repair was tried above
            results.suggestion = _suggestion(repair, filters)
    results.total, results.estimated = found.total, found.estimated
    results.facets, themes = _facets(found, filters)
    results.page = paginator.page(page)
    results.page.object_list = _columns(ids)
    results.hits = _hits(results.page.object_list, query, found, themes)
    if page == 1:
        results.recommended = recommend.recommended(typed, curation.pins)
    if not results.total:
        results.message = "Geen columns gevonden."
        if not results.suggestion:
            results.message += " Probeer minder of andere woorden."
    return results


# A prefix typed with * also matches the stems of at most this many vocabulary words
# that begin with it (the most frequent).
MAX_PREFIX_STEMS = 20


def _prefix_words(query):
    """`query` with each typed prefix (`organisa*`) also matching the stems of the words
    that begin with it: a prefix matches stems, and a stem can differ from its words in
    more than an ending ("organisatie" has the stem "organiseer"). One query on the
    vocabulary, only for a query with a prefix typed with *."""
    typed = [term for term in query.terms if term.prefix and term.text.endswith("*")]
    if not typed:
        return query
    begun = reduce(or_, [_begins_with(words(term.text)[0]) for term in typed])
    found = (
        SearchWord.objects.filter(begun, frequency__gt=0)
        .order_by("-frequency", "word")
        .values_list("word", "stem")[: MAX_PREFIX_STEMS * len(typed)]
    )
    groups = []
    for group in query.groups:
        added = {}
        for term in group:
            if term in typed:
                start = words(term.text)[0]
                for word, stem in found:
                    if word.startswith(start) and not stem.startswith(term.stems[0]):
                        added.setdefault(stem, Term(stems=(stem,), text=word))
        groups.append((*group, *list(added.values())[:MAX_PREFIX_STEMS]))
    return replace(query, groups=groups)


def _begins_with(start):
    """The vocabulary words that begin with `start` (analysed: digits and a to z), as a
    range of the primary key: SQLite cannot use an index for `startswith` (its LIKE
    ignores case), and with a large vocabulary it would read every row."""
    condition = Q(word__startswith=start, word__gte=start)
    end = beyond(start)
    return condition & Q(word__lt=end) if end else condition


def _columns(ids):
    """The page's columns in the order of `ids`. Their themes are fetched with the
    theme facet's (`_facets`), so no prefetch is needed."""
    columns = Column.objects.select_related("author").with_annotations().in_bulk(ids)
    return [columns[pk] for pk in ids if pk in columns]


def _hits(columns, query, found, themes):
    """The results as shown: highlighted title, snippet and themes of each column;
    `themes`: the themes of the matches by id (from _facets)."""
    matches = Matcher(query)
    hits = []
    for column in columns:
        column_themes = sorted(
            (themes[pk] for pk in found.page_themes[column.pk] if pk in themes),
            key=lambda theme: theme.name,
        )
        body = plain_text(column.body_html)
        title = highlight(column.title, query, matches)
        text = snippet(body, query, fallback=column.lead, matches=matches)
        candidates = [
            *(("thema", theme.name) for theme in column_themes),
            ("auteur", column.author.name),
        ]
        if "<mark>" not in title and "<mark>" not in text:
            # nothing in the text matched: the names did
            names = [
                (kind, name)
                for kind, name in candidates
                if any(matches(word) for word in WORD.findall(name))
            ]
        else:
            texts = [column.title, column.lead, body]
            names = _phrase_names(query, candidates, texts, matches)
        if names:
            text = format_html("{} {}", _names_note(names, matches, query), text)
        hits.append(
            Hit(
                column=column,
                title=title,
                snippet=text,
                themes=column_themes,
            )
        )
    return hits


def _phrase_names(query, candidates, texts, matches):
    """The names (("thema" or "auteur", name) pairs of `candidates`) through which
    alone a phrase of `query` matches: it is in none of `texts`."""
    phrases = [term for term in query.terms if term.is_phrase]
    names = []
    for term in phrases:
        if any(phrase_in(text, term.stems, matches) for text in texts):
            continue
        for kind, name in candidates:
            if phrase_in(name, term.stems, matches) and (kind, name) not in names:
                names.append((kind, name))
    return names


def _names_note(names, matches, query):
    """ "Gevonden via thema <mark>klant centraal</mark>:" for the snippet."""
    return format_html(
        "Gevonden via {}:",
        format_html_join(
            ", ", "{} {}", ((kind, highlight(name, query, matches)) for kind, name in names)
        ),
    )


# Above this many indexed columns, a search first reads a sample of its matches: about
# SAMPLE of them, the rows of the first few of rows.BUCKETS buckets. When the sample
# says there are more than EXACT_LIMIT matches, the count and the facets are the
# sample's, scaled up and marked as estimates, and the page is ranked among the
# matches with a query word in the title, when that provably gives the exact page,
# else among all (see _Matches). Below EXACT_LIMIT, every match is read and counted.
EXACT_LIMIT = 10_000
SAMPLE = 2_500
# The candidates for the page, tried in this order (see _Matches._proven): the matches
# whose short fields hold a term of some group of the query in the title (level 0);
# in the title, or in both the lead and a name (1); in any of them (2). A match outside
# a level's candidates lacks, in every group, at least these points of WEIGHTS.
LEVELS = (
    WEIGHTS["title"],
    WEIGHTS["title"] + min(WEIGHTS["lead"], WEIGHTS["meta"]),
    sum(WEIGHTS.values()),
)


class _Matches:
    """The published columns that match a query and the facet filters.

    Exactly: one statement materialises the matching search rows with their score,
    and returns from them the count per author (with the author's slug and name), per
    year (their sum is the total) and per combination of themes, and the ids of one
    page in order. Every matching row is read once, whatever the query; the rest is
    adding up a few thousand groups.

    Estimated (more than EXACT_LIMIT matches in an index of more than EXACT_LIMIT
    columns): one statement counts and groups the sample instead, and ranks only the
    candidates, the matches whose title holds a term of the query. Every other match
    lacks the title's points of each group, so it scores at most `outside` (the most
    of the short fields, less the title's points, plus the most of the body). When
    the page's last candidate scores more than that, the page is the exact one;
    otherwise the page is read from the candidates of the next of LEVELS, each with
    its own `outside`, and at last from every match (the sample's counts stand).
    """

    PAGE, AUTHOR, YEAR, THEMES = range(4)

    def __init__(self, query, filters, order):
        self.query, self.filters, self.order = query, filters, order
        # The stems and prefixes of every term, for the guess (see `_guess`).
        terms = [term for group in query.match_groups for term in group] + query.excluded
        self.statistics = bm25.Statistics(
            [
                *bm25.wanted(query.match_groups),
                *(stem for term in terms if not term.prefix for stem in term.stems),
            ],
            prefixes=[term.stems[0] for term in terms if term.prefix],
        )
        relevance = order == RELEVANCE
        self.body = bm25.score(query.match_groups, self.statistics) if relevance else bm25.NONE
        self._reset()

    def _reset(self):
        self.estimated = False  # the total and the facets' counts are estimates
        self.total = 0
        self.authors = {}  # author id -> (slug, name, count)
        self.years, self.themes = Counter(), Counter()
        self.page_themes = {}  # column id -> theme ids, for the page's columns

    def _rows(self, name, match, within=None, scored=True):
        """The CTE `name` (and parameters) of the search rows that meet `match` (a
        condition and its parameters) and the filters, with their score (`within`:
        see the backends' `candidates` and `restriction`)."""
        score_sql, score_params, _ = _score(self.query, self.order if scored else DATE, within)
        where, where_params = _where(match, **self.filters)
        return (
            f"{name} AS MATERIALIZED (SELECT r.column_id, r.author_id, r.year, r.themes,"
            f" r.published_at, r.body_length, {score_sql} AS score FROM {rows.TABLE} r"
            f" WHERE {where})"
        ), [*score_params, *where_params]

    def _page(self, offset, limit):
        """The page's SQL and parameters: the score of the short fields (`m.score`)
        plus the body's BM25, computed only for the rows that can reach the page:
        those whose short fields score at least the page's last place minus the most
        the body can add (`Body.most`). Exact, and for a word in most columns (whose
        BM25 is near 0) it reads the statistics of the few rows at the top only."""
        body = self.body
        sql = (
            f"SELECT {self.PAGE}, r.column_id, r.score + {body.sql}, r.themes, r.published_at,"
            f" NULL FROM m r{body.joins}"
        )
        params = [*body.params, *body.join_params]
        if body.joins:
            sql += (
                " WHERE r.score >= COALESCE((SELECT score FROM m ORDER BY score DESC"
                f" LIMIT 1 OFFSET %s), 0) - {bm25.DOUBLE}"
            )
            params += [offset + limit - 1, body.most]
        sql += " ORDER BY 3 DESC, r.published_at DESC, r.column_id DESC LIMIT %s OFFSET %s"
        return sql, [*params, limit, offset]

    def _groups(self, source):
        """SQL of the counts per author, year and combination of themes of `source`.
        Two small groupings (authors, years) cost less than one of their pairs."""
        return (
            f" UNION ALL SELECT {self.AUTHOR}, a.id, g.n, a.slug, NULL, a.name FROM"
            f" (SELECT author_id, COUNT(*) AS n FROM {source} GROUP BY author_id) g"
            f" JOIN {Author._meta.db_table} a ON a.id = g.author_id"
            f" UNION ALL SELECT {self.YEAR}, year, COUNT(*), NULL, NULL, NULL FROM {source}"
            " GROUP BY year"
            f" UNION ALL SELECT {self.THEMES}, NULL, COUNT(*), themes, NULL, NULL FROM {source}"
            " GROUP BY themes"
        )

    def read(self, *, offset, limit, page_only=False, exact=False):
        """The ids of the page at `offset`; unless `page_only`, count and group too:
        from a sample when there are very many matches, unless `exact`."""
        if page_only:
            return self._read_all(offset, limit, grouped=False)
        guess = self._guess()
        if not exact and guess > EXACT_LIMIT:
            ids = self._read_sample(offset, limit, guess)
            if ids is not None:
                return ids
        self._reset()
        return self._read_all(offset, limit, grouped=True)

    def _read_all(self, offset, limit, grouped):
        """The page's ids, from every match; `grouped`: count and group them too."""
        restriction = backend().restriction(self.query)
        matches_sql, matches_params = self._rows("m", backend().match(self.query), restriction)
        page_sql, page_params = self._page(offset, limit)
        sql = f"WITH {matches_sql} "
        if grouped:
            # The page first: PostgreSQL types the NULLs of the other parts by it.
            sql += f"SELECT * FROM ({page_sql}) p{self._groups('m')}"
        else:
            sql += page_sql
        return [pk for _, _, pk in self._execute(sql, [*matches_params, *page_params])]

    def _read_sample(self, offset, limit, guess):
        """The page's ids with the count and facets of a sample; None when the sample
        holds too few matches to estimate. When the candidates do not prove the page,
        it is read from every match (the sample's counts stand). A sample much
        smaller than SAMPLE (the guess ignores filters and the other groups) is taken
        again, larger."""
        buckets = self._buckets(guess)
        page = self._sample(buckets, offset, limit)
        estimate = self.total * rows.BUCKETS / buckets
        if self.total < SAMPLE // 4 and estimate > EXACT_LIMIT:
            self._reset()
            buckets = self._buckets(estimate)
            page = self._sample(buckets, offset, limit)
        if buckets < rows.BUCKETS:
            self._scale(rows.BUCKETS / buckets)
            self.estimated = True
        if self.total <= EXACT_LIMIT:
            self._reset()
            return None
        level = 0
        while not self._proven(page, limit, level):
            level += 1
            if level == len(LEVELS):
                return self._read_all(offset, limit, grouped=False)
            page = self._read_candidates(offset, limit, level)
        return [pk for _, _, pk in page]

    def _read_candidates(self, offset, limit, level):
        """The page's rows (score, date, id) among the candidates of LEVELS[level]."""
        match, within = backend().candidates(self.query, level)
        matches_sql, matches_params = self._rows("m", match, within)
        page_sql, page_params = self._page(offset, limit)
        return self._execute(f"WITH {matches_sql} {page_sql}", [*matches_params, *page_params])

    def _sample(self, buckets, offset, limit):
        """One statement: the counts of the sample of `buckets` (all of them: every
        match), and the candidates' page, whose rows it returns."""
        if buckets < rows.BUCKETS:
            sample = backend().sampled(self.query, buckets)
        else:
            sample = backend().match(self.query)
        sample_sql, sample_params = self._rows("s", sample, scored=False)
        if self.order == RELEVANCE:
            match, within = backend().candidates(self.query, 0)
        else:  # the newest matches: read them all, the score is 0
            match, within = backend().match(self.query), None
        matches_sql, matches_params = self._rows("m", match, within)
        page_sql, page_params = self._page(offset, limit)
        sql = f"WITH {sample_sql}, {matches_sql} SELECT * FROM ({page_sql}) p{self._groups('s')}"
        return self._execute(sql, [*sample_params, *matches_params, *page_params])

    def _guess(self):
        """How many matches there are at most: for each group, the columns that hold
        its terms added up (bm25.Statistics.holding); the fewest of any group, and of
        the columns without an excluded word."""
        statistics = self.statistics
        columns = statistics.columns
        without = [
            columns - statistics.frequency.get(term.stems[0], 0)
            for term in self.query.excluded
            if not (term.prefix or term.is_phrase)
        ]
        groups = [_distinct(group) for group in self.query.match_groups]
        return min([columns, *without, *(sum(map(statistics.holding, group)) for group in groups)])

    @staticmethod
    def _buckets(guess):
        """How many buckets make a sample of about SAMPLE of `guess` matches; all of
        them (no sample) when that would be more than a quarter."""
        buckets = math.ceil(rows.BUCKETS * SAMPLE / max(guess, 1))
        return max(1, buckets) if buckets <= rows.BUCKETS // 4 else rows.BUCKETS

    def _proven(self, page, limit, level):
        """Whether the page of the candidates of LEVELS[level] is the exact one: full,
        and its last row outscores every match outside the candidates."""
        if self.order != RELEVANCE:
            return True
        # What a match outside the candidates can score at most.
        outside = self._most - LEVELS[level] * len(self.query.match_groups)
        return len(page) == limit and page[-1][0] > outside

    @cached_property
    def _most(self):
        """The most a match can score: its short fields' and its body's most."""
        return _score(self.query, self.order)[2] + self.body.most

    def _scale(self, factor):
        """The sample's counts as estimates of all the matches' (see `about`)."""
        self.authors = {
            pk: (slug, name, about(count * factor))
            for pk, (slug, name, count) in self.authors.items()
        }
        self.years = Counter({year: about(count * factor) for year, count in self.years.items()})
        self.themes = Counter({pk: about(count * factor) for pk, count in self.themes.items()})
        self.total = about(self.total * factor)

    def _execute(self, sql, params):
        """Run the statement; keep its counts and their total, when it counted; return
        the page's rows (score, date, id) in order."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        page, self.page_themes = [], {}  # a page read before this one is not shown
        themes = defaultdict(int)  # by the id as text: thousands of combinations to add
        for kind, pk, number, text, published_at, name in found:
            if kind == self.PAGE:
                page.append((number, published_at, pk))
                self.page_themes[pk] = [int(theme) for theme in text.split()]
                continue
            number = int(number)  # a count, typed as the scores are on PostgreSQL
            if kind == self.AUTHOR:
                self.authors[pk] = (text, name, number)
            elif kind == self.YEAR:
                self.years[pk] = number
            else:
                for theme in text.split():
                    themes[theme] += number
        self.themes.update({int(theme): number for theme, number in themes.items()})
        if len(page) < len(found):
            self.total = sum(self.years.values())
        # The order within the page, whatever order UNION ALL returns its rows in.
        return sorted(page, reverse=True)


def _distinct(group):
    """The terms of `group` that match differently: a corrected query can hold a
    compound twice ("pinautomaat", joined from "pin automaat" and a word that ends in
    "automaat"), and its columns are counted once."""
    return {(term.stems, term.prefix): term for term in group}.values()


def about(number):
    """An estimate rounded to two significant digits (12,345 -> 12,000; 57.3 -> 57)."""
    digits = len(str(round(number))) - 2
    return round(round(number), -digits) if digits > 0 else round(number)


def _where(match, *, themes, author, year):
    """The condition (and parameters) on the search rows `r` that selects the published
    columns that meet `match` (a backend's condition and its parameters) and the facet
    filters."""
    match_sql, match_params = match
    public_sql, public_params = rows.public(connection)
    parts, params = [match_sql, public_sql], [*match_params, *public_params]
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
    return " AND ".join(parts), params


def _score(query, order, within=None):
    """The points of the search row `r` for `query` from its short fields, as SQL, the
    same on both databases, with its parameters and the most it can be: for each group
    of terms (a word, or words joined by OR), WEIGHTS points for each short field
    that one of its terms occurs in, and the points of phrases and tiers. The body's
    BM25 is added for the page only (`_Matches._page`). Sorting by date needs no
    score. `within`: see the backends' `candidates` and `restriction`."""
    if order == DATE:
        return "0", [], 0
    parts, params = [], []
    most = 0

    def add(condition, weight):
        nonlocal most
        sql, condition_params = condition
        parts.append(f"(CASE WHEN {sql} THEN {weight} ELSE 0 END)")
        params.extend(condition_params)
        most += weight

    for group in query.match_groups:
        phrases = [term for term in group if term.is_phrase]
        for name, weight in WEIGHTS.items():
            if name == "meta" and len(phrases) == len(group):
                continue
            add(backend().in_field(name, group, within), weight)
        if len(phrases) == len(group):
            # A group of phrases that matched, but not in a name, matched in the text:
            # the text is only searched for the rows that also match in a name (a
            # phrase that no name holds, such as "de klant", costs nothing more).
            meta_sql, meta_params = backend().in_field("meta", group, within)
            text_sql, text_params = backend().in_text(phrases, within)
            parts.append(
                f"(CASE WHEN {meta_sql} THEN {WEIGHTS['meta']} + (CASE WHEN {text_sql}"
                f" THEN {TEXT_WEIGHT} ELSE 0 END) ELSE {TEXT_WEIGHT} END)"
            )
            params.extend([*meta_params, *text_params])
            most += WEIGHTS["meta"] + TEXT_WEIGHT
        elif phrases:
            add(backend().in_text(phrases, within), TEXT_WEIGHT)
        own = [term for term in group if term.kind != SYNONYM]
        if own and len(own) < len(group):
            add(backend().in_document(own, within), SYNONYM_TIER)
        if any(term.kind in (COMPOUND, FUZZY) for term in group):
            for kind, weight in TIERS.items():
                terms = [term for term in group if term.kind == kind]
                if terms:
                    add(backend().in_document(terms, within), weight)
    return "(" + " + ".join(parts) + ")", params, most


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


def _facets(found, filters):
    """Theme, author and year facets of the matches, largest first, then by name; and
    the themes of the matches by id (those of the page's columns included: a sample's
    facets may lack a rare one)."""
    if not found.total:
        return {"thema": [], "auteur": [], "jaar": []}, {}
    paged = {pk for themes in found.page_themes.values() for pk in themes}
    themes = Theme.objects.in_bulk(set(found.themes) | paged)

    def largest(facets):
        return _top(sorted(facets, key=lambda facet: (-facet.count, facet.label, facet.value)))

    return {
        "thema": largest(
            Facet(theme.slug, theme.name, found.themes[pk], theme.slug in filters["themes"])
            for pk, theme in themes.items()
            if pk in found.themes
        ),
        "auteur": largest(
            Facet(slug, name, count, slug == filters["author"])
            for slug, name, count in found.authors.values()
        ),
        "jaar": [
            Facet(str(number), str(number), count, number == filters["year"])
            for number, count in sorted(found.years.items(), reverse=True)
        ],
    }, themes


def _suggestion(repair, filters):
    """ "Bedoelde je": the typed text with its unknown words corrected (search.fuzzy),
    with the number of public columns it finds; None when it finds none."""
    text = repair.suggestion()
    corrected = parse(text) if text else None
    if not corrected:
        return None
    count = _filtered(matching(Column.objects.published(), corrected), **filters).count()
    return Suggestion(text=text, count=count) if count else None
