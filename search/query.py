"""Parsing what the reader typed into a small, safe query structure.

The language, the same on both databases: words are AND-ed; "exact phrase"; -word
excludes; OR between words or phrases; word* for a prefix. Every other character is
taken literally (it just separates words). The last word typed also matches as a prefix.
Nothing here can fail: any text gives a `Query`, possibly an empty one.
"""

import os
import unicodedata
from dataclasses import dataclass, field

from .dutch import STOP_WORDS, analyse, stem, words

# Queries are cut to this many characters, and to this many search terms.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MAX_EXCLUDED = 5
# A prefix needs at least this many letters.
MIN_PREFIX_LENGTH = 2


# How a term came to be searched: typed (and stemmed), or added by search.fuzzy as a
# compound (joined or split words) or a typo's correction. Ranked in that order.
EXACT, COMPOUND, FUZZY = "exact", "compound", "fuzzy"
# Added by search.synonyms from the editors' synonym sets; ranked below what was typed.
SYNONYM = "synonym"


@dataclass(frozen=True)
class Term:
    """One thing to look for: a stemmed word, a phrase of stems, or a prefix."""

    stems: tuple
    prefix: bool = False
    text: str = ""  # what the reader typed, for "Bedoelde je"
    kind: str = EXACT

    @property
    def is_phrase(self):
        return len(self.stems) > 1


@dataclass
class Query:
    """Groups of terms: every group must match, one term of a group is enough."""

    text: str = ""
    groups: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    ignored_words: list = field(default_factory=list)

    @property
    def terms(self):
        return [term for group in self.groups for term in group]

    @property
    def match_groups(self):
        """The groups as the databases match them: without a word that a prefix in
        its group already covers ("klant" next to "klant*", from the last word typed),
        which would only make them read the same rows twice."""
        return [tuple(term for term in group if not _covered(term, group)) for group in self.groups]

    def __bool__(self):
        return bool(self.groups)


def _covered(term, group):
    return (
        not term.prefix
        and not term.is_phrase
        and any(other.prefix and term.stems[0].startswith(other.stems[0]) for other in group)
    )


def clean(text):
    """Cut to the documented length and turn control and format characters into spaces."""
    text = text[:MAX_QUERY_LENGTH]
    return "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)


def _lex(text):
    """Yield (kind, text, negated) with kind "word", "phrase" or "or"."""
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        negated = False
        if char == "-" and position + 1 < length and not text[position + 1].isspace():
            negated = True
            position += 1
            char = text[position]
        if char == '"':
            end = text.find('"', position + 1)
            end = length if end == -1 else end
            yield "phrase", text[position + 1 : end], negated
            position = end + 1
            continue
        end = position
        while end < length and not text[end].isspace() and text[end] != '"':
            end += 1
        word = text[position:end]
        position = end
        if word == "OR" and not negated:
            yield "or", word, False
        else:
            yield "word", word, negated


def _prefix_stem(word):
    """The part of a typed word that its inflections share: "medewerkers" -> "medewerker"."""
    return os.path.commonprefix([word, stem(word)])


def _term(kind, raw):
    """The `Term` for one lexed item, or None when nothing searchable is left."""
    stems = tuple(analyse(raw))
    if not stems:
        return None
    if kind == "phrase" or len(stems) > 1:
        return Term(stems=stems, text=raw)
    if raw.endswith("*"):
        prefix = _prefix_stem(words(raw)[0])
        if len(prefix) >= MIN_PREFIX_LENGTH:
            return Term(stems=(prefix,), prefix=True, text=raw)
    return Term(stems=stems, text=raw)


def parse(text):
    """Parse `text` (any string) into a `Query`."""
    text = clean(text or "")
    query = Query(text=text.strip())
    pending_or = False
    last = None  # (group index, term, raw word) of the last bare word
    for kind, raw, negated in _lex(text):
        if kind == "or":
            pending_or = bool(query.groups)
            continue
        term = _term(kind, raw)
        if term is None:
            continue
        is_stop_word = (
            kind == "word"
            and not term.prefix
            and not term.is_phrase
            and words(raw)[0] in STOP_WORDS
        )
        if is_stop_word:
            query.ignored_words.append(raw)
            continue
        if negated:
            if len(query.excluded) < MAX_EXCLUDED:
                query.excluded.append(term)
            continue
        if len(query.terms) >= MAX_TERMS:
            break
        if pending_or:
            query.groups[-1] = (*query.groups[-1], term)
        else:
            query.groups.append((term,))
        pending_or = False
        last = (len(query.groups) - 1, term, raw) if kind == "word" else None
    _last_word_as_prefix(query, text, last)
    return query


def _last_word_as_prefix(query, text, last):
    """The word being typed also matches as a prefix: "klant" finds "klanttevredenheid"."""
    if last is None or text[-1:].isspace():
        return
    index, term, raw = last
    if term.prefix or term.is_phrase or query.groups[index][-1] is not term:
        return
    prefix = word_prefix(words(raw)[0])
    if prefix:
        query.groups[index] = (*query.groups[index], Term(stems=(prefix,), prefix=True, text=raw))


def word_prefix(word):
    """The prefix a word being typed (normalised) also matches as, or None: its stem
    when the stem just drops an ending (a stemmer that rewrites inside the word,
    "klantgerigt" -> "klantrigt", would turn a typo into a broad prefix), else the
    word; at least 3 letters."""
    prefix = stem(word) if word.startswith(stem(word)) else word
    return prefix if len(prefix) >= 3 else None
