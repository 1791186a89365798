"""Synonyms: words the editors want a search to treat alike (`SynonymSet`).

A set is two-way ("klantgericht, klantgerichtheid, klantfocus": each finds the others)
or one-way ("KC" also finds "klant centraal", not the other way round). Words and
phrases are analysed as the index is (`dutch.analyse`), so "klantgerichte" meets
"klantgericht" and nothing depends on the database.

`expand(query, table)` adds what a typed word (or phrase) also finds as alternatives
(kind `query.SYNONYM`) to its group: a group is "a word, or words joined by OR", so
the column that holds only a synonym matches, and the engine ranks a group's typed
words above its synonyms (engine._score). A phrase of the table typed as separate
words ("klant centraal") gets its synonyms in each of those words' groups, so the
columns the words find stay found. Expansion takes one step: what a synonym finds in
its turn is not added (no loops, however the sets overlap).
"""

from dataclasses import dataclass, field, replace

from .dutch import analyse
from .query import EXACT, SYNONYM, Term

# Terms added to one query at most: the statement stays small whatever the sets hold.
MAX_ADDED = 12


def split(text):
    """The comma-separated words and phrases of a set's field, as typed."""
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass
class Table:
    """What each analysed word or phrase also finds: {stems: {stems: text}}."""

    rules: dict = field(default_factory=dict)
    longest: int = 0  # the most words a phrase of the table has

    def add(self, source, targets):
        found = self.rules.setdefault(source, {})
        for stems, text in targets:
            if stems != source:
                found.setdefault(stems, text)
        self.longest = max(self.longest, len(source))

    @classmethod
    def of(cls, sets):
        """The table of `sets`: (words, also_find) pairs of comma-separated texts."""
        table = cls()
        for words, also_find in sets:
            words = [(tuple(analyse(text)), text) for text in split(words)]
            words = [(stems, text) for stems, text in words if stems]
            targets = [(tuple(analyse(text)), text) for text in split(also_find)]
            targets = [(stems, text) for stems, text in targets if stems] or words
            for stems, _ in words:
                table.add(stems, targets)
        return table


def _typed(term):
    return term.kind == EXACT and not term.prefix


def _spans(groups, longest):
    """(first group, last group + 1, stems) of what was typed: each typed term of a
    group, and the words of up to `longest` neighbouring groups read as a phrase."""
    for start, group in enumerate(groups):
        for term in group:
            if _typed(term):
                yield start, start + 1, term.stems
        stems = ()
        for end in range(start, min(len(groups), start + longest)):
            first = groups[end][0]
            if not _typed(first) or first.is_phrase:
                break
            stems += first.stems
            if end > start:
                yield start, end + 1, stems


def expand(query, table):
    """(`query` with the synonyms of its typed words added, the texts added in order).
    Without synonyms for it, `query` itself."""
    if not query or not table.rules:
        return query, []
    groups = [list(group) for group in query.groups]
    added = []
    for start, end, stems in list(_spans(query.groups, table.longest)):
        for synonym, text in table.rules.get(stems, {}).items():
            if len(added) >= MAX_ADDED:
                break
            term = Term(stems=synonym, text=text, kind=SYNONYM)
            for group in groups[start:end]:
                if all(other.stems != synonym or other.prefix for other in group):
                    group.append(term)
                    if text not in added:
                        added.append(text)
    if not added:
        return query, []
    return replace(query, groups=[tuple(group) for group in groups]), added


def query_key(query):
    """What a query is about, for grouping and for recommended columns: the stems of
    its typed words, distinct and sorted ("klanten centraal" and "centraal klant"
    share "centraal klant"). A prefix keeps its star; the prefix the last word gets
    while it is typed is left out."""
    return _key(_typed_stems(group) for group in query.groups)


def _typed_stems(group):
    typed = {term.text for term in group if not term.prefix}
    stems = set()
    for term in group:
        if term.kind != EXACT or (term.prefix and term.text in typed):
            continue
        stems.update(f"{stem}*" if term.prefix else stem for stem in term.stems)
    return stems


def _key(parts):
    return " ".join(sorted(set().union(*parts)))[:200]


MAX_KEYS = 64


def query_keys(query):
    """The key of an expanded query as typed first, then with each group's words
    replaced by one of its synonyms (at most MAX_KEYS in all)."""
    keys = [query_key(query)]
    options = []
    for group in query.groups:
        choices = [_typed_stems(group)]
        choices += [set(term.stems) for term in group if term.kind == SYNONYM]
        options.append(choices)
    variants = [set()]
    for choices in options:
        variants = [variant | choice for variant in variants for choice in choices][:MAX_KEYS]
    for variant in variants:
        key = _key([variant])
        if key not in keys:
            keys.append(key)
    return keys
