from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Columns"

    def ready(self):
        from ops import pagecache

        from .models import Author, Column, Theme, ThemedColumn

        # Public pages show these: a change makes every cached page stale.
        for model in (Column, Author, Theme, ThemedColumn):
            pagecache.invalidate_on_change(model)
        pagecache.register_expiry(Column.objects.next_scheduled_at)
