"""Markdown to sanitised HTML, done once when a text is saved.

Besides Markdown itself a column's text knows two things:

- Every subheading (h2-h4) gets an id made from its own words, so its anchor stays the
  same when other parts of the text change; a repeated heading gets -2, -3, and ids
  the column page itself uses are never taken. `table_of_contents()` reads them back.
- A line holding only `[[beeld:12]]` shows image 12 of the library. The editor inserts
  it with "Beeld invoegen"; the caller passes `figures`, which turns an image id into
  trusted HTML (or None when there is no such image: the line is dropped).
"""

import html
import re

import markdown as md
import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}

# Browsers send a textarea's lines ending in \r\n.
IMAGE_REFERENCE = re.compile(r"^[ \t]*\[\[beeld:(\d+)\]\][ \t]*\r?$", re.MULTILINE)
RENDERED_REFERENCE = re.compile(r"<p>\[\[beeld:(\d+)\]\]</p>")
HEADING = re.compile(r"<h([2-4])>(.*?)</h\1>", re.DOTALL)
HEADING_WITH_ID = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
# Ids the column page uses itself (templates/articles/column_detail.html, base.html and
# the reactions' part); a heading never takes one of them.
PAGE_IDS = {
    "inhoud",
    "kop-zoekterm",
    "kruimelpad",
    "in-deze-column",
    "over-de-auteur",
    "verwant",
    "reacties",
    "reacties-titel",
    "reageer",
    "reageer-titel",
}


def render_markdown(text, *, figures=None):
    """Render Markdown written by editors to HTML that is safe to show as is."""
    rendered = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    clean = add_heading_ids(clean)
    if figures is not None:
        clean = RENDERED_REFERENCE.sub(lambda match: figures(int(match[1])) or "", clean)
    return clean


def add_heading_ids(clean_html):
    """Give each subheading an id from its words: stable, unique on the page."""
    taken = set(PAGE_IDS)

    def with_id(match):
        level, inner = match[1], match[2]
        base = slugify(html.unescape(strip_tags(inner)))[:60].strip("-") or "kop"
        anchor, number = base, 1
        while anchor in taken or anchor.startswith("reactie-"):
            number += 1
            anchor = f"{base}-{number}"
        taken.add(anchor)
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return HEADING.sub(with_id, clean_html)


def table_of_contents(body_html):
    """[(anchor, text, [(anchor, text), ...]), ...]: the h2 subheadings with the h3s
    under them, as rendered by `render_markdown`."""
    entries = []
    for level, anchor, inner in HEADING_WITH_ID.findall(body_html):
        text = html.unescape(strip_tags(inner)).strip()
        if level == "2" or not entries:
            entries.append((anchor, text, []))
        else:
            entries[-1][2].append((anchor, text))
    return entries


def image_references(text):
    """The ids of the library images a text shows, in order, each once."""
    return list(dict.fromkeys(int(number) for number in IMAGE_REFERENCE.findall(text)))


def count_words(text):
    """Words a reader reads: image references and Markdown's own signs left out."""
    text = IMAGE_REFERENCE.sub(" ", text)
    return sum(1 for word in text.split() if any(char.isalnum() for char in word))
