"""The editors' group "Redactie" sees Zoekinzicht and keeps synonyms and recommended
columns."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Redactie"
PERMISSIONS = [
    "view_searchlog",
    *(
        f"{action}_{model}"
        for model in ("synonymset", "recommendation", "recommendedcolumn")
        for action in ("add", "change", "delete", "view")
    ),
]


def add_permissions(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="search", codename__in=PERMISSIONS)
    )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="search", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_insight"),
        ("articles", "0002_redactie_group"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
