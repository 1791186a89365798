"""Columns as Markdown files with YAML front matter: reading them for the importer, and
writing them (export_markdown).

    ---
    title: Klant centraal is geen afdeling
    slug: klant-centraal-is-geen-afdeling
    date: 2024-03-05T09:00:00+01:00
    author: {name: Anna de Vries, slug: anna-de-vries, role: …, bio: …}   # or a name
    themes: [klant centraal, service]
    status: published          # or draft
    lead: Eén of twee zinnen.
    source: {name: Het Financieele Dagblad, url: https://…}           # or a name
    ---
    The text in Markdown. An image on a line of its own: ![alt](media/foto.jpg "caption")
"""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.utils import timezone

from articles.models import Column

from .importer import LEAD_MAX, Incoming, IncomingAuthor, IncomingImage, make_slug, theme_name
from .wxr import ImportError_

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
IMAGE_LINE = re.compile(r'^!\[([^\]]*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)[ \t]*$', re.MULTILINE)
STATUSES = {
    "published": Column.Status.PUBLISHED,
    "gepubliceerd": Column.Status.PUBLISHED,
    "publish": Column.Status.PUBLISHED,
    "scheduled": Column.Status.PUBLISHED,
    "gepland": Column.Status.PUBLISHED,
    "draft": Column.Status.DRAFT,
    "concept": Column.Status.DRAFT,
}


def markdown_files(folder):
    """The .md files in `folder`, sorted; ImportError_ when it cannot be read."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImportError_(f"Map niet gevonden: {folder}")
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == ".md" and p.is_file())
    except OSError as error:
        raise ImportError_(f"De map kan niet worden gelezen: {error}.") from error


def as_datetime(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip())
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if not isinstance(value, dt.datetime):
        raise ValueError(f"‘{value}’ is geen datum")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return value


def read_file(path):
    """One file as an `Incoming`; a file that cannot be read has `problem` set."""
    label = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return _broken(path, f"Kan het bestand niet lezen: {error}")
    match = FRONT_MATTER.match(text)
    if not match:
        return _broken(path, "Geen front matter (--- … ---) bovenaan.")
    try:
        meta = yaml.safe_load(match[1]) or {}
    except yaml.YAMLError as error:
        return _broken(path, f"Front matter is geen geldige YAML: {error}".replace("\n", " "))
    if not isinstance(meta, dict):
        return _broken(path, "Front matter is geen lijst van velden.")
    body = text[match.end() :].lstrip("\n")
    title = str(meta.get("title") or "").strip()
    slug = make_slug(str(meta.get("slug") or ""), path.stem)
    status_text = str(meta.get("status") or "draft").strip().lower()
    status = STATUSES.get(status_text)
    problem = "" if status else f"Onbekende status ‘{status_text}’."
    try:
        published_at = as_datetime(meta.get("date"))
    except ValueError as error:
        published_at, problem = None, f"Ongeldige datum: {error}."
    themes = meta.get("themes") or []
    if isinstance(themes, str):
        themes = [part for part in themes.split(",")]
    themes = list(dict.fromkeys(theme_name(str(t)) for t in themes if str(t).strip()))
    source = meta.get("source") or {}
    if isinstance(source, str):
        source = {"url": source} if source.startswith(("http://", "https://")) else {"name": source}
    images = []

    def image(match):
        alt, target, caption = match[1], match[2], match[3] or ""
        if target.startswith(("http://", "https://")):
            return f"[{alt or 'Afbeelding'}]({target})"
        images.append(IncomingImage(url="", path=(path.parent / target), alt=alt, caption=caption))
        return f"[[import:{len(images) - 1}]]"

    body = IMAGE_LINE.sub(image, body)
    lead = str(meta.get("lead") or "").strip()
    notes = []
    if not lead:
        from .convert import first_paragraph, shorten

        lead = shorten(first_paragraph(body) or title, LEAD_MAX)
        notes.append("Geen lead: de eerste alinea is gebruikt.")
    return Incoming(
        key=f"md:{slug}",
        label=f"{title or path.stem} ({label})",
        title=title,
        slug=slug,
        lead=lead,
        body=body,
        status=status or "",
        published_at=published_at,
        author=_author(meta.get("author")),
        themes=themes,
        source_name=str(source.get("name") or ""),
        source_url=str(source.get("url") or ""),
        images=images,
        notes=notes,
        problem=problem,
    )


def _author(value):
    if isinstance(value, dict):
        name = str(value.get("name") or "").strip()
        slug = make_slug(str(value.get("slug") or ""), name)
        return IncomingAuthor(
            key=f"md:{slug}",
            name=name,
            slug=slug,
            bio=str(value.get("bio") or ""),
            role=str(value.get("role") or ""),
            website=str(value.get("website") or ""),
        )
    name = str(value or "").strip()
    if not name:
        return None
    return IncomingAuthor(key=f"md:{make_slug(name)}", name=name, slug=make_slug(name))


def _broken(path, problem):
    return Incoming(
        key=f"md:{path.stem}",
        label=path.name,
        title="",
        slug=make_slug(path.stem),
        lead="",
        body="",
        status="",
        published_at=None,
        author=None,
        problem=problem,
    )


def read_folder(folder):
    for path in markdown_files(folder):
        yield read_file(path)


# --- writing ------------------------------------------------------------------------------


def front_matter(column, themes):
    author = column.author
    meta = {
        "title": column.title,
        "slug": column.slug,
        "date": column.published_at.isoformat() if column.published_at else None,
        "author": {
            "name": author.name,
            "slug": author.slug,
            "role": author.role,
            "bio": author.bio,
            "website": author.website,
        },
        "themes": themes,
        "status": "published" if column.status == Column.Status.PUBLISHED else "draft",
        "lead": column.lead,
    }
    if column.source_name or column.source_url:
        meta["source"] = {"name": column.source_name, "url": column.source_url}
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{text}---\n\n"
