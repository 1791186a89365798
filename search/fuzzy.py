"""Forgiving a query that found nothing: typos, and Dutch compounds written apart or
together, corrected against the index vocabulary (search.models.SearchWord).

`Repair(query)` looks the typed words up (two small queries on the vocabulary) and
offers:
- `widened()`: the query with alternatives added to its groups: adjacent words joined
  ("klant arena" -> klantarena), an unknown word split into known words
  ("klantcentraal" -> the phrase "klant centraal") and an unknown word's close words by
  Damerau-Levenshtein distance ("pinautomat" -> pinautomaat). Added terms carry their
  kind (query.COMPOUND, query.FUZZY), which ranks them below typed words (engine._score);
- `suggestion()`: the text of the single best correction, for "Bedoelde je".

Everything is decided in Python from the same vocabulary rows, so both databases
correct alike. The caps below bound the cost whatever is typed (docs/search.md).
"""

import math
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from .dutch import stem, words
from .models import SearchWord
from .query import COMPOUND, EXACT, FUZZY, Query, Term, word_prefix

# Words corrected per query (the first unknown ones), and the longest word corrected or
# split: longer "words" are pasted junk, not typos.
MAX_CORRECTED_WORDS = 3
MAX_WORD_LENGTH = 30
# Vocabulary rows read as typo candidates per search, most frequent first. Reading
# them is most of a correction's cost: with a vocabulary of 260,000 words (10,000 long
# columns) 5,000 rows took 9-10 ms on SQLite, 2,000 4-5 ms (docs/search.md).
MAX_WINDOW = 2000
# Close words ranked by weighted distance, and added to the query, per corrected word.
MAX_RANKED = 10
MAX_ALTERNATIVES = 4
# A split: 2 or 3 known words of at least 3 letters each; the parts of at most
# MAX_SPLIT_WORDS typed words are looked up.
MIN_PART, MAX_PARTS = 3, 3
MAX_SPLIT_WORDS = 2 * MAX_CORRECTED_WORDS
# An unknown word of at least this many letters (a to z) also matches the most
# frequent compounds that end in it ("automaat" -> pinautomaat), at most MAX_TAILS.
MIN_TAIL, MAX_TAILS = 5, 3
TAIL = re.compile("[a-y][a-z]*")
# Ranking close words: each tenfold in frequency weighs this much of an edit, and a
# word of an author's or theme's name this much.
FREQUENCY_WEIGHT = 0.2
NAME_BONUS = 0.1
# A split is left out when a close word is held by this many times as many columns as
# the split's rarest part: the reader meant the word ("organisatei" -> organisatie,
# held by 80,000 columns, not the phrase "organisa tei" of two words held by 28 and 38).
SPLIT_ODDS = 100


def max_distance(word):
    """The edits a typed word may be away from the word it matches: 0 up to 4
    letters, 1 for 5 to 8, 2 from 9."""
    return 0 if len(word) <= 4 else 1 if len(word) <= 8 else 2


def suggestion_distance(word):
    """ "Bedoelde je" may go one edit further for short words: `klnt` -> klant."""
    return max(1, max_distance(word)) if len(word) >= 3 else 0


# Letters next to each other on a QWERTY keyboard: a slip of the finger.
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_KEY_AT = {
    key: (row, column + offset)
    for row, (keys, offset) in enumerate(zip(KEYBOARD, (0, 0.25, 0.75), strict=True))
    for column, key in enumerate(keys)
}


def neighbours(first, second):
    if first not in _KEY_AT or second not in _KEY_AT or first == second:
        return False
    (row_a, col_a), (row_b, col_b) = _KEY_AT[first], _KEY_AT[second]
    return abs(row_a - row_b) <= 1 and abs(col_a - col_b) <= 1


def weighted_distance(typed, word):
    """Damerau-Levenshtein distance (optimal string alignment) with the slips readers
    make weighing less: a neighbouring key for the right one, or a doubled or
    undoubled letter ("pinautomat"), costs half an edit."""
    rows, columns = len(typed) + 1, len(word) + 1
    table = [[0.0] * columns for _ in range(rows)]
    for i in range(rows):
        table[i][0] = float(i)
    for j in range(columns):
        table[0][j] = float(j)
    for i in range(1, rows):
        a = typed[i - 1]
        for j in range(1, columns):
            b = word[j - 1]
            if a == b:
                substitution = 0.0
            else:
                substitution = 0.5 if neighbours(a, b) else 1.0
            delete = 0.5 if i > 1 and typed[i - 2] == a else 1.0
            insert = 0.5 if j > 1 and word[j - 2] == b else 1.0
            best = min(
                table[i - 1][j] + delete,
                table[i][j - 1] + insert,
                table[i - 1][j - 1] + substitution,
            )
            if i > 1 and j > 1 and a == word[j - 2] and typed[i - 2] == b:
                best = min(best, table[i - 2][j - 2] + 1.0)
            table[i][j] = best
    return table[-1][-1]


@dataclass
class Candidate:
    word: str
    stem: str
    frequency: int
    kind: str
    distance: int = 0
    cost: float = 0.0


@dataclass
class _Fix:
    """What a typed word (or pair) can be replaced with."""

    split: list = field(default_factory=list)  # known words, in order
    close: list = field(default_factory=list)  # Candidates, best first
    tails: list = field(default_factory=list)  # Candidates ending in the word
    rarest: int = 0  # the frequency of the split's rarest part

    def sensible_split(self, close):
        """The split, unless one of `close` (the close words allowed) is SPLIT_ODDS
        times as frequent as its rarest part."""
        if any(candidate.frequency >= SPLIT_ODDS * self.rarest for candidate in close):
            return []
        return self.split


def _plain(term):
    """The one word of a typed, unstemmed-prefix, non-phrase term, or None."""
    if term.kind != EXACT or term.prefix or term.is_phrase:
        return None
    found = words(term.text)
    return found[0] if len(found) == 1 else None


def _window(word, limit):
    """The typo candidates of `word` (a window of lengths and first letters) that can
    be among the MAX_WINDOW most frequent words of the query: as frequent as the
    window's MAX_WINDOW-th word at least. A long word's window holds thousands of
    rare words (18,000 for "klantcentraal" in 100,000 realistic columns); the floor
    is read from the window's index alone, and only the words above it are fetched
    and sorted (PostgreSQL 10 -> 5 ms, SQLite 18 -> 12 ms)."""
    window = Q(initial__in=sorted({word[0], word[1]})) & Q(
        length__gte=len(word) - limit, length__lte=len(word) + limit
    )
    floor = (
        SearchWord.objects.filter(window, frequency__gt=0)
        .order_by("-frequency")
        .values("frequency")[MAX_WINDOW - 1 : MAX_WINDOW]
    )
    return window & Q(frequency__gte=Coalesce(Subquery(floor), 1))


class Repair:
    """The vocabulary's view of one query's typed words; see the module docstring."""

    def __init__(self, query):
        self.query = query
        # (group index, typed word) of each group's first term that is a plain word.
        self.typed = []
        # The groups whose typed word also matches as a prefix (the word being typed,
        # search.query._last_word_as_prefix).
        self.being_typed = set()
        for index, group in enumerate(query.groups):
            word = _plain(group[0])
            if word and len(word) <= MAX_WORD_LENGTH:
                self.typed.append((index, word))
                if any(term.prefix and term.text == group[0].text for term in group[1:]):
                    self.being_typed.add(index)
        self._looked_up = False

    def _pairs(self):
        """Adjacent typed words: (first group, second group, joined word)."""
        return [
            (first, second, a + b)
            for (first, a), (second, b) in zip(self.typed, self.typed[1:], strict=False)
            if second == first + 1 and len(a + b) <= MAX_WORD_LENGTH
        ]

    def _look_up(self):
        """Two queries: the typed stems, joined pairs and possible parts that the
        vocabulary holds; then the typo candidates of the unknown words."""
        if self._looked_up:
            return
        self._looked_up = True
        self.known_stems, self.joined, self.fixes = set(), {}, {}
        if not self.typed:
            return
        stems = {stem(word) for _, word in self.typed}
        joins = {joined for _, _, joined in self._pairs()}
        splittable = [word for _, word in self.typed if len(word) >= 2 * MIN_PART]
        parts = {
            word[start:end]
            for word in splittable[:MAX_SPLIT_WORDS]
            for start in range(len(word) - MIN_PART + 1)
            for end in range(start + MIN_PART, len(word) + 1)
            if end - start < len(word)
        }
        found = list(
            SearchWord.objects.filter(frequency__gt=0)
            .filter(Q(stem__in=sorted(stems)) | Q(word__in=sorted(joins | parts)))
            .values_list("word", "stem", "frequency", "kind")
            .order_by()
        )
        self.known_stems = {row[1] for row in found if row[1] in stems}
        known_words = {row[0]: Candidate(*row) for row in found}
        for first, second, joined in self._pairs():
            if joined in known_words:
                self.joined[(first, second)] = known_words[joined]
        unknown = [
            (index, word) for index, word in self.typed if stem(word) not in self.known_stems
        ][:MAX_CORRECTED_WORDS]
        for index, word in unknown:
            split = _split(word, known_words)
            rarest = min((known_words[part].frequency for part in split), default=0)
            self.fixes[index] = _Fix(split=split, rarest=rarest)
        self._close_words(unknown)

    def _close_words(self, unknown):
        """The typo candidates (a window of lengths and first letters) and the
        compounds ending in each unknown word, in one query."""
        windows = [
            (index, word, suggestion_distance(word))
            for index, word in unknown
            if suggestion_distance(word)
        ]
        tails = [(index, word) for index, word in unknown if _takes_tails(word)]
        if not windows and not tails:
            return
        condition = reduce(
            or_,
            [_window(word, limit) for _, word, limit in windows]
            + [
                # The words that end in `word`: a range of the words backwards, up
                # to the letter after its first one (a to y, so the range is the
                # same in every collation).
                Q(
                    backwards__gt=word[::-1],
                    backwards__lt=word[::-1][:-1] + chr(ord(word[0]) + 1),
                    length__gte=len(word) + MIN_PART,
                )
                for _, word in tails
            ],
        )
        rows = list(
            SearchWord.objects.filter(condition, frequency__gt=0)
            .order_by("-frequency", "word")
            .values_list("word", "stem", "frequency", "kind")[:MAX_WINDOW]
        )
        choices = [row[0] for row in rows]
        for index, word in tails:
            found, stems = [], set()
            for row in rows:  # most frequent first
                if (
                    row[0].endswith(word)
                    and len(row[0]) >= len(word) + MIN_PART
                    and row[1] not in stems
                    and len(stems) < MAX_TAILS
                ):
                    stems.add(row[1])
                    found.append(Candidate(*row))
            self.fixes[index].tails = found
        for index, word, limit in windows:
            close = []
            for choice, distance, position in process.extract(
                word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None
            ):
                if choice != word:
                    close.append(Candidate(*rows[position], distance=int(distance)))
            close.sort(key=lambda c: (c.distance, -c.frequency, c.word))
            close = close[:MAX_RANKED]
            for candidate in close:
                candidate.cost = (
                    weighted_distance(word, candidate.word)
                    - FREQUENCY_WEIGHT * math.log10(1 + candidate.frequency)
                    - (NAME_BONUS if candidate.kind == "naam" else 0)
                )
            close.sort(key=lambda c: (c.cost, c.word))
            self.fixes[index].close = close

    def widened(self):
        """(query, corrected text) with the alternatives added, or None when there is
        nothing to add. Only for a query that found nothing (with its filters)."""
        self._look_up()
        groups = [list(group) for group in self.query.groups]
        replaced = {}  # group index -> the words shown instead
        added = False
        for (first, second), candidate in self.joined.items():
            term = Term(stems=(candidate.stem,), text=candidate.word, kind=COMPOUND)
            groups[first].append(term)
            groups[second].append(term)
            replaced.setdefault(first, candidate.word)
            replaced.setdefault(second, "")
            added = True
        typed = dict(self.typed)
        for index, fix in self.fixes.items():
            limit = max_distance(typed[index])
            close = [c for c in fix.close if c.distance <= limit]
            split = fix.sensible_split(close)
            if split:
                groups[index].append(
                    Term(
                        stems=tuple(stem(part) for part in split),
                        text=" ".join(split),
                        kind=COMPOUND,
                    )
                )
                replaced.setdefault(index, " ".join(split))
                added = True
            for candidate in fix.tails:
                groups[index].append(
                    Term(stems=(candidate.stem,), text=candidate.word, kind=COMPOUND)
                )
                replaced.setdefault(index, candidate.word)
                added = True
            seen = set()
            for candidate in close:
                if candidate.stem in seen or len(seen) >= MAX_ALTERNATIVES:
                    continue
                seen.add(candidate.stem)
                groups[index].append(Term(stems=(candidate.stem,), text=candidate.word, kind=FUZZY))
                if index in self.being_typed and index not in replaced:
                    # The correction shown for the word being typed matches as a prefix,
                    # as that word did: "klnat" finds what "klant" finds.
                    prefix = word_prefix(candidate.word)
                    if prefix:
                        groups[index].append(
                            Term(stems=(prefix,), prefix=True, text=candidate.word, kind=FUZZY)
                        )
                replaced.setdefault(index, candidate.word)
                added = True
        if not added:
            return None
        if len(groups) == 1:
            # A query of one group that found nothing: none of its typed terms (the
            # last word's prefix included) matches a public column, so the databases
            # need not look for them, nor rank the alternatives against them.
            del groups[0][: len(self.query.groups[0])]
        else:
            for index in self.fixes:
                # An unknown word matches nothing: the databases need not look for it.
                if len(groups[index]) > 1:
                    del groups[index][0]
        query = Query(
            text=self.query.text,
            groups=[tuple(group) for group in groups],
            excluded=self.query.excluded,
            ignored_words=self.query.ignored_words,
        )
        return query, self._corrected_text(replaced)

    def suggestion(self):
        """The typed text with its unknown words replaced by the best correction of
        each (a split, else the closest word), or None."""
        self._look_up()
        if not self.fixes:
            return None
        replaced = {}
        for index, fix in self.fixes.items():
            split = fix.sensible_split(fix.close)
            if split:
                replaced[index] = " ".join(split)
            elif fix.close:
                replaced[index] = fix.close[0].word
            else:
                return None
        return self._corrected_text(replaced)

    def _corrected_text(self, replaced):
        """The query text with the typed word of each group in `replaced` swapped for
        its replacement ("" joins it to the word before)."""
        text = self.query.text
        position = 0
        pieces = []
        for index, _ in self.typed:
            term = self.query.groups[index][0]
            found = re.compile(re.escape(term.text), re.IGNORECASE).search(text, position)
            if found is None:
                continue
            if index in replaced:
                replacement = replaced[index]
                if replacement and term.text[:1].isupper():
                    replacement = replacement[:1].upper() + replacement[1:]
                if replacement:
                    pieces.append((found.start(), found.end(), replacement))
                else:  # joined: drop this word and the space before it
                    start = found.start()
                    while start > 0 and text[start - 1].isspace():
                        start -= 1
                    pieces.append((start, found.end(), ""))
            position = found.end()
        for start, end, replacement in reversed(pieces):
            text = text[:start] + replacement + text[end:]
        return text


def _takes_tails(word):
    return len(word) >= MIN_TAIL and TAIL.fullmatch(word) is not None


def _split(word, known):
    """The best split of `word` into 2 or 3 known words (`known`: word -> Candidate):
    fewest parts, then the most frequent rarest part; [] when there is none."""
    if len(word) < 2 * MIN_PART:
        return []
    best = None
    for first in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[:first]
        if head not in known:
            continue
        rest = word[first:]
        options = [[rest]] if rest in known else []
        if not options and len(rest) >= 2 * MIN_PART:
            for second in range(MIN_PART, len(rest) - MIN_PART + 1):
                if rest[:second] in known and rest[second:] in known:
                    options.append([rest[:second], rest[second:]])
        for tail in options:
            parts = [head, *tail]
            if len(parts) > MAX_PARTS:
                continue
            key = (-len(parts), min(known[part].frequency for part in parts), parts)
            if best is None or key > best[0]:
                best = (key, parts)
    return best[1] if best else []
