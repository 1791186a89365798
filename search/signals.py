"""Keep the index current in the same transaction as each change.

Receivers only forward to `index_columns` / `remove_columns`; fixtures loaded raw are
skipped: `load_seed` and `generate_corpus` send `columns_loaded`, and a restore sends
`ops.backups.restored`, after which the whole index is rebuilt.
"""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from articles.models import Author, Column, Theme, ThemedColumn
from articles.signals import columns_loaded
from ops import backups

from .index import index_columns, is_outdated, rebuild, remove_columns


@receiver(post_save, sender=Column)
def column_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_columns([instance.pk])


@receiver(post_delete, sender=Column)
def column_deleted(sender, instance, **kwargs):
    remove_columns([instance.pk])


@receiver(post_save, sender=ThemedColumn)
@receiver(post_delete, sender=ThemedColumn)
def theme_link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        index_columns([instance.content_object_id])


@receiver(m2m_changed, sender=ThemedColumn)
def themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Column):
        index_columns([instance.pk])
    elif pk_set:
        index_columns(pk_set)


@receiver(post_save, sender=Author)
def author_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        index_columns(instance.columns.values_list("pk", flat=True))


@receiver(post_save, sender=Theme)
def theme_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        index_columns(instance.themed_columns.values_list("content_object_id", flat=True))


@receiver(columns_loaded)
@receiver(backups.restored)
def rebuild_all(sender, **kwargs):
    rebuild()


def rebuild_if_outdated(sender, app_config, using="default", verbosity=1, **kwargs):
    """After `migrate`: rebuild when the analyzer changed since the last build."""
    if app_config.label != "search" or not is_outdated():
        return
    count = rebuild()
    if verbosity:
        print(f"Search index rebuilt for the current analyzer: {count} columns.")


post_migrate.connect(rebuild_if_outdated, dispatch_uid="search.rebuild_if_outdated")
