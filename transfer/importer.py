"""Bringing columns in, whatever their source: the WordPress and Markdown readers turn
their files into `Incoming` items; `Importer` decides per item what happens (new,
updated, unchanged, skipped), and writes in batches.

Guarantees (docs/transfer.md):
- a dry run reads and decides exactly as a real run, and writes nothing;
- a second run finds every item again (ImportRecord: the key it has at its source)
  and writes only what changed;
- an item is written whole or not at all: a batch is one transaction; when it fails,
  its items are written one by one, each in its own, and the one that fails is
  reported and skipped;
- the search index and the page cache are brought up to date once, at the end.

Writes are in bulk (bulk_create / bulk_update, which send no signals), so the per-save
work the signals would do (indexing, revisions, cache) is done here, per batch or at
the end: one revision per batch holds every column it created or changed.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import ngettext

import search
from articles import revisions
from articles.markdown import count_words
from articles.models import Author, Column, ColumnImage, Theme, ThemedColumn
from images import services as image_services
from images.models import Image
from images.validation import clean_upload
from ops import pagecache
from reactions.models import Reaction

from . import report as r
from .convert import PLACEHOLDER, shorten
from .models import ImportRecord, LegacyAddress

logger = logging.getLogger(__name__)

BATCH_SIZE = 250
INDEX_BATCH = 500
LEAD_MAX = Column._meta.get_field("lead").max_length
TITLE_MAX = Column._meta.get_field("title").max_length
SLUG_MAX = Column._meta.get_field("slug").max_length
NAME_MAX = Reaction._meta.get_field("name").max_length
REACTION_MAX = Reaction._meta.get_field("body").max_length
THEME_MAX = Theme._meta.get_field("name").max_length


@dataclass
class IncomingAuthor:
    key: str  # the record key ("wp:<login>", "md:<slug>")
    name: str
    slug: str
    bio: str = ""
    role: str = ""
    website: str = ""


@dataclass
class IncomingImage:
    """An image the text shows: a file to bring into the library (`path`), or only
    an address (`url`) that stays a link when there is no file."""

    url: str
    path: Path | None = None
    alt: str = ""
    caption: str = ""


@dataclass
class IncomingReaction:
    key: str
    parent_key: str | None  # the root of its thread, or None
    name: str
    email: str
    body: str
    created_at: object
    status: str


@dataclass
class Incoming:
    key: str  # ImportRecord key
    label: str  # how the report names it
    title: str
    slug: str
    lead: str
    body: str  # Markdown with [[import:N]] for images[N]
    status: str
    published_at: object
    author: IncomingAuthor | None
    themes: list = field(default_factory=list)
    source_name: str = ""
    source_url: str = ""
    images: list = field(default_factory=list)
    reactions: list = field(default_factory=list)
    legacy_paths: list = field(default_factory=list)
    post_id: int | None = None
    notes: list = field(default_factory=list)
    skipped_reactions: list = field(default_factory=list)  # (label, reason)
    problem: str = ""  # set by a reader: the item cannot be imported, and why
    # A reader may give an item unbuilt: its key, label and a fingerprint of its
    # source (`source_fingerprint`), with `raw` to build it from when it is needed
    # (Importer(builder=...)); an unchanged item is then never converted at all.
    source_fingerprint: str = ""
    raw: object = None
    known_reactions: int = 0  # the reactions of an unbuilt item, for the report
    # Rendered ahead (in a worker process) when the text shows no images.
    body_html: str = ""
    word_count: int | None = None

    def fingerprint(self):
        data = [
            self.title, self.slug, self.lead, self.body, self.status, self.published_at,
            self.author and vars(self.author), sorted(self.themes), self.source_name,
            self.source_url, [vars(i) for i in self.images],
            [vars(x) for x in self.reactions], sorted(self.legacy_paths), self.post_id,
        ]  # fmt: skip
        text = json.dumps(data, default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Plan:
    item: Incoming
    action: str
    column_id: int | None = None
    fingerprint: str = ""
    body: str = ""
    image_ids: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    new_reactions: list = field(default_factory=list)  # (IncomingReaction, fingerprint)
    changed_reactions: list = field(default_factory=list)  # (..., fingerprint, id)
    reaction_counts: list | None = None  # (kind, action, number), once planned


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Importer:
    """Decides and writes, batch by batch; `report` tells what it did (or would do)."""

    def __init__(self, *, dry_run=False, source="import", user=None, progress=None, builder=None):
        self.dry_run = dry_run
        self.source = source  # "WordPress", "Markdown": in revision notes and reactions
        self.user = user
        self.progress = progress  # called with the number of items done
        self.builder = builder  # builds a list of unbuilt items (see Incoming.raw)
        self.report = r.Report(dry_run=dry_run)
        self.authors = {}  # record key -> Author id (or None in a dry run)
        self.themes = dict(Theme.objects.values_list("name", "pk"))
        self.images = {}  # sha256 -> Image id
        self.seen_slugs = set()
        self.seen_keys = set()
        self.touched = set()  # column ids to index at the end

    # --- running ----------------------------------------------------------------------

    def run(self, items):
        """Import `items`, a batch at a time. The next batch is read before one is
        written, so a reader that converts ahead (WordPressSource) works meanwhile."""
        previous = None
        for batch in _batches(items, BATCH_SIZE):
            if previous:
                self._batch(previous)
            previous = batch
        if previous:
            self._batch(previous)
        self.finish()
        return self.report

    def finish(self):
        """The index and the page cache, once for the whole import."""
        if self.dry_run or not self.touched:
            return
        ids = sorted(self.touched)
        for start in range(0, len(ids), INDEX_BATCH):
            with transaction.atomic():
                search.index_columns(ids[start : start + INDEX_BATCH])
        pagecache.bump_generation()

    def _batch(self, items):
        plans = self._plan(items)
        writes = [plan for plan in plans if plan.action in (r.CREATED, r.UPDATED)]
        if writes and not self.dry_run:
            self._write_safely(writes)
        for plan in plans:
            self._report(plan)
        if self.progress:
            self.progress(len(items))

    def _report(self, plan):
        item = plan.item
        notes = plan.notes + item.notes
        self.report.add("column", item.label, plan.action, notes)
        for label, reason in item.skipped_reactions:
            self.report.add("reactie", label, r.SKIPPED, [reason])
        if plan.action == r.SKIPPED:
            self.report.count("reactie", r.SKIPPED, len(item.reactions))
            return
        if plan.reaction_counts is None:  # unchanged: its reactions too
            self.report.count("reactie", r.UNCHANGED, len(item.reactions) or item.known_reactions)
        for kind, action, number in plan.reaction_counts or []:
            self.report.count(kind, action, number)

    # --- deciding ---------------------------------------------------------------------

    def _plan(self, items):
        keys = [item.key for item in items]
        records = {
            rec.key: rec
            for rec in ImportRecord.objects.filter(kind=ImportRecord.Kind.COLUMN, key__in=keys)
        }
        existing = dict(
            Column.objects.filter(pk__in=[rec.object_id for rec in records.values()]).values_list(
                "pk", "slug"
            )
        )
        plans = []
        for item in items:
            fingerprint = item.source_fingerprint or item.fingerprint()
            plan = _Plan(item=item, action=r.SKIPPED, fingerprint=fingerprint)
            plans.append(plan)
            record = records.get(item.key)
            if (
                record is not None
                and record.object_id in existing
                and record.fingerprint == fingerprint
                and item.key not in self.seen_keys
            ):
                # Unchanged since the last run: nothing to convert, nothing to write.
                self.seen_keys.add(item.key)
                self.seen_slugs.add(existing[record.object_id])
                plan.column_id = record.object_id
                plan.action = r.UNCHANGED
        self._build([plan for plan in plans if plan.action == r.SKIPPED])
        taken = dict(
            Column.objects.filter(
                slug__in=[p.item.slug for p in plans if p.action == r.SKIPPED]
            ).values_list("slug", "pk")
        )
        for plan in plans:
            if plan.action == r.SKIPPED:
                self._decide(plan, records, existing, taken)
        self._drop_unchanged_updates(plans)
        return plans

    def _build(self, plans):
        unbuilt = [plan for plan in plans if plan.item.raw is not None]
        if self.builder is None:
            return
        # Called for every batch, an empty one too: the reader learns how many of its
        # items needed building (WordPressSource converts ahead only while most do).
        built = self.builder([plan.item for plan in unbuilt])
        for plan, item in zip(unbuilt, built, strict=True):
            item.source_fingerprint = plan.item.source_fingerprint
            item.raw = None
            plan.item = item

    def _decide(self, plan, records, existing, taken):
        item = plan.item
        problem = item.problem or self._problem(item)
        if problem:
            plan.notes.append(problem)
            return
        if item.key in self.seen_keys:
            plan.notes.append("Staat twee keer in de bron; de eerste is gebruikt.")
            return
        self.seen_keys.add(item.key)
        record = records.get(item.key)
        if record is not None and record.object_id in existing:
            plan.column_id = record.object_id
            plan.action = r.UPDATED
            item.slug = existing[record.object_id]  # an address stays what it is
        elif item.slug in taken and item.key.startswith("md:"):
            plan.column_id = taken[item.slug]  # Markdown: matched on the slug
            plan.action = r.UPDATED
        elif item.slug in taken or item.slug in self.seen_slugs:
            plan.notes.append(
                f"Het adres ‘{item.slug}’ is al van een andere column; niet ingelezen."
            )
            return
        else:
            plan.action = r.CREATED
        self.seen_slugs.add(item.slug)
        self._resolve_author(item.author)
        self._resolve_themes(item.themes)
        self._resolve_images(plan)
        self._plan_reactions(plan)

    def _problem(self, item):
        if not item.title.strip():
            return "Geen titel."
        if not item.slug:
            return "Geen bruikbaar adres (slug)."
        if not item.body.strip():
            return "Geen tekst."
        if item.author is None:
            return "Geen auteur."
        if item.status == Column.Status.PUBLISHED and item.published_at is None:
            return "Gepubliceerd, maar zonder datum."
        return ""

    def _resolve_author(self, incoming):
        if incoming.key in self.authors:
            return
        record = ImportRecord.objects.filter(
            kind=ImportRecord.Kind.AUTHOR, key=incoming.key
        ).first()
        author = None
        if record is not None:
            author = Author.objects.filter(pk=record.object_id).first()
        if author is None:
            author = Author.objects.filter(slug=incoming.slug).first()
        fingerprint = hashlib.sha256(json.dumps(vars(incoming)).encode()).hexdigest()
        if author is None:
            self.report.add("auteur", incoming.name, r.CREATED)
            if not self.dry_run:
                with revisions.recording(user=self.user, note=self._note()):
                    author = Author(
                        name=incoming.name[:120],
                        slug=incoming.slug[:140],
                        bio=incoming.bio,
                        role=incoming.role[:200],
                        website=incoming.website,
                    )
                    author.full_clean()
                    author.save()
        elif record is not None and record.fingerprint != fingerprint:
            self.report.add("auteur", incoming.name, r.UPDATED)
            if not self.dry_run:
                with revisions.recording(user=self.user, note=self._note()):
                    author.name, author.bio = incoming.name[:120], incoming.bio
                    author.role, author.website = incoming.role[:200], incoming.website
                    author.save()
        else:
            self.report.add("auteur", incoming.name, r.UNCHANGED, listed=False)
        self.authors[incoming.key] = author.pk if author else None
        if not self.dry_run:
            ImportRecord.objects.update_or_create(
                kind=ImportRecord.Kind.AUTHOR,
                key=incoming.key,
                defaults={"object_id": author.pk, "fingerprint": fingerprint},
            )

    def _resolve_themes(self, names):
        for name in names:
            if name in self.themes:
                continue
            self.report.add("thema", name, r.CREATED)
            if self.dry_run:
                self.themes[name] = None
            else:
                with revisions.recording(user=self.user, note=self._note()):
                    self.themes[name] = Theme.objects.create(name=name).pk

    def _resolve_images(self, plan):
        """Put each image into the library (or find it there), or leave it a link."""
        item = plan.item
        replacements, missing = {}, []
        for number, image in enumerate(item.images):
            replacements[number] = self._image(image, plan, missing)
        if missing:
            names = ", ".join(dict.fromkeys(missing[:5])) + (" …" if len(missing) > 5 else "")
            plan.notes.append(
                ngettext(
                    "%(count)d beeld niet gevonden, als link gelaten: %(names)s",
                    "%(count)d beelden niet gevonden, als link gelaten: %(names)s",
                    len(missing),
                )
                % {"count": len(missing), "names": names}
            )
        plan.body = PLACEHOLDER.sub(lambda m: replacements.get(int(m[1]), ""), item.body)

    def _image(self, image, plan, missing):
        label = image.alt or image.caption or "Afbeelding"
        link = f"[{label.replace(']', '')}]({image.url})" if image.url else ""
        if image.path is None or not image.path.is_file():
            missing.append((image.url or str(image.path)).rsplit("/", 1)[-1])
            return link
        digest = file_digest(image.path)
        pk = self.images.get(digest)
        if pk is None:
            record = ImportRecord.objects.filter(kind=ImportRecord.Kind.IMAGE, key=digest).first()
            if record and Image.objects.filter(pk=record.object_id).exists():
                pk = record.object_id
                self.report.add("beeld", image.path.name, r.UNCHANGED, listed=False)
        if pk is None:
            try:
                pk = self._store_image(image, digest)
            except ValidationError as error:
                message = " ".join(error.messages)
                plan.notes.append(
                    f"Beeld {image.path.name} geweigerd ({message}); als link gelaten."
                )
                self.report.add("beeld", image.path.name, r.SKIPPED, [message])
                return link
            self.report.add("beeld", image.path.name, r.CREATED)
        self.images[digest] = pk
        if pk is not None:
            plan.image_ids.append(pk)
        return f"[[beeld:{pk or 0}]]"

    def _store_image(self, image, digest):
        with open(image.path, "rb") as handle:
            clean = clean_upload(File(handle, name=image.path.name))
        if self.dry_run:
            return None
        alt = image.alt or image.caption or image.path.stem.replace("-", " ").replace("_", " ")
        stored = image_services.image_store(
            Image(alt_text=shorten(alt, 250), caption=shorten(image.caption, 300)),
            clean,
            filename=image.path.name,
            user=self.user,
        )
        ImportRecord.objects.update_or_create(
            kind=ImportRecord.Kind.IMAGE, key=digest, defaults={"object_id": stored.pk}
        )
        return stored.pk

    def _plan_reactions(self, plan):
        """Which reactions are new or changed (counted now; written with the column)."""
        item = plan.item
        counts = []
        records = {}
        if plan.action == r.UPDATED and item.reactions:
            records = {
                rec.key: rec
                for rec in ImportRecord.objects.filter(
                    kind=ImportRecord.Kind.REACTION, key__in=[x.key for x in item.reactions]
                )
            }
        unchanged = 0
        for reaction in item.reactions:
            digest = hashlib.sha256(
                json.dumps(vars(reaction), default=str, sort_keys=True).encode()
            ).hexdigest()
            record = records.get(reaction.key)
            if record is None:
                plan.new_reactions.append((reaction, digest))
            elif record.fingerprint != digest:
                plan.changed_reactions.append((reaction, digest, record.object_id))
            else:
                unchanged += 1
        counts.append(("reactie", r.CREATED, len(plan.new_reactions)))
        counts.append(("reactie", r.UPDATED, len(plan.changed_reactions)))
        counts.append(("reactie", r.UNCHANGED, unchanged))
        plan.reaction_counts = counts

    def _drop_unchanged_updates(self, plans):
        """An update whose values equal the column's (a Markdown file exported from
        this site, say) is no change at all."""
        updates = {p.column_id: p for p in plans if p.action == r.UPDATED}
        if not updates:
            return
        themes = {}
        for column_id, name in ThemedColumn.objects.filter(
            content_object_id__in=list(updates)
        ).values_list("content_object_id", "tag__name"):
            themes.setdefault(column_id, set()).add(name)
        for column in Column.objects.filter(pk__in=list(updates)):
            plan = updates[column.pk]
            item = plan.item
            same = (
                (column.title, column.lead, column.body, column.status, column.published_at)
                == (item.title, item.lead, plan.body, item.status, item.published_at)
                and column.author_id == self.authors.get(item.author.key)
                and themes.get(column.pk, set()) == set(item.themes)
                and (column.source_name, column.source_url) == (item.source_name, item.source_url)
                and not plan.new_reactions
                and not plan.changed_reactions
            )
            if same:
                plan.action = r.UNCHANGED
                if not self.dry_run:
                    self._remember([plan])

    # --- writing ----------------------------------------------------------------------

    def _note(self):
        return f"Geïmporteerd uit {self.source}."

    def _write_safely(self, plans):
        try:
            with image_services.cleanup_on_failure(), transaction.atomic():
                self._write(plans)
        except Exception:
            if len(plans) == 1:
                raise
            logger.info("Batch failed; writing its %d items one by one", len(plans))
            for plan in plans:
                try:
                    with image_services.cleanup_on_failure(), transaction.atomic():
                        self._write([plan])
                except Exception as error:  # noqa: BLE001 - reported, the rest goes on
                    plan.action = r.SKIPPED
                    plan.notes.insert(0, f"Fout bij opslaan: {describe(error)}")

    def _write(self, plans):
        creates = [p for p in plans if p.action == r.CREATED]
        updates = [p for p in plans if p.action == r.UPDATED]
        with revisions.recording(user=self.user, note=self._note()):
            columns = [self._column(plan) for plan in creates]
            Column.objects.bulk_create(columns)
            for plan, column in zip(creates, columns, strict=True):
                plan.column_id = column.pk
            if updates:
                self._update(updates)
            written = creates + updates
            ids = [p.column_id for p in written]
            ThemedColumn.objects.filter(
                content_object_id__in=[p.column_id for p in updates]
            ).delete()
            ThemedColumn.objects.bulk_create(
                ThemedColumn(content_object_id=p.column_id, tag_id=self.themes[name])
                for p in written
                for name in dict.fromkeys(p.item.themes)
            )
            ColumnImage.objects.filter(column_id__in=[p.column_id for p in updates]).delete()
            ColumnImage.objects.bulk_create(
                ColumnImage(column_id=p.column_id, image_id=pk)
                for p in written
                for pk in dict.fromkeys(p.image_ids)
            )
            self._legacy_addresses(written)
            self._write_reactions(written)
            # The revision follows each column's theme links and names their themes:
            # fetched here in two queries instead of one per link.
            written_columns = Column.objects.filter(pk__in=ids).prefetch_related(
                "themedcolumn_set__tag"
            )
            for column in written_columns:
                reversion.add_to_revision(column)
        self._remember(written)
        self.touched.update(ids)

    def _column(self, plan, column=None):
        item = plan.item
        column = column or Column()
        column.title = item.title
        column.slug = item.slug
        column.lead = item.lead
        column.body = plan.body
        column.status = item.status
        column.published_at = item.published_at
        column.author_id = self.authors[item.author.key]
        column.source_name = item.source_name
        column.source_url = item.source_url
        # The author is known to exist; uniqueness was checked for the whole batch.
        column.full_clean(exclude=["author"], validate_unique=False, validate_constraints=False)
        if item.body_html and plan.body == item.body:
            column.body_html, column.word_count = item.body_html, item.word_count
        else:
            column.render_body()
            column.word_count = count_words(column.body)
        now = timezone.now()
        column.updated_at = now
        if column.pk is None:
            column.created_at = now
        return column

    def _update(self, plans):
        current = Column.objects.in_bulk([p.column_id for p in plans])
        columns = [self._column(plan, current[plan.column_id]) for plan in plans]
        Column.objects.bulk_update(
            columns,
            ["title", "slug", "lead", "body", "body_html", "word_count", "status",
             "published_at", "author", "source_name", "source_url", "updated_at"],
        )  # fmt: skip

    def _legacy_addresses(self, plans):
        LegacyAddress.objects.filter(column_id__in=[p.column_id for p in plans]).delete()
        rows = []
        for plan in plans:
            for path in dict.fromkeys(plan.item.legacy_paths):
                rows.append(LegacyAddress(path=path[:255], column_id=plan.column_id))
            if plan.item.post_id:
                rows.append(LegacyAddress(post_id=plan.item.post_id, column_id=plan.column_id))
        LegacyAddress.objects.bulk_create(rows, ignore_conflicts=True)

    def _write_reactions(self, plans):
        ids = {}  # reaction key -> id, for the replies
        known = [
            p
            for p in plans
            for reaction in p.item.reactions
            if reaction.parent_key and p.action == r.UPDATED
        ]
        if known:
            parent_keys = {x.parent_key for p in known for x in p.item.reactions if x.parent_key}
            ids.update(
                ImportRecord.objects.filter(
                    kind=ImportRecord.Kind.REACTION, key__in=parent_keys
                ).values_list("key", "object_id")
            )
        records = []
        for replies in (False, True):
            rows, keys = [], []
            for plan in plans:
                for reaction, digest in plan.new_reactions:
                    if bool(reaction.parent_key) != replies:
                        continue
                    parent = ids.get(reaction.parent_key) if replies else None
                    rows.append(self._reaction(Reaction(), reaction, plan.column_id, parent))
                    keys.append((reaction.key, digest))
            Reaction.objects.bulk_create(rows, batch_size=500)
            for row, (key, digest) in zip(rows, keys, strict=True):
                ids[key] = row.pk
                records.append(
                    ImportRecord(
                        kind=ImportRecord.Kind.REACTION,
                        key=key,
                        object_id=row.pk,
                        fingerprint=digest,
                    )
                )
        changed = [(p, x) for p in plans for x in p.changed_reactions]
        if changed:
            current = Reaction.objects.in_bulk([pk for _, (_, _, pk) in changed])
            rows = []
            for plan, (reaction, digest, pk) in changed:
                if pk in current:
                    row = current[pk]
                    rows.append(self._reaction(row, reaction, plan.column_id, row.parent_id))
                records.append(
                    ImportRecord(
                        kind=ImportRecord.Kind.REACTION, key=reaction.key, object_id=pk,
                        fingerprint=digest,
                    )
                )  # fmt: skip
            Reaction.objects.bulk_update(
                rows, ["name", "email", "body", "body_html", "body_digest", "status", "created_at"]
            )
        self._save_records(records)

    def _reaction(self, row, reaction, column_id, parent_id):
        row.column_id = column_id
        row.parent_id = parent_id
        row.name = reaction.name[:NAME_MAX] or "Anoniem"
        row.email = reaction.email
        row.body = reaction.body
        row.fill_derived()
        row.status = reaction.status
        row.created_at = reaction.created_at or timezone.now()
        if not row.reason_detail:
            row.reason_detail = f"Geïmporteerd uit {self.source}."
        return row

    def _remember(self, plans):
        self._save_records(
            ImportRecord(
                kind=ImportRecord.Kind.COLUMN,
                key=p.item.key,
                object_id=p.column_id,
                fingerprint=p.fingerprint,
            )
            for p in plans
        )

    def _save_records(self, records):
        records = list(records)
        if not records:
            return
        ImportRecord.objects.bulk_create(
            records,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["kind", "key"],
            update_fields=["object_id", "fingerprint", "imported_at"],
        )


def _batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def describe(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or type(error).__name__


# --- helpers for the readers -------------------------------------------------------------


def make_slug(text, fallback=""):
    return slugify(text)[:SLUG_MAX].strip("-") or slugify(fallback)[:SLUG_MAX].strip("-")


def theme_name(text):
    """A theme as the site names it: lower case, single spaces."""
    return " ".join(text.split()).lower()[:THEME_MAX]


def clean_email(email, notes):
    email = (email or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        notes.append(f"Ongeldig e-mailadres weggelaten: {email}")
        return ""
    return email


def reaction_body_ok(body):
    if not body.strip():
        return "lege reactie"
    if len(body) > REACTION_MAX:
        return f"langer dan {REACTION_MAX} tekens"
    return ""
