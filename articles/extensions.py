"""Where other apps add to the content pages without `articles` importing them.

Dependencies point one way (see the import-linter contract in pyproject.toml):
`reactions` and `search` build on `articles`, never the reverse. They plug in
here from their AppConfig.ready():

- `register_listing_annotation(function)`: `function(queryset)` returns the Column
  queryset with extra annotations that listings show (reactions: the number of
  approved reactions). `Column.objects.with_related()` applies every one, so a
  listing still runs a fixed number of queries.
- `register_column_page_part(template, context)`: a section of the column page.
  `context(request, column, **options)` returns its template variables;
  `options` are what a view passes to `render_column_page` (reactions: the form
  as the reader sent it, a notice). The parts are rendered in registration order.
- `register_page_part(page, template, context)`: a section of a listing page
  ("home", "theme", "author"). `context(request, **objects)` returns its template
  variables (a theme page passes `theme`, an author page `author`); the template also
  sees the page's own context. Parts are shown in registration order; whatever differs
  per reader must be a page-cache hole (see ops/holes.py).
- `register_column_search(function)`: `function(queryset, text)` narrows a Column
  queryset to what `text` finds, or returns None when the text holds nothing to
  search for (the admin's search box uses it, drafts included).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnPagePart:
    template: str
    context: Callable


listing_annotations = []
column_page_parts = []
page_parts = {}  # page name -> [ColumnPagePart]
column_searches = []


def register_listing_annotation(function):
    if function not in listing_annotations:
        listing_annotations.append(function)
    return function


def register_column_page_part(template, context):
    part = ColumnPagePart(template, context)
    if part not in column_page_parts:
        column_page_parts.append(part)
    return part


def register_page_part(page, template, context):
    part = ColumnPagePart(template, context)
    parts = page_parts.setdefault(page, [])
    if part not in parts:
        parts.append(part)
    return part


def page_context(request, page, **objects):
    """The template variables of the parts of `page`, and `page_parts`: the
    templates to include, in order."""
    parts = page_parts.get(page, [])
    context = {"page_parts": [part.template for part in parts]}
    for part in parts:
        context.update(part.context(request, **objects))
    return context


def register_column_search(function):
    if function not in column_searches:
        column_searches.append(function)
    return function


def annotate_listing(queryset):
    for annotate in listing_annotations:
        queryset = annotate(queryset)
    return queryset


def column_page_context(request, column, **options):
    """The template variables of every registered part, and `column_parts`: the
    templates to include, in order."""
    context = {"column_parts": [part.template for part in column_page_parts]}
    for part in column_page_parts:
        context.update(part.context(request, column, **options))
    return context


def search_columns(queryset, text):
    """`queryset` narrowed by the first registered search that understands `text`;
    None when none does (or none is registered)."""
    for search in column_searches:
        found = search(queryset, text)
        if found is not None:
            return found
    return None
