from django.apps import AppConfig


class ReactionsConfig(AppConfig):
    """Reader reactions under the columns, and their moderation."""

    name = "reactions"
    verbose_name = "Reacties"

    def ready(self):
        from articles import extensions
        from ops import pagecache

        from .models import Reaction, with_approved_reaction_counts
        from .views import column_page_context

        extensions.register_listing_annotation(with_approved_reaction_counts)
        extensions.register_column_page_part("reactions/column_part.html", column_page_context)
        pagecache.invalidate_on_change(Reaction, when=Reaction.changes_public_pages)
