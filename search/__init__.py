"""Dutch full-text search that behaves the same on SQLite and PostgreSQL.

The only code that knows how search works. Views and the admin call:
- `search(text, ...)`: ranked, paged results with snippets, facets, and for a query
  that finds nothing its correction (typos, compounds) or a suggestion;
- `matching(queryset, parse(text))`: narrow any Column queryset (the admin);
- `index_columns(ids)`, `remove_columns(ids)`, `rebuild()`: keep the index current.

Django imports this package before the models are ready, so the names are looked
up in their modules on first use (PEP 562) rather than imported here.
"""

import importlib

_API = {
    "DATE": "engine",
    "RELEVANCE": "engine",
    "matching": "engine",
    "search": "engine",
    "index_columns": "index",
    "rebuild": "index",
    "remove_columns": "index",
    "MAX_QUERY_LENGTH": "query",
    "parse": "query",
}

__all__ = sorted(_API)


def __getattr__(name):
    if name not in _API:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
