"""Marking the words a query matched, inflected forms included, in the original text.

Built in Python for the displayed rows only. Everything outside the <mark> tags is
escaped; the result is safe to show.
"""

from bisect import bisect_left
from itertools import islice

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .dutch import WORD, word_stems

SNIPPET_WORDS = 32


class Matcher:
    """For a word of the original text, its stems when it matches one of the query's
    terms, else None (`matches(word)`). Texts repeat their words, so each distinct
    word is decided once, and each text scanned once: pass the same matcher for all
    texts of one search."""

    def __init__(self, query):
        self.stems = {stem for term in query.terms if not term.prefix for stem in term.stems}
        self.prefixes = tuple(term.stems[0] for term in query.terms if term.prefix)
        self.decided = {}  # word -> its stems or None
        self.scanned = {}  # text -> what `scan` gives

    def __call__(self, word):
        if word not in self.decided:
            self.decided[word] = self._decide(word)
        return self.decided[word]

    def _decide(self, word):
        found = word_stems(word)
        if not self.stems.isdisjoint(found):
            return found
        if self.prefixes:
            for stem in found:
                if stem.startswith(self.prefixes):
                    return found
        return None

    def scan(self, text):
        """The words of `text`, what the matcher gives for each, and the positions of
        those that match: a snippet and the phrase check read the same texts. A body
        of 700 words holds about 300 different ones: each is decided once, the words
        are then looked up in the dict."""
        if text not in self.scanned:
            words = WORD.findall(text)
            for word in set(words).difference(self.decided):
                self.decided[word] = self._decide(word)
            hits = list(map(self.decided.__getitem__, words))
            positions = [i for i, hit in enumerate(hits) if hit is not None]
            self.scanned[text] = (words, hits, positions)
        return self.scanned[text]


def phrase_in(text, stems, matches):
    """Whether the stems `stems` (of a phrase of the query that `matches` was made
    for) follow each other in `text` (as a phrase matches). A word that matches no
    term of the query holds none of the phrase's stems: only runs of neighbouring
    matching words are read."""
    _, hits, positions = matches.scan(text)
    size, last = len(stems), stems[-1]
    run, previous = [], None
    for position in positions:
        if position != previous:
            run = []
        for found in hits[position]:
            run.append(found)
            if found == last and tuple(run[-size:]) == stems:
                return True
        previous = position + 1
    return False


def _render(text, spans, start, end):
    """Escaped text[start:end] with the marked spans wrapped in <mark>."""
    parts, position = [], start
    for span_start, span_end in spans:
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    return "".join(parts)


def highlight(text, query, matches=None):
    """The whole `text`, escaped, with the matching words marked."""
    matches = matches or Matcher(query)
    spans = [word.span() for word in WORD.finditer(text) if matches(word.group())]
    return mark_safe(_render(text, spans, 0, len(text)))


def snippet(text, query, size=SNIPPET_WORDS, fallback="", matches=None):
    """The passage of about `size` words of `text` with the most different matching
    words, escaped, matches marked, with an ellipsis where it was cut. Without a
    match in `text` (say, only the title matched), the `fallback` text is used."""
    matches = matches or Matcher(query)
    words, hits, positions = matches.scan(text)  # hits: the stems of each matching word
    if fallback and not positions:
        return snippet(fallback, query, size, matches=matches)
    if not words:
        return mark_safe(escape(text))
    best, best_score = 0, (0, 0)
    for position in positions:
        first = max(0, position - 4)
        low, high = bisect_left(positions, first), bisect_left(positions, first + size)
        found = positions[low:high]
        score = (len({hits[i] for i in found}), len(found))
        if score > best_score:
            best, best_score = first, score
    last = min(len(words), best + size) - 1
    spans = [word.span() for word in islice(WORD.finditer(text), best, last + 1)]
    start = 0 if best == 0 else spans[0][0]
    end = len(text) if last == len(words) - 1 else spans[-1][1]
    marked = [span for span, hit in zip(spans, hits[best : last + 1], strict=True) if hit]
    html = _render(text, marked, start, end).strip()
    if start > 0:
        html = "… " + html
    if end < len(text):
        html += " …"
    return mark_safe(html)
