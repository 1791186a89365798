from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Columns"

    def ready(self):
        from images.signals import image_changed
        from ops import pagecache

        from . import revisions
        from .models import Author, Column, ColumnImage, Theme, ThemedColumn, render_columns_showing

        # Public pages show these: a change makes every cached page stale.
        for model in (Column, Author, Theme, ThemedColumn, ColumnImage):
            pagecache.invalidate_on_change(model)
        pagecache.register_expiry(Column.objects.next_scheduled_at)
        image_changed.connect(render_columns_showing, dispatch_uid="articles.render_columns")
        revisions.register()
