"""Suggestions while a reader types ("search as you type"): public columns by title,
themes and authors that match what was typed so far, best first, at most eight.

Every word typed must match a word of the name: the same word, the same Dutch stem,
a word it begins (the last word only, while it is being typed) or, failing those, a
word within a Damerau–Levenshtein distance that grows with its length (none up to 4
letters, 1 for 5–8, 2 from 9). Case and diacritics never matter (`dutch.normalise`).

The names come from a small catalogue kept in memory by each process, built with
three queries from the one visibility rule (`Column.objects.published()`, themes and
authors with a published column). It is current as long as the page cache's content
generation is (`ops.pagecache.content_generation`, which moves whenever a change to
public content commits) and no planned column has appeared since it was built. So a
request costs one query (reading the generation; none on SQLite while nothing
changed), plus three when the catalogue is rebuilt, whatever the number of columns.
Matching is done in Python, so SQLite and PostgreSQL give the same suggestions.
"""

import bisect
import heapq
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from django import forms
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from articles.models import Column, ThemedColumn
from ops import pagecache

from .dutch import STOP_WORDS, WORD, normalise, stem
from .forms import ErrorText, TextField
from .fuzzy import max_distance

MAX_SUGGESTIONS = 8
# What a reader types in a search box; longer input is refused (400), not cut.
MAX_LENGTH = 100
# Words of a query that are looked at; titles are rarely longer.
MAX_WORDS = 10
# When more names than this match every word (one common word, or two letters), the
# most popular themes and authors and the newest columns among them are ranked.
MAX_CANDIDATES = 1000
# Vocabulary words a typed word may stand for, the best of them first.
MAX_WORD_CANDIDATES = 200

THEME, AUTHOR, COLUMN = "thema", "auteur", "column"
KIND_ORDER = {THEME: 0, AUTHOR: 1, COLUMN: 2}
URL_NAMES = {
    THEME: "articles:theme_detail",
    AUTHOR: "articles:author_detail",
    COLUMN: "articles:column_detail",
}

# How well a typed word matches a word of a name.
EXACT, SAME_STEM, PREFIX, FUZZY, FUZZY_PREFIX = 1.0, 0.9, 0.8, 0.6, 0.5


class SuggestForm(ErrorText, forms.Form):
    """The parameters of /zoeken/suggesties/: `q`, what was typed so far."""

    q = TextField(  # drops NUL bytes
        required=False,
        strip=False,
        max_length=MAX_LENGTH,
        error_messages={
            "max_length": f"Typ hoogstens {MAX_LENGTH} tekens om suggesties te krijgen."
        },
    )

    def clean_q(self):
        if "q" not in self.data:
            raise forms.ValidationError("Geef op wat er getypt is, bijvoorbeeld ?q=klant.")
        return self.cleaned_data["q"]


@lru_cache(maxsize=100_000)
def _fold(token):
    """One word as written, normalised (names share most of their words)."""
    return "".join(WORD.findall(normalise(token)))


def label_words(label):
    """The normalised words of a name: `tokens()` without positions, faster."""
    return WORD.findall(label.lower() if label.isascii() else normalise(label))


def tokens(label):
    """(start, end, normalised word) for each word of a name as written."""
    found = []
    for match in WORD.finditer(label):
        word = _fold(match.group())
        if word:
            found.append((match.start(), match.end(), word))
    return found


@dataclass(slots=True)
class Entry:
    kind: str
    label: str
    slug: str
    detail: str
    words: tuple = field(init=False)
    first: str = field(init=False)

    def __post_init__(self):
        self.words = tuple(label_words(self.label))
        self.first = self.words[0] if self.words else ""


class Catalogue:
    """The public names and an index of their words."""

    def __init__(self, entries, generation, valid_until):
        self.generation = generation
        self.valid_until = valid_until
        # Themes and authors (most columns first), then columns (newest first): an
        # entry's position is its order among equally good matches.
        self.entries = entries
        postings = {}
        for number, entry in enumerate(entries):
            for word in set(entry.words):
                postings.setdefault(word, []).append(number)
        self.postings = postings
        # Per word, the number of names with it; per name, what ranking needs.
        self.frequency = {word: len(numbers) for word, numbers in postings.items()}
        self.sizes = [len(entry.words) or 1 for entry in entries]
        self.firsts = [entry.first for entry in entries]
        self.kinds = [KIND_ORDER[entry.kind] for entry in entries]
        self.vocabulary = sorted(postings)
        self.by_stem = {}
        for word in self.vocabulary:
            self.by_stem.setdefault(stem(word), []).append(word)
        self.by_length = {}
        for word in self.vocabulary:
            self.by_length.setdefault(len(word), []).append(word)
        self._prefixes = {}

    def is_current(self, generation):
        return generation == self.generation and (
            self.valid_until is None or timezone.now() < self.valid_until
        )

    def prefixes(self, length):
        """The words' distinct beginnings of `length` letters, and {beginning: [words]}
        (remembered)."""
        found = self._prefixes.get(length)
        if found is None:
            words = {}
            for word in self.vocabulary:
                if len(word) >= length:
                    words.setdefault(word[:length], []).append(word)
            found = self._prefixes[length] = (list(words), words)
        return found

    def words_for(self, typed, *, prefix):
        """{vocabulary word: match quality} for one typed word."""
        found = {}
        if typed in self.postings:
            found[typed] = EXACT
        for word in self.by_stem.get(stem(typed), ()):
            found.setdefault(word, SAME_STEM)
        if prefix:
            start = bisect.bisect_left(self.vocabulary, typed)
            end = bisect.bisect_left(self.vocabulary, typed + "\U0010ffff")
            completions = self.vocabulary[start:end]
            if len(completions) > MAX_WORD_CANDIDATES:  # the most frequent
                completions = heapq.nlargest(
                    MAX_WORD_CANDIDATES, completions, key=self.frequency.__getitem__
                )
            for word in completions:
                found.setdefault(word, PREFIX)
        distance = max_distance(typed)
        if distance and len(found) < MAX_WORD_CANDIDATES:
            self._add_fuzzy(found, typed, distance, prefix)
        if len(found) > MAX_WORD_CANDIDATES:
            best = heapq.nlargest(
                MAX_WORD_CANDIDATES, found, key=lambda w: (found[w], self.frequency[w], w)
            )
            found = {word: found[word] for word in best}
        return found

    def _add_fuzzy(self, found, typed, distance, prefix):
        # Words differ at least by their difference in length: only those near it.
        near = [
            word
            for length in range(len(typed) - distance, len(typed) + distance + 1)
            for word in self.by_length.get(length, ())
        ]
        for word, cost in _within(typed, near, distance):
            found.setdefault(word, FUZZY - 0.05 * cost)
        if not prefix:
            return
        # The beginning of a longer word, with a typo: compare with the words'
        # beginnings one letter shorter, as long and one letter longer.
        for length in (len(typed) - 1, len(typed), len(typed) + 1):
            beginnings, words = self.prefixes(length)
            for beginning, cost in _within(typed, beginnings, distance):
                for word in words[beginning]:
                    found.setdefault(word, FUZZY_PREFIX - 0.05 * cost)


def _within(typed, choices, distance):
    """(choice, Damerau–Levenshtein distance) of the `choices` within `distance` of
    `typed`. Plain Levenshtein (bit-parallel, several times faster) picks them first: it
    is at most twice the Damerau–Levenshtein distance (a swap is two edits there)."""
    rough = process.extract(
        typed, choices, scorer=Levenshtein.distance, score_cutoff=2 * distance, limit=None
    )
    for choice, _, _ in rough:
        cost = DamerauLevenshtein.distance(typed, choice, score_cutoff=distance)
        if cost <= distance:
            yield choice, cost


_catalogue = None
_lock = threading.Lock()


def _build(generation):
    """The catalogue as the public sees the site now: three queries, each starting
    from the published columns (an author or theme shows with a published column)."""
    published = Column.objects.published()
    columns = list(
        published.order_by("-published_at", "-pk").values_list(
            "title", "slug", "author__name", "author__slug"
        )
    )
    themes = (
        ThemedColumn.objects.filter(content_object__in=published)
        .values_list("tag__name", "tag__slug")
        .annotate(count=Count("pk"))
        .order_by()
    )
    authors = Counter((name, slug) for _, _, name, slug in columns)

    def count(number):
        return ngettext("%(count)d column", "%(count)d columns", number) % {"count": number}

    def most_first(counted):
        return sorted(counted, key=lambda item: (-item[2], item[0], item[1]))

    entries = [
        *(Entry(THEME, name, slug, f"Thema · {count(n)}") for name, slug, n in most_first(themes)),
        *(
            Entry(AUTHOR, name, slug, f"Auteur · {count(n)}")
            for name, slug, n in most_first((*key, n) for key, n in authors.items())
        ),
        *(Entry(COLUMN, title, slug, f"Column van {name}") for title, slug, name, _ in columns),
    ]
    return Catalogue(entries, generation, Column.objects.next_scheduled_at())


def catalogue():
    """The current catalogue, built again when public content has changed."""
    global _catalogue
    generation = pagecache.content_generation()
    current = _catalogue
    if current is not None and current.is_current(generation):
        return current
    with _lock:
        current = _catalogue
        if current is None or not current.is_current(generation):
            current = _catalogue = _build(generation)
    return current


def forget():
    """Drop the catalogue (tests: content created inside a transaction that never
    commits does not move the generation)."""
    global _catalogue
    _catalogue = None


@dataclass
class Suggestion:
    kind: str
    label: str
    url: str
    detail: str
    parts: list  # [(text, matched)] of the label, matched words marked


def query_words(text):
    """The normalised words typed (at most MAX_WORDS), and whether the last one is
    still being typed (no space or punctuation after it)."""
    found = [word for _, _, word in tokens(text)][:MAX_WORDS]
    typing = bool(text) and bool(WORD.fullmatch(text[-1]))
    return found, typing


def suggest(text, limit=MAX_SUGGESTIONS):
    """The best public names for what was typed, best first."""
    typed, typing = query_words(text)
    if not typed:
        return []
    known = catalogue()
    required, optional = [], []
    for position, word in enumerate(typed):
        last = position == len(typed) - 1
        qualities = known.words_for(word, prefix=last and typing)
        # A small word such as "de" or "van" need not be in the name, unless it is the
        # word being typed.
        (optional if word in STOP_WORDS and not last else required).append(qualities)
    if not required:
        return []
    per_word = [_matches(known, qualities) for qualities in required]
    per_word.sort(key=len)
    candidates = per_word[0].keys()
    for other in per_word[1:]:
        candidates = candidates & other.keys()
    numbers = heapq.nsmallest(MAX_CANDIDATES, candidates)
    per_word.extend(_matches(known, qualities) for qualities in optional)
    first_words = set(required[0])
    count = len(required)
    typed_count = len(typed)
    sizes, firsts, kinds = known.sizes, known.firsts, known.kinds

    def rank(number):
        quality = sum([matches.get(number, 0.0) for matches in per_word]) / count
        coverage = typed_count / sizes[number]
        score = (
            10 * quality + 2 * (coverage if coverage < 1 else 1) + (firsts[number] in first_words)
        )
        return (-score, kinds[number], number)

    best = heapq.nsmallest(limit, numbers, key=rank)
    entries = known.entries
    matched_words = set().union(*(qualities for qualities in required + optional))
    prefix_of = typed[-1] if typing else None
    return [_suggestion(entries[number], matched_words, prefix_of) for number in best]


def _matches(known, qualities):
    """{entry number: best quality} of the entries with one of the words."""
    matches = {}
    for word in sorted(qualities, key=qualities.get):  # the best last: it wins
        matches.update(dict.fromkeys(known.postings[word], qualities[word]))
    return matches


def _suggestion(entry, matched_words, prefix):
    parts, position = [], 0
    for start, end, word in tokens(entry.label):
        if word not in matched_words:
            continue
        if prefix and word.startswith(prefix) and word != prefix and end - start == len(word):
            end = start + len(prefix)  # mark only the letters typed so far
        if start > position:
            parts.append((entry.label[position:start], False))
        parts.append((entry.label[start:end], True))
        position = end
    if position < len(entry.label):
        parts.append((entry.label[position:], False))
    url = reverse(URL_NAMES[entry.kind], kwargs={"slug": entry.slug})
    return Suggestion(entry.kind, entry.label, url, entry.detail, parts)


def status_text(count):
    """What a screen reader announces: "3 suggesties", "1 suggestie", "Geen suggesties"."""
    if not count:
        return "Geen suggesties"
    return ngettext("%(count)d suggestie", "%(count)d suggesties", count) % {"count": count}
