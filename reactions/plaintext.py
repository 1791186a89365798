"""Readers' plain text to HTML: escaped, paragraphs and line breaks kept, web links.

Reactions are plain text, never Markdown or HTML. Every piece of the reader's text
is escaped before it is joined with the few tags made here, so the result is safe.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# http(s) only: "javascript:" and other schemes are never made into links.
URL_RE = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
# Anything that looks like a link, for the moderation rule "a link waits".
LINK_HINT_RE = re.compile(r"https?://|\bwww\.|<\s*a\b|href\s*=", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?'\""
LINK_REL = "nofollow ugc noopener"


def contains_link(text):
    return bool(LINK_HINT_RE.search(text))


def _split_url(url):
    """Trailing punctuation and an unmatched closing bracket belong to the sentence."""
    trail = ""
    while url:
        if url[-1] in TRAILING_PUNCTUATION:
            trail = url[-1] + trail
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            trail = url[-1] + trail
            url = url[:-1]
        else:
            break
    return url, trail


def _linkify_line(line):
    parts = []
    position = 0
    for match in URL_RE.finditer(line):
        url, trail = _split_url(match.group())
        if not re.match(r"https?://[^/?#]+", url, re.IGNORECASE):
            continue
        parts.append(escape(line[position : match.start()]))
        parts.append(f'<a href="{escape(url)}" rel="{LINK_REL}">{escape(url)}</a>')
        parts.append(escape(trail))
        position = match.end()
    parts.append(escape(line[position:]))
    return "".join(parts)


def render_plain_text(text):
    """HTML for `text`: a <p> per paragraph, <br> per line break, http(s) links."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n+", text) if p.strip()]
    html = "".join(
        "<p>" + "<br>".join(_linkify_line(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
    return mark_safe(html)  # noqa: S308 — every piece of user text above is escaped
