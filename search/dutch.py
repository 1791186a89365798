"""Normalising and stemming Dutch text: the one analyzer for indexing and for queries.

Both databases index the output of `analyse()` and receive queries built from it, so
what matches is decided here, in Python, and not by a database's own text parser.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Bump whenever anything below changes what a text analyses to, or what an index row
# holds: `post_migrate` then rebuilds the index (see search.signals.rebuild_if_outdated).
# 2: the search rows (search.rows). Their `year` is in settings.TIME_ZONE:
# run `rebuild_search_index` after changing it.
# 3: theme ids in the search rows; on PostgreSQL the tsvectors moved into them, with
# the pairs of neighbouring words.
# 4: the vocabulary's frequencies, kinds, lengths and initials (search.fuzzy); on
# PostgreSQL the meta field's pairs start with "^", the text's with "~".
# 5: the body's length in the search rows and its repeated stems (search.bm25).
# 6: on PostgreSQL `document` holds the row's sample bucket and the title's words
# marked (search.postgres); on SQLite the short fields have a table of their own.
# 7: on PostgreSQL `document` holds the words of the lead and of the names marked.
# 8: lower case after the decomposition too ("℃" -> "c", not "C"), as FTS5 folds it; on
# SQLite the term statistics are counted from FTS5's index.
# 9: on SQLite the short fields' table holds the pairs of neighbouring words.
# 10: on SQLite prefix indexes for 3 and 5 letters only.
# 11: on PostgreSQL `document` holds the pairs of the title and the lead marked; on
# SQLite the whole text's table holds each row's sample bucket.
ANALYZER_VERSION = 11
# Snowball 3's "dutch" is the Kraaij-Pohlmann stemmer ("organisaties" and "organisatie"
# share a stem); pinned through PyStemmer 3.x in pyproject.toml.
STEMMER_ALGORITHM = "dutch"
# Longer "words" (hashes, pasted junk) are not indexed nor searched.
MAX_TOKEN_LENGTH = 40
# PostgreSQL keeps word positions up to 16,383; both backends index at most this many
# words of one column, so phrase matching is the same on both.
MAX_TOKENS = 16000

# Query-time stop words: left out of searches (not of phrases), still indexed.
# Negations ("niet", "geen", "zonder") and "een" (which finds "één") are searchable.
STOP_WORDS = frozenset(
    "de het en van in op te dat die er aan is om als bij of dan ook tot naar uit dit"
    " zo maar wat met voor".split()
)

WORD = re.compile(r"[^\W_]+")
_stemmer = Stemmer.Stemmer(STEMMER_ALGORITHM)


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def normalise(text):
    """Lower case without diacritics: "Ideeën" -> "ideeen", "één" -> "een". Lowered
    again after the decomposition, which makes capitals of some signs ("™" -> "TM")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).lower()
    if decomposed.isascii():  # nearly every text: no diacritics to drop
        return decomposed
    return _NOT_ASCII.sub(_unmarked, decomposed)


def _unmarked(match):
    """A character of a decomposed text without its diacritics (combining marks)."""
    return "" if unicodedata.combining(match[0]) else match[0]


def words(text):
    """The normalised words of `text`, letters and digits only."""
    return [word for word in WORD.findall(normalise(text)) if len(word) <= MAX_TOKEN_LENGTH]


# The letters of analysed words, in the order of every collation.
LETTERS = "0123456789abcdefghijklmnopqrstuvwxyz"


def beyond(start):
    """The first analysed text after all those that begin with `start` (analysed:
    digits and a to z), for a range condition; None when there is none ("zz")."""
    kept = start.rstrip("z")
    if not kept or kept[-1] not in LETTERS:
        return None
    return kept[:-1] + LETTERS[LETTERS.index(kept[-1]) + 1]


@lru_cache(maxsize=200_000)
def stem(word):
    """The stem of one normalised word."""
    return _stemmer.stemWord(word)


# The stems of the words seen, for `stems`; emptied when it holds more than this many.
_STEMS, STEMS_KEPT = {}, 200_000


def stems(words):
    """The stems of normalised `words`, in order. Looked up in a plain dict: an index
    rebuild stems tens of millions of words, and `stem`'s cache costs twice as much
    per word as a dict (10 of a rebuild's 65 s of analysis at 100,000 columns)."""
    found = list(map(_STEMS.get, words))
    if None in found:
        if len(_STEMS) > STEMS_KEPT:
            _STEMS.clear()
        for position, word in enumerate(words):
            if found[position] is None:
                found[position] = _STEMS[word] = _stemmer.stemWord(word)
    return found


def analyse(text):
    """The stems of `text`, in order: what gets indexed and searched."""
    return stems(words(text))


@lru_cache(maxsize=200_000)
def word_stems(word):
    """The stems of one word of an original text (a match of WORD): usually one."""
    return tuple(stem(part) for part in words(word))
