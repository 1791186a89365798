"""A WordPress export as items for the importer (transfer.importer)."""

import hashlib
import html
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.db import connections
from django.utils.translation import ngettext

from articles.markdown import count_words, render_markdown
from articles.models import Column
from reactions.models import Reaction

from . import report as r
from .convert import (
    PLACEHOLDER,
    first_paragraph,
    original_of,
    plain_text,
    shorten,
    to_markdown,
    upload_path,
)
from .importer import (
    LEAD_MAX,
    TITLE_MAX,
    Incoming,
    IncomingAuthor,
    IncomingImage,
    IncomingReaction,
    clean_email,
    make_slug,
    reaction_body_ok,
    theme_name,
)
from .wxr import WXRFile

STATUSES = {
    "publish": Column.Status.PUBLISHED,
    "future": Column.Status.PUBLISHED,
    "draft": Column.Status.DRAFT,
    "pending": Column.Status.DRAFT,
    "private": Column.Status.DRAFT,
}
SKIPPED_TYPES = {"page": "pagina", "attachment": "bijlage", "nav_menu_item": "menu-item"}
# WordPress's default category is a placeholder, not a theme.
DEFAULT_CATEGORIES = {"uncategorized", "geen-categorie", "ongecategoriseerd"}
TAG = re.compile(r"<[^>]+>")


# Bumped when the conversion changes, so that a second run converts every post again.
CONVERSION_VERSION = "1"
# The source a forked worker process builds items from (see WordPressSource._pool).
_worker_source = None


def _build_in_worker(raw):
    return _worker_source.build(raw)


class WordPressSource:
    """Reads the file twice: once to check all of it (so a broken file changes
    nothing) and to learn the attachments that galleries refer to, then again to give
    the posts one by one.

    Posts are given unbuilt (key, title and a fingerprint of their source); the
    importer asks `build_many` to convert the ones that are new or changed. With
    `parallel`, that conversion (HTML to Markdown to sanitised HTML, the slow part)
    runs in worker processes, one per processor; the database stays in this one."""

    def __init__(self, source, *, media_dir=None, report, parallel=False):
        self.source = source
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.report = report
        self.parallel = parallel
        self.executor = None
        # Read-ahead: while the importer writes one batch, the workers convert the
        # next. Only while most posts need converting (a first run), so a second run
        # that changes nothing does not convert what it will not use.
        self.speculate = parallel and (os.cpu_count() or 1) > 1
        self.ahead = {}  # post key -> future of its build
        self.given = 0  # posts given since the last build_many
        self.attachments = {}  # post id -> file address
        self.attached = {}  # parent post id -> [file address]
        self.total_posts = 0

    def check(self):
        """The first pass: raises ImportError_ for a file that cannot be imported."""
        for item in self._file():
            if item.post_type == "post":
                self.total_posts += 1
            elif item.post_type == "attachment" and item.attachment_url:
                self.attachments[item.post_id] = item.attachment_url
                self.attached.setdefault(item.parent, []).append(item.attachment_url)
        return self.total_posts

    def _file(self):
        if hasattr(self.source, "seek"):
            self.source.seek(0)
        self.wxr = WXRFile(self.source)
        return self.wxr

    def items(self):
        for item in self._file():
            if item.post_type == "post":
                incoming = self.unbuilt(item)
                self.given += 1
                if self.speculate:
                    self.ahead[incoming.key] = self._pool().submit(_build_in_worker, item)
                yield incoming
            else:
                kind = SKIPPED_TYPES.get(item.post_type, "overig")
                title = item.title or f"#{item.post_id}"
                if kind == "pagina":
                    reason = "Pagina's worden niet als column ingelezen."
                    self.report.add(kind, title, r.SKIPPED, [reason])
                elif kind == "overig":
                    reason = f"Soort ‘{item.post_type}’ wordt niet ingelezen."
                    self.report.add(kind, title, r.SKIPPED, [reason])
                else:
                    self.report.add(kind, title, r.SKIPPED, listed=False)

    def unbuilt(self, item):
        state = f"{CONVERSION_VERSION}|{self.media_dir}|{item!r}"
        kept = [
            c for c in item.comments
            if c.approved in ("1", "0") and c.type not in ("pingback", "trackback")
        ]  # fmt: skip
        return Incoming(
            key=self.post_key(item),
            label=html.unescape(TAG.sub("", item.title)).strip() or f"#{item.post_id}",
            title="",
            slug="",
            lead="",
            body="",
            status="",
            published_at=None,
            author=None,
            source_fingerprint=hashlib.sha256(state.encode()).hexdigest(),
            raw=item,
            known_reactions=len(kept),
        )

    def build(self, item):
        """A post as the importer's item, converted, its text rendered ahead when it
        shows no images (those become library images in the importer)."""
        incoming = self.incoming(item)
        if not incoming.problem and not PLACEHOLDER.search(incoming.body):
            incoming.body_html = render_markdown(incoming.body)
            incoming.word_count = count_words(incoming.body)
        return incoming

    def build_many(self, items):
        if not self.parallel or (os.cpu_count() or 1) < 2:
            return [self.build(item.raw) for item in items]
        self.speculate = len(items) * 2 >= self.given
        self.given = 0
        futures = [
            self.ahead.pop(item.key, None) or self._pool().submit(_build_in_worker, item.raw)
            for item in items
        ]
        if not self.speculate:
            for future in self.ahead.values():
                future.cancel()
            self.ahead.clear()
        return [future.result() for future in futures]

    def _pool(self):
        global _worker_source
        if self.executor is None:
            _worker_source = self
            # The workers only convert text and never touch the database; still,
            # the connection is closed before they are forked when nothing depends
            # on it (inside a transaction, a test's say, it stays open, unused there).
            if not any(connection.in_atomic_block for connection in connections.all()):
                connections.close_all()
            self.executor = ProcessPoolExecutor(
                max_workers=min(4, os.cpu_count() or 1),
                mp_context=multiprocessing.get_context("fork"),
            )
        return self.executor

    def close(self):
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
            self.executor = None

    def post_key(self, item):
        # The post id is unique within a site (GUIDs are not always: copied posts).
        site = self.wxr.channel.base_blog_url or self.wxr.channel.link
        key = f"{site}/?p={item.post_id}" if item.post_id else item.guid
        if len(key) > 200:
            key = hashlib.sha256(key.encode()).hexdigest()
        return f"wp:{key}"

    def incoming(self, item):
        notes = []
        title = html.unescape(TAG.sub("", item.title)).strip()
        slug = make_slug(unquote(item.slug), title)
        if not title:
            title = slug.replace("-", " ").capitalize() or f"Bericht {item.post_id}"
            notes.append("Zonder titel; de titel is gemaakt van het adres.")
        if len(title) > TITLE_MAX:
            title = shorten(title, TITLE_MAX)
            notes.append("Titel ingekort.")
        status = STATUSES.get(item.status)
        problem = "" if status else f"Status ‘{item.status or 'leeg'}’ wordt niet ingelezen."
        if item.password and status == Column.Status.PUBLISHED:
            status = Column.Status.DRAFT
            notes.append("Met wachtwoord beveiligd in WordPress: ingelezen als concept.")
        if item.status == "private":
            notes.append("Privé in WordPress: ingelezen als concept.")
        converted = to_markdown(item.content, gallery=self._gallery(item))
        notes.extend(converted.notes)
        excerpt = plain_text(item.excerpt)
        lead = shorten(excerpt or first_paragraph(converted.markdown) or title, LEAD_MAX)
        themes, seen = [], set()
        for domain, nicename, name in item.terms:
            if domain not in ("category", "post_tag"):
                continue
            if domain == "category" and nicename in DEFAULT_CATEGORIES:
                continue
            name = theme_name(html.unescape(name or nicename))
            if name and name not in seen:
                seen.add(name)
                themes.append(name)
        key = self.post_key(item)
        reactions, skipped = self._reactions(item, key, title, notes)
        return Incoming(
            key=key,
            label=title,
            title=title,
            slug=slug,
            lead=lead,
            body=converted.markdown,
            status=status or "",
            published_at=item.date if status == Column.Status.PUBLISHED else None,
            author=self._author(item.creator, notes),
            themes=themes,
            images=[self._image(use) for use in converted.images],
            reactions=reactions,
            skipped_reactions=skipped,
            legacy_paths=self._paths(item.link),
            post_id=item.post_id or None,
            notes=notes,
            problem=problem,
        )

    def _gallery(self, item):
        def urls(attrs):
            ids = [i for i in re.split(r"[,\s]+", attrs.get("ids", "")) if i.isdigit()]
            if ids:
                return [self.attachments[int(i)] for i in ids if int(i) in self.attachments]
            return list(self.attached.get(item.post_id, []))

        return urls

    def _author(self, login, notes):
        login = login.strip()
        author = self.wxr.channel.authors.get(login)
        if author is None:
            bare = login.strip(" <>\"'")
            author = self.wxr.channel.authors.get(bare)
            if author is None:
                notes.append(f"Auteur ‘{login}’ staat niet in de lijst van auteurs.")
                name = bare or "Onbekend"
                return IncomingAuthor(key=f"wp:{name}", name=name, slug=make_slug(name, "auteur"))
            login = bare
        return IncomingAuthor(
            key=f"wp:{login}",
            name=author.name,
            slug=make_slug(login, author.name),
            bio=author.description,
        )

    def _image(self, use):
        path = None
        relative = upload_path(use.url)
        if self.media_dir is not None and relative:
            for candidate in dict.fromkeys([relative, original_of(relative)]):
                found = (self.media_dir / unquote(candidate)).resolve()
                # Never outside the folder ("../" in an address).
                if found.is_relative_to(self.media_dir) and found.is_file():
                    path = found
                    break
        return IncomingImage(url=use.url, path=path, alt=use.alt, caption=use.caption)

    def _paths(self, link):
        parts = urlsplit(link or "")
        if "p" in parse_qs(parts.query) or parts.path in ("", "/"):
            return []
        return [parts.path]

    def _reactions(self, item, key, title, notes):
        by_id = {c.comment_id: c for c in item.comments}
        kept, skipped = {}, []
        for comment in item.comments:
            label = f"{comment.author or 'Anoniem'} bij ‘{title}’"
            reason = ""
            if comment.type in ("pingback", "trackback"):
                reason = f"{comment.type}: geen reactie van een lezer"
            elif comment.approved == "spam":
                reason = "spam"
            elif comment.approved == "trash":
                reason = "in de prullenbak"
            elif comment.approved not in ("1", "0"):
                reason = f"onbekende status ‘{comment.approved}’"
            body = plain_text(comment.content)
            reason = reason or reaction_body_ok(body)
            if reason:
                skipped.append((label, reason))
                continue
            kept[comment.comment_id] = (comment, body)
        reactions, deeper = [], 0
        for comment, body in kept.values():
            root, depth, seen = None, 0, set()
            parent = by_id.get(comment.parent)
            while parent is not None and parent.comment_id not in seen:
                seen.add(parent.comment_id)
                if parent.comment_id in kept:
                    root = parent.comment_id
                    depth += 1
                parent = by_id.get(parent.parent)
            deeper += depth > 1
            reactions.append(
                IncomingReaction(
                    key=f"{key}#{comment.comment_id}",
                    parent_key=f"{key}#{root}" if root is not None else None,
                    name=" ".join(comment.author.split()),
                    email=clean_email(comment.email, notes),
                    body=body,
                    created_at=comment.date,
                    status=Reaction.Status.APPROVED
                    if comment.approved == "1"
                    else Reaction.Status.PENDING,
                )
            )
        if deeper:
            notes.append(
                ngettext(
                    "%(count)d antwoord op een antwoord onder de eerste reactie van de draad "
                    "gezet.",
                    "%(count)d antwoorden op een antwoord onder de eerste reactie van de draad "
                    "gezet.",
                    deeper,
                )
                % {"count": deeper}
            )
        # Replies come after the reaction they answer.
        reactions.sort(key=lambda x: x.parent_key is not None)
        return reactions, skipped
