from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The Dutch full-text search: its index follows the columns through signals."""

    name = "search"
    verbose_name = "Zoeken"

    def ready(self):
        import atexit

        from django.core import checks
        from django.core.signals import request_finished

        from articles import extensions
        from ops import backups, pagecache

        from . import curated, log, signals  # noqa: F401  (signals keeps the search index current)
        from .checks import check_visibility_rule
        from .engine import matching
        from .models import (
            Recommendation,
            RecommendedColumn,
            SearchIndexInfo,
            SearchWord,
            SynonymSet,
        )
        from .query import parse

        def admin_search(queryset, text):
            query = parse(text)
            return matching(queryset, query) if query else None

        extensions.register_column_search(admin_search)
        checks.register(check_visibility_rule)
        # Derived from the columns: never restored from a backup, rebuilt instead.
        backups.register_derived(SearchWord)
        backups.register_derived(SearchIndexInfo)
        # Synonyms and recommendations change search pages at once (search.curated),
        # and a recommendation that ends takes its cached pages with it.
        for model in (SynonymSet, Recommendation, RecommendedColumn):
            pagecache.invalidate_on_change(model)
        pagecache.register_expiry(curated.next_change)
        # After the response has gone out, so no reader waits for it.
        request_finished.connect(log.flush_when_due, dispatch_uid="search.log.flush")
        atexit.register(log.flush_quietly)
