from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site in production: page cache, request ids, health, backups."""

    name = "ops"
    verbose_name = "Beheer van de server"
