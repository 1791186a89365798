"""Reading a WordPress export (WXR 1.0-1.2), streaming and safely.

The file is untrusted XML: defusedxml refuses a DTD, entity declarations (the
"billion laughs") and external entities before anything is expanded. Items are read
one at a time and dropped after use, so memory stays flat however long the file is.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.conf import settings

SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}


class ImportError_(Exception):
    """The file cannot be imported at all; the message says why, in Dutch."""


@dataclass
class WPAuthor:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    description: str = ""

    @property
    def name(self):
        full = f"{self.first_name} {self.last_name}".strip()
        return (self.display_name or full or self.login).strip()


@dataclass
class WPComment:
    comment_id: int
    author: str
    email: str
    url: str
    date: datetime | None
    content: str
    approved: str  # "1", "0", "spam", "trash"
    type: str  # "", "comment", "pingback", "trackback"
    parent: int


@dataclass
class WPItem:
    post_id: int
    post_type: str
    title: str = ""
    link: str = ""
    guid: str = ""
    slug: str = ""
    status: str = ""
    date: datetime | None = None
    content: str = ""
    excerpt: str = ""
    creator: str = ""
    password: str = ""
    parent: int = 0
    attachment_url: str = ""
    terms: list = field(default_factory=list)  # (domain, nicename, name)
    comments: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)


@dataclass
class Channel:
    version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    authors: dict = field(default_factory=dict)  # login -> WPAuthor


def _local(tag):
    """'{https://wordpress.org/export/1.2/}post_id' -> 'wp:post_id'."""
    if not tag.startswith("{"):
        return tag
    uri, name = tag[1:].split("}", 1)
    if "wordpress.org/export/" in uri:
        prefix = "excerpt" if uri.rstrip("/").endswith("excerpt") else "wp"
    elif "purl.org/rss/1.0/modules/content" in uri:
        prefix = "content"
    elif "purl.org/dc/elements" in uri:
        prefix = "dc"
    else:
        prefix = "x"
    return f"{prefix}:{name}"


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def _children(element):
    """{local name: text} of the direct children (the last one wins)."""
    return {_local(child.tag): child.text or "" for child in element}


def parse_date(gmt, local=""):
    """A WordPress date: the GMT one when set, else the local one in the site's time
    zone. "0000-00-00 00:00:00" (an unpublished draft) is None."""
    for value, zone in ((gmt, UTC), (local, ZoneInfo(settings.TIME_ZONE))):
        value = (value or "").strip()
        if not value or value.startswith("0000"):
            continue
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def _int(value, default=0):
    try:
        return int((value or "").strip())
    except ValueError:
        return default


def _item(element):
    values = {}
    terms, comments, meta = [], [], {}
    for child in element:
        name = _local(child.tag)
        if name == "category":
            terms.append(
                (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
            )
        elif name == "wp:comment":
            c = _children(child)
            comments.append(
                WPComment(
                    comment_id=_int(c.get("wp:comment_id")),
                    author=c.get("wp:comment_author", "").strip(),
                    email=c.get("wp:comment_author_email", "").strip(),
                    url=c.get("wp:comment_author_url", "").strip(),
                    date=parse_date(c.get("wp:comment_date_gmt"), c.get("wp:comment_date")),
                    content=c.get("wp:comment_content", ""),
                    approved=c.get("wp:comment_approved", "").strip(),
                    type=c.get("wp:comment_type", "").strip(),
                    parent=_int(c.get("wp:comment_parent")),
                )
            )
        elif name == "wp:postmeta":
            m = _children(child)
            meta[m.get("wp:meta_key", "").strip()] = m.get("wp:meta_value", "")
        else:
            values[name] = child.text or ""
    return WPItem(
        post_id=_int(values.get("wp:post_id")),
        post_type=values.get("wp:post_type", "").strip(),
        title=values.get("title", "").strip(),
        link=values.get("link", "").strip(),
        guid=values.get("guid", "").strip(),
        slug=values.get("wp:post_name", "").strip(),
        status=values.get("wp:status", "").strip(),
        date=parse_date(values.get("wp:post_date_gmt"), values.get("wp:post_date")),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        creator=values.get("dc:creator", "").strip(),
        password=values.get("wp:post_password", "").strip(),
        parent=_int(values.get("wp:post_parent")),
        attachment_url=values.get("wp:attachment_url", "").strip(),
        terms=terms,
        comments=comments,
        meta=meta,
    )


class WXRFile:
    """Iterating gives the items (WXRItem) one by one; `channel` is filled from the
    site's header (authors, addresses) before the first item is given. Raises
    ImportError_ for a file that is not a WordPress export, broken XML or XML
    defusedxml refuses."""

    def __init__(self, source):
        self.source = source  # a path or a binary file object
        self.channel = Channel()

    def __iter__(self):
        try:
            yield from self._items()
        except DefusedXmlException as error:
            raise ImportError_(
                "Het bestand bevat XML-constructies die niet veilig zijn (een DTD, "
                f"entiteiten of externe verwijzingen) en is geweigerd: {type(error).__name__}."
            ) from error
        except ParseError as error:
            raise ImportError_(f"Het bestand is geen geldige XML: {error}.") from error
        except OSError as error:
            raise ImportError_(f"Het bestand kan niet worden gelezen: {error}.") from error

    def _items(self):
        events = iterparse(
            self.source,
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        depth = 0
        root_seen = False
        channel_element = None
        header_done = False
        for event, element in events:
            name = _local(element.tag)
            if event == "start":
                depth += 1
                if not root_seen:
                    root_seen = True
                    if name != "rss":
                        raise ImportError_(
                            "Dit is geen WordPress-export (WXR): het bestand begint niet met <rss>."
                        )
                elif depth == 2 and name == "channel":
                    channel_element = element
                elif depth == 3 and name == "item" and not header_done:
                    header_done = True
                    self._check_header()
                continue
            depth -= 1
            if depth != 2 or channel_element is None:
                continue
            if name == "item":
                if not header_done:
                    header_done = True
                    self._check_header()
                yield _item(element)
                channel_element.remove(element)
            elif name == "wp:author":
                a = _children(element)
                login = a.get("wp:author_login", "").strip()
                if login:
                    self.channel.authors[login] = WPAuthor(
                        login=login,
                        email=a.get("wp:author_email", "").strip(),
                        display_name=a.get("wp:author_display_name", "").strip(),
                        first_name=a.get("wp:author_first_name", "").strip(),
                        last_name=a.get("wp:author_last_name", "").strip(),
                        description=a.get("wp:author_description", "").strip(),
                    )
                channel_element.remove(element)
            elif name == "wp:wxr_version":
                self.channel.version = _text(element)
            elif name == "title":
                self.channel.title = _text(element)
            elif name == "link":
                self.channel.link = _text(element)
            elif name == "wp:base_site_url":
                self.channel.base_site_url = _text(element)
            elif name == "wp:base_blog_url":
                self.channel.base_blog_url = _text(element)
            elif name in ("wp:category", "wp:tag", "wp:term"):
                channel_element.remove(element)
        if not root_seen:
            raise ImportError_("Het bestand is leeg.")
        if not header_done:
            self._check_header()

    def _check_header(self):
        if self.channel.version not in SUPPORTED_VERSIONS:
            found = self.channel.version or "geen"
            raise ImportError_(
                "Dit is geen WordPress-export (WXR 1.1 of 1.2): "
                f"<wp:wxr_version> ontbreekt of is onbekend ({found})."
            )
