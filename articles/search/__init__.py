"""Dutch full-text search that behaves the same on SQLite and PostgreSQL.

The only code that knows how search works. Views and the admin call:
- `search(text, ...)`: ranked, paged results with snippets, facets and a suggestion;
- `matching(queryset, parse(text))`: narrow any Column queryset (the admin);
- `index_columns(ids)`, `remove_columns(ids)`, `rebuild()`: keep the index current.
"""

from .engine import DATE, RELEVANCE, matching, search
from .index import index_columns, rebuild, remove_columns
from .query import MAX_QUERY_LENGTH, parse

__all__ = [
    "DATE",
    "MAX_QUERY_LENGTH",
    "RELEVANCE",
    "index_columns",
    "matching",
    "parse",
    "rebuild",
    "remove_columns",
    "search",
]
