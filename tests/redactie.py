"""The editors' group, as the data migrations make it.

Tests that flush the database (live-server and other transactional tests) remove
what migrations created; this puts the group back for the tests that follow."""

import importlib

from django.contrib.auth.models import Group, Permission


def restore_redactie_group():
    """The Redactie group as the data migrations make it: curating columns, authors
    and themes (0002), moderating reactions (0003), keeping the image library, and
    reading the answers to "Was dit nuttig?", the reading figures and Zoekinzicht, and
    keeping synonyms and recommended columns."""
    codenames = []
    for name, models in [
        ("articles.migrations.0002_redactie_group", "MODELS"),
        ("articles.migrations.0003_reactions", "MODERATION_MODELS"),
        ("images.migrations.0002_redactie_group", "MODELS"),
    ]:
        migration = importlib.import_module(name)
        codenames += [
            f"{action}_{model}"
            for model in getattr(migration, models)
            for action in migration.ACTIONS
        ]
    permissions = Permission.objects.filter(
        content_type__app_label__in=["articles", "reactions", "images"], codename__in=codenames
    )
    for app, name in [
        ("feedback", "0002_redactie_group"),
        ("figures", "0002_redactie_group"),
        ("search", "0004_redactie_group"),
    ]:
        migration = importlib.import_module(f"{app}.migrations.{name}")
        permissions |= Permission.objects.filter(
            content_type__app_label=app, codename__in=migration.PERMISSIONS
        )
    group, _ = Group.objects.get_or_create(name="Redactie")
    group.permissions.set(permissions)
    return group


def redactie_group():
    """The Redactie group: the one the migrations made, or made again after a flush."""
    return Group.objects.filter(name="Redactie").first() or restore_redactie_group()
