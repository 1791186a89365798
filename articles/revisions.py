"""Revisions of columns, authors and themes, kept with django-reversion.

Every save stores a revision: the texts, the author, the themes (a column's ThemedColumn
rows are followed into the same revision), the header image, status, publication time,
source, who and when, and an optional note (the revision's comment).

- The admin records its saves itself, with the editor and the note
  (articles.admin_revisions), and so do the changelist's bulk actions and a restore.
- Code that saves in bulk (an import, a command) wraps its work in `recording(...)`, so
  that one revision holds a column together with its themes.
- Any other save is recorded when its transaction commits, as the object then is,
  unless the newest revision already holds exactly that.

Revisions are for the editors only: no public page reads them.
"""

import contextlib
import difflib
import html
import re
from dataclasses import dataclass, field

import reversion
from django.core import serializers
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from reversion.models import Version
from reversion.revisions import is_registered

from images.models import Image

from .models import Author, Column, Theme, ThemedColumn

# What a revision keeps, and what a restore puts back, per model. Derived fields (the
# rendered HTML, word count, time stamps) are left out: they follow from the rest.
KEPT = {
    Column: [
        "title",
        "slug",
        "lead",
        "body",
        "author",
        "header_image",
        "status",
        "published_at",
        "source_name",
        "source_url",
        "reactions_closed",
    ],
    Author: ["name", "slug", "role", "bio", "website"],
    Theme: ["name", "slug", "description", "featured"],
}
# A restore brings the words back, not the publication: status, publication time, the
# address (slug) and closing reactions stay as they are now.
RESTORED = {
    Column: ["title", "lead", "body", "author", "header_image", "source_name", "source_url"],
    Author: ["name", "role", "bio", "website"],
    Theme: ["name", "description", "featured"],
}
TEXT_FIELDS = {"title", "lead", "body", "name", "role", "bio", "description"}


def register():
    """Put the models under version control (from ArticlesConfig.ready)."""
    if is_registered(Column):
        return
    reversion.register(Column, fields=KEPT[Column], follow=["themedcolumn_set"])
    reversion.register(ThemedColumn, fields=["content_object", "tag"])
    reversion.register(Author, fields=KEPT[Author])
    reversion.register(Theme, fields=KEPT[Theme])
    for model in (Column, Author, Theme):
        post_save.connect(
            _saved_elsewhere, sender=model, dispatch_uid=f"revisions:{model.__name__}"
        )
    m2m_changed.connect(_themes_changed, sender=ThemedColumn, dispatch_uid="revisions:themes")
    for signal in (post_save, post_delete):
        signal.connect(
            _theme_link_changed, sender=ThemedColumn, dispatch_uid=f"revisions:link:{signal}"
        )


@contextlib.contextmanager
def recording(*, user=None, note=""):
    """Store one revision of everything saved inside the block, by `user`, with `note`.
    Nested blocks add to the outer one."""
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        if note:
            reversion.set_comment(note)
        yield


# --- Saves outside a recording block ------------------------------------------------


def _saved_elsewhere(sender, instance, raw=False, **kwargs):
    if not raw and not reversion.is_active():
        _record_on_commit(sender, instance.pk)


def _themes_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Column) and not reversion.is_active():
        _record_on_commit(Column, instance.pk)


def _theme_link_changed(sender, instance, raw=False, **kwargs):
    if not raw and not reversion.is_active():
        _record_on_commit(Column, instance.content_object_id)


def _record_on_commit(model, pk):
    transaction.on_commit(lambda: record_if_changed(model, pk))


def record_if_changed(model, pk):
    """A revision of the object as it is now, unless the newest one holds just that."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        return
    latest = versions_of(obj).first()
    if latest is not None and same_as(obj, latest):
        return
    with recording():
        reversion.add_to_revision(obj)


def same_as(obj, version):
    """Whether `version` holds what `obj` is now (values compared, not their text)."""
    model = type(obj)
    stored = version.field_dict
    # Through the serializer both ways, as the version went: same precision.
    text = serializers.serialize(version.format, [obj], fields=KEPT[model])
    now = next(serializers.deserialize(version.format, text)).object
    for name in KEPT[model]:
        attname = model._meta.get_field(name).attname
        if getattr(now, attname) != stored.get(attname):
            return False
    return model is not Column or theme_ids(obj) == set(themes_in(version))


def theme_ids(column):
    return set(ThemedColumn.objects.filter(content_object=column).values_list("tag_id", flat=True))


# --- Reading revisions ----------------------------------------------------------------


def versions_of(obj):
    """The versions of `obj`, newest first, with who made them."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def themes_in(version):
    """{theme id: name at the time} of the column in `version`."""
    if version._model is not Column:
        return {}
    themes = {}
    links = version.revision.version_set.filter(
        content_type__app_label="articles", content_type__model="themedcolumn"
    )
    for link in links:
        values = link.field_dict
        if str(values["content_object_id"]) == version.object_id:
            themes[values["tag_id"]] = link.object_repr
    return themes


@dataclass
class Change:
    """One field that differs between two versions, ready to show."""

    label: str
    kind: str  # "text": a word diff; "themes": added and removed; "value": before, after
    diff: str = ""
    before: str = ""
    after: str = ""
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)


def compare(old, new, fields=None):
    """The fields that differ between Version `old` and Version `new` of one object
    (only `fields`, when given; a column's themes always)."""
    model = new._model
    before, after = old.field_dict, new.field_dict
    changes = []
    for name in fields or KEPT[model]:
        model_field = model._meta.get_field(name)
        attname = model_field.attname
        a, b = before.get(attname), after.get(attname)
        if a == b:
            continue
        label = str(model_field.verbose_name).capitalize()
        if name in TEXT_FIELDS:
            changes.append(Change(label, "text", diff=word_diff(a or "", b or "")))
        else:
            changes.append(
                Change(
                    label, "value", before=display(model_field, a), after=display(model_field, b)
                )
            )
    if model is Column:
        old_themes, new_themes = themes_in(old), themes_in(new)
        if set(old_themes) != set(new_themes):
            changes.append(
                Change(
                    "Thema's",
                    "themes",
                    added=sorted(new_themes[i] for i in set(new_themes) - set(old_themes)),
                    removed=sorted(old_themes[i] for i in set(old_themes) - set(new_themes)),
                )
            )
    return changes


def changed_labels(old, new):
    """Short: which fields changed, for the history list."""
    return [change.label for change in compare(old, new)]


def display(model_field, value):
    """A stored value as an editor reads it."""
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if model_field.get_internal_type() == "DateTimeField":
        return formats.date_format(timezone.localtime(value), "j F Y H:i")
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        name = model_field.related_model._meta.verbose_name
        return str(related) if related else f"{name} {value} (bestaat niet meer)"
    return str(value)


# A word with the space after it, or a punctuation mark with its space.
TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


# Unchanged stretches longer than this are shortened to their ends in a diff.
CONTEXT_CHARS = 240


def word_diff(old, new):
    """`new` as HTML with the words taken out of `old` in <del> and the words put in
    in <ins>; whitespace and punctuation count as words of their own. Long unchanged
    stretches show only their beginning and end."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            parts.append(shortened(added, first=i1 == 0, last=i2 == len(a)))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(parts))


def forget(version):
    """Delete `version` and, for a column, the themes kept with it in its revision
    (a revision made by a bulk action holds other columns too: they stay)."""
    if version._model is Column:
        for link in version.revision.version_set.filter(
            content_type__app_label="articles", content_type__model="themedcolumn"
        ):
            if str(link.field_dict["content_object_id"]) == version.object_id:
                link.delete()
    version.delete()


def shortened(text, *, first, last):
    """Unchanged text for a diff: whole when short, else the ends next to changes."""
    if len(text) <= 2 * CONTEXT_CHARS + 40:
        return html.escape(text)
    head = "" if first else text[:CONTEXT_CHARS].rsplit(" ", 1)[0] + " "
    tail = "" if last else " " + text[-CONTEXT_CHARS:].split(" ", 1)[-1]
    skipped = len(text) - len(head) - len(tail)
    return format_html(
        '{}<span class="diff__skip">[… {} tekens ongewijzigd …]</span>{}', head, skipped, tail
    )


# --- Restoring ------------------------------------------------------------------------


def restore(obj, version, *, user):
    """Put the words of `version` back into `obj` as a new revision; history is kept.
    Returns notes for the editor about what could not come back (a deleted author,
    theme or image). Raises ValidationError when the result would not be valid (a
    name another theme has taken since)."""
    model = type(obj)
    values = version.field_dict
    notes = []
    for name in RESTORED[model]:
        model_field = model._meta.get_field(name)
        value = values.get(model_field.attname)
        if model_field.is_relation and value is not None:
            if not model_field.related_model.objects.filter(pk=value).exists():
                label = model_field.verbose_name
                notes.append(f"De {label} van die versie bestaat niet meer; de huidige blijft.")
                continue
        setattr(obj, model_field.attname, value)
    if model is Column:
        missing = [n for n in image_numbers(obj.body) if not Image.objects.filter(pk=n).exists()]
        if missing:
            notes.append(
                "Niet meer in de beeldbank, dus niet te zien: "
                + ", ".join(f"beeld {number}" for number in missing)
                + "."
            )
    obj.validate_unique()
    obj.validate_constraints()
    with recording(user=user, note=f"Teruggezet naar de versie van {when(version)}."):
        obj.save()
        if model is Column:
            obj.themes.set(restored_themes(themes_in(version)))
    return notes


def when(version):
    """The moment of a version as the admin shows it: "3 december 2026 14:05"."""
    return formats.date_format(timezone.localtime(version.revision.date_created), "j F Y H:i")


def image_numbers(body):
    from .markdown import image_references

    return image_references(body)


def restored_themes(themes):
    """Theme objects for {id: name}: the theme itself when it still exists (renamed or
    not), otherwise a theme of that name, made again if need be."""
    existing = Theme.objects.in_bulk(list(themes))
    result = []
    for pk, name in themes.items():
        theme = existing.get(pk) or Theme.objects.filter(name=name).first()
        if theme is None:
            theme = Theme.objects.create(name=name, slug="")
        result.append(theme)
    return result


def describe(changes):
    """A one-line summary of `changes` ("Titel, Tekst en Thema's")."""
    labels = [change.label for change in changes]
    if not labels:
        return "geen wijzigingen"
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " en " + labels[-1]


def themes_line(themes):
    return format_html_join(", ", "{}", ((name,) for name in sorted(themes.values())))
