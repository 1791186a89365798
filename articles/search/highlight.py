"""Marking the words a query matched, inflected forms included, in the original text.

Built in Python for the displayed rows only. Everything outside the <mark> tags is
escaped; the result is safe to show.
"""

from bisect import bisect_left

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .dutch import word_spans

SNIPPET_WORDS = 32


def _matcher(query):
    stems = {stem for term in query.terms if not term.prefix for stem in term.stems}
    prefixes = tuple(term.stems[0] for term in query.terms if term.prefix)

    def matches(word_stems):
        return any(stem in stems or (prefixes and stem.startswith(prefixes)) for stem in word_stems)

    return matches


def _render(text, spans, start, end):
    """Escaped text[start:end] with the marked spans wrapped in <mark>."""
    parts, position = [], start
    for span_start, span_end in spans:
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    return "".join(parts)


def highlight(text, query):
    """The whole `text`, escaped, with the matching words marked."""
    matches = _matcher(query)
    spans = [(start, end) for start, end, stems in word_spans(text) if matches(stems)]
    return mark_safe(_render(text, spans, 0, len(text)))


def snippet(text, query, size=SNIPPET_WORDS, fallback=""):
    """The passage of about `size` words of `text` with the most different matching
    words, escaped, matches marked, with an ellipsis where it was cut. Without a
    match in `text` (say, only the title matched), the `fallback` text is used."""
    matches = _matcher(query)
    spans = list(word_spans(text))
    hits = [matches(stems) for _, _, stems in spans]
    positions = [i for i, hit in enumerate(hits) if hit]
    if fallback and not positions:
        return snippet(fallback, query, size)
    if not spans:
        return mark_safe(escape(text))
    best, best_score = 0, (0, 0)
    for position in positions:
        first = max(0, position - 4)
        low, high = bisect_left(positions, first), bisect_left(positions, first + size)
        found = positions[low:high]
        score = (len({tuple(spans[i][2]) for i in found}), len(found))
        if score > best_score:
            best, best_score = first, score
    last = min(len(spans), best + size) - 1
    start = 0 if best == 0 else spans[best][0]
    end = len(text) if last == len(spans) - 1 else spans[last][1]
    marked = [
        (s, e)
        for (s, e, _), hit in zip(spans[best : last + 1], hits[best : last + 1], strict=True)
        if hit
    ]
    html = _render(text, marked, start, end).strip()
    if start > 0:
        html = "… " + html
    if end < len(text):
        html += " …"
    return mark_safe(html)
