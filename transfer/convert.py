"""WordPress's HTML to the site's Markdown, and the texts derived from it.

What WordPress stores is not quite HTML: paragraphs are often blank lines (its
`wpautop` adds the <p> tags when it shows a post), and shortcodes in square brackets
stand for captions, galleries and embeds. Shortcodes are turned into HTML first (or
removed), paragraphs are made explicit, then markdownify writes Markdown. The result
is rendered by the site's own renderer and sanitiser (articles.markdown) when the
column is saved, like anything an editor writes.

Images are replaced by a placeholder line `[[import:N]]` and listed in `images`; the
importer puts a library image (`[[beeld:…]]`) or a plain link in its place.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment
from django.utils.translation import ngettext
from markdownify import MarkdownConverter

# Shortcodes WordPress ships or that are common on WordPress.com; a bracketed word that
# is none of these and has no attributes or closing tag is left alone ("[sic]").
KNOWN_SHORTCODES = {
    "caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist", "youtube",
    "vimeo", "soundcloud", "tweet", "googlemaps", "slideshow", "contact-form", "code",
    "sourcecode", "simple-payment", "recipe", "archives", "polldaddy", "wpvideo",
}  # fmt: skip
SHORTCODE = re.compile(
    r"\[(?P<escape>\[)?(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:\s[^\]]*)?)(?P<self>/)?\]"
)
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
BLOCK_START = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|dl|dd|dt|blockquote|pre|table|thead|tbody|tfoot|tr|"
    r"th|td|figure|figcaption|hr|address|!--|form|section|iframe|audio|video)(?=[\s>/])",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"\[\[import:(\d+)\]\]")
SIZE_SUFFIX = re.compile(r"-\d+x\d+(\.\w+)$")


@dataclass
class ImageUse:
    """An image a post shows: where it lives on the old site and what it says."""

    url: str
    alt: str = ""
    caption: str = ""


@dataclass
class Converted:
    markdown: str
    images: list = field(default_factory=list)  # ImageUse, numbered by position
    notes: list = field(default_factory=list)  # what happened to shortcodes and such


def parse_attributes(text):
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in ATTRIBUTE.finditer(text or "")}


def _find_closing(text, name, start):
    match = re.compile(rf"\[/{re.escape(name)}\]", re.IGNORECASE).search(text, start)
    return match


def expand_shortcodes(text, *, gallery=None, notes):
    """Shortcodes turned into HTML; `gallery(attrs)` gives the image URLs of a
    [gallery]. Each conversion or removal is noted once per kind."""
    noted = set()

    def note(message):
        if message not in noted:
            noted.add(message)
            notes.append(message)

    out, position = [], 0
    while True:
        match = SHORTCODE.search(text, position)
        if match is None:
            out.append(text[position:])
            break
        name = match["name"].lower()
        closing = None if match["self"] else _find_closing(text, name, match.end())
        looks_like_one = name in KNOWN_SHORTCODES or closing or "=" in match["attrs"]
        if match["escape"] or not looks_like_one:
            out.append(text[position : match.end()])
            position = match.end()
            continue
        out.append(text[position : match.start()])
        attrs = parse_attributes(match["attrs"])
        inner = text[match.end() : closing.start()] if closing else ""
        position = closing.end() if closing else match.end()
        if name in ("caption", "wp_caption"):
            caption = attrs.get("caption", "")
            soup = BeautifulSoup(inner, "html.parser")
            image = soup.find("img")
            if image is not None:
                # The caption is the text next to the image, or its attribute.
                image.extract()
                words = soup.get_text(" ", strip=True)
                image["data-caption"] = " ".join((caption or words).split())
                out.append(f"\n\n{image}\n\n")
            else:
                out.append(inner)
            note("[caption] omgezet: beeld met onderschrift.")
        elif name == "gallery":
            urls = gallery(attrs) if gallery else []
            if urls:
                out.append(
                    "\n\n" + "\n\n".join(f'<img src="{html.escape(u)}" alt="">' for u in urls)
                )
                out.append("\n\n")
                note(
                    ngettext(
                        "[gallery] omgezet: %(count)d beeld.",
                        "[gallery] omgezet: %(count)d beelden onder elkaar.",
                        len(urls),
                    )
                    % {"count": len(urls)}
                )
            else:
                note("[gallery] verwijderd: de beelden ervan staan niet in het bestand.")
        elif name in ("embed", "audio", "video", "youtube", "vimeo", "wpvideo", "playlist",
                      "soundcloud", "tweet"):  # fmt: skip
            url = inner.strip() or attrs.get("src") or attrs.get("url") or attrs.get("mp3") or ""
            url = url or next(
                (v for k, v in attrs.items() if k in ("mp4", "m4a", "ogg", "wav")), ""
            )
            if url.startswith(("http://", "https://")):
                out.append(f'\n\n<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>\n\n')
                note(f"[{name}] omgezet in een link.")
            else:
                note(f"[{name}] verwijderd: geen adres.")
        elif name in ("code", "sourcecode"):
            out.append(f"<pre><code>{html.escape(inner)}</code></pre>")
            note(f"[{name}] omgezet in een codeblok.")
        else:
            out.append(inner)
            note(f"[{name}] verwijderd (onbekende shortcode).")
    return "".join(out)


BLOCK_TAGS = (
    r"(?:table|thead|tbody|tfoot|tr|th|td|ul|ol|li|dl|dd|dt|blockquote|pre|h[1-6]|div|"
    r"figure|figcaption|hr|address|p|section|iframe|form|audio|video)"
)
BLOCK_OPEN = re.compile(rf"(<{BLOCK_TAGS}(?=[\s>/]))", re.IGNORECASE)
BLOCK_CLOSE = re.compile(rf"(</{BLOCK_TAGS}>)", re.IGNORECASE)
PRE = re.compile(r"<pre[\s>].*?</pre>", re.IGNORECASE | re.DOTALL)


def autop(text):
    """WordPress's wpautop in small: blank lines separate paragraphs, single line
    breaks inside a paragraph are <br>, block-level tags are paragraphs of their own.
    What is inside <pre> stays exactly as it is."""
    text = (text or "").replace("\r\n", "\n")
    kept = []

    def keep(match):
        kept.append(match[0])
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    text = PRE.sub(keep, text)
    text = BLOCK_CLOSE.sub(r"\1\n\n", BLOCK_OPEN.sub(r"\n\n\1", text))
    out = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block:
            continue
        if block.startswith("<") and BLOCK_START.match(block) or block.startswith("</"):
            out.append(block)
        elif block.startswith("\x00"):
            out.append(block)
        else:
            out.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    text = "\n".join(out)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m[1])], text)


class _Converter(MarkdownConverter):
    """markdownify with the site's choices: ## headings at most, '-' bullets."""

    def convert_img(self, el, text, parent_tags):
        return el.get("data-placeholder", "")

    def convert_figure(self, el, text, parent_tags):
        return f"\n\n{text.strip()}\n\n"


def to_markdown(content, *, gallery=None):
    """WordPress post content (HTML with shortcodes) as Markdown, with its images."""
    notes = []
    text = expand_shortcodes(content or "", gallery=gallery, notes=notes)
    soup = BeautifulSoup(autop(text), "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()  # block-editor markers (<!-- wp:paragraph -->)
    removed = set()
    for element in soup.find_all(["script", "style", "iframe", "object", "embed", "form"]):
        removed.add(element.name)
        element.decompose()
    if removed:
        notes.append("Verwijderd: " + ", ".join(f"<{name}>" for name in sorted(removed)) + ".")
    # The site's texts use ## to ####: a # heading becomes ##, ##### and deeper ####.
    for level in (1, 5, 6):
        for heading in soup.find_all(f"h{level}"):
            heading.name = "h2" if level == 1 else "h4"
    images = []
    for image in soup.find_all("img"):
        src = (image.get("src") or "").strip()
        if not src:
            image.decompose()
            continue
        use = ImageUse(
            url=src,
            alt=" ".join((image.get("alt") or image.get("title") or "").split()),
            caption=image.get("data-caption", ""),
        )
        images.append(use)
        placeholder = f"[[import:{len(images) - 1}]]"
        # An image inside a link to itself (WordPress's "link to media file") is the
        # image only.
        link = image.find_parent("a")
        if link is not None and len(link.find_all("img")) == 1 and not link.get_text(strip=True):
            link.replace_with(image)
        image["data-placeholder"] = f"\n\n{placeholder}\n\n"
    markdown = _Converter(
        heading_style="ATX", bullets="-", escape_underscores=False, escape_asterisks=True
    ).convert_soup(soup)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    return Converted(markdown=markdown + "\n" if markdown else "", images=images, notes=notes)


def plain_text(content):
    """HTML (a comment, an excerpt) as plain text with its paragraphs kept."""
    content = (content or "").replace("\r\n", "\n")
    if "<" not in content and "&" not in content:
        # Plain text already (most comments): only the spacing to tidy.
        return _tidy(content)
    soup = BeautifulSoup(autop(content or ""), "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dd"]):
        if block.find(["p", "li"]) is None:
            block.append("\n\n")
    return _tidy(soup.get_text())


def _tidy(text):
    """Paragraphs apart by one blank line, lines without runs of spaces or empty ones."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in paragraph.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def shorten(text, limit):
    """At most `limit` characters, cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def first_paragraph(markdown):
    """The first paragraph of prose in Markdown, as plain text."""
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block or block.startswith(("#", "[[", "|", "```", "    ", "---", "* * *")):
            continue
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", block)
        text = re.sub(r"^[>\-*+\d.]+\s+", "", text, flags=re.MULTILINE)
        text = re.sub(r"[*_`]", "", text).replace("\\", "")
        text = " ".join(text.split())
        if any(char.isalpha() for char in text):
            return text
    return ""


def upload_path(url):
    """Where an uploaded file lives under wp-content/uploads: '2012/06/foto.jpg'.
    None for an address that is not an upload."""
    path = urlsplit(url).path
    if "/wp-content/uploads/" in path:
        return path.split("/wp-content/uploads/", 1)[1]
    if re.match(r"^/\d{4}/\d{2}/[^/]+$", path):  # files.wordpress.com/2012/06/foto.jpg
        return path.lstrip("/")
    return None


def original_of(path):
    """'2012/06/foto-300x200.jpg' -> '2012/06/foto.jpg': the size WordPress made."""
    return SIZE_SUFFIX.sub(r"\1", path)
