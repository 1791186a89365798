"""System checks: `manage.py check` (and runserver, migrate) refuse a visibility rule
that the search cannot follow."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from . import rows


def check_visibility_rule(app_configs, **kwargs):
    try:
        rows.public(connection)
    except ImproperlyConfigured as error:
        return [
            checks.Error(
                str(error),
                hint="The search filters its own rows by Column.public_lookups().",
                id="search.E001",
            )
        ]
    return []
