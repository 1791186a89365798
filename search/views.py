"""/zoeken/: the search page, and the same results as JSON (`?formaat=json`)."""

import re

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from .engine import DATE, RELEVANCE, search

MAX_PAGE_DIGITS = 6
DIGITS = re.compile(r"[0-9]+")


def _search_url(request, **changes):
    """The current search URL with parameters changed (None removes), back on page 1."""
    params = request.GET.copy()
    params.pop("pagina", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        elif isinstance(value, list):
            params.setlist(key, value)
        else:
            params[key] = value
    return f"{reverse('search:search')}?{params.urlencode()}"


def _facet_links(request, facets, themes):
    """Each facet value with the URL that selects it, or removes it when selected."""
    for facet in facets["thema"]:
        chosen = [slug for slug in themes if slug != facet.value]
        facet.url = _search_url(request, thema=chosen if facet.selected else [*themes, facet.value])
    for key in ("auteur", "jaar"):
        for facet in facets[key]:
            facet.url = _search_url(request, **{key: None if facet.selected else facet.value})
    return facets


def search_view(request):
    """/zoeken/?q=...: the search page, or JSON with `formaat=json`."""
    page_text = request.GET.get("pagina", "1").strip()
    as_json = request.GET.get("formaat") == "json"
    if DIGITS.fullmatch(page_text) and len(page_text) > MAX_PAGE_DIGITS:
        message = "Dat paginanummer is te groot."
        if as_json:
            return JsonResponse({"fout": message}, status=400)
        return render(request, "search/search.html", {"error": message}, status=400)
    page = int(page_text) if DIGITS.fullmatch(page_text) else 1
    year_text = request.GET.get("jaar", "").strip()
    year = int(year_text) if DIGITS.fullmatch(year_text) and len(year_text) == 4 else None
    # NUL bytes can't be stored or compared in PostgreSQL text: drop them.
    themes = [slug.replace("\x00", "") for slug in request.GET.getlist("thema")]
    themes = [slug for slug in themes if slug][:5]
    author = request.GET.get("auteur", "").replace("\x00", "").strip()
    order = DATE if request.GET.get("sorteer") == DATE else RELEVANCE
    results = search(
        request.GET.get("q", ""),
        themes=themes,
        author=author,
        year=year,
        order=order,
        page=page,
    )
    if as_json:
        return JsonResponse(_search_json(request, results))
    if results.facets:
        _facet_links(request, results.facets, themes)
    # What narrows or orders the results, for the page title: each view its own title.
    refinements = [f.label for facets in results.facets.values() for f in facets if f.selected]
    if order == DATE:
        refinements.append("nieuwste eerst")
    context = {
        "results": results,
        "q": results.query.text,
        "refinements": refinements,
        "order": order,
        "relevance_url": _search_url(request, sorteer=None),
        "date_url": _search_url(request, sorteer=DATE),
        "filtered": bool(themes or author or year),
        "clear_url": _search_url(request, thema=None, auteur=None, jaar=None),
        "suggestion_url": results.suggestion and _search_url(request, q=results.suggestion.text),
    }
    return render(request, "search/search.html", context)


def _search_json(request, results):
    page = results.page
    return {
        "query": results.query.text,
        "total": results.total,
        "page": page.number if page else 1,
        "pages": page.paginator.num_pages if page else 0,
        "message": results.message,
        "results": [
            {
                "title": hit.column.title,
                "url": request.build_absolute_uri(hit.column.get_absolute_url()),
                "author": hit.column.author.name,
                "date": hit.column.published_at.isoformat(),
                "themes": [theme.name for theme in hit.themes],
                "snippet": str(hit.snippet),
            }
            for hit in results.hits
        ],
        "facets": {
            key: [{"value": f.value, "label": f.label, "count": f.count} for f in facets]
            for key, facets in results.facets.items()
        },
        "suggestion": results.suggestion
        and {"text": results.suggestion.text, "count": results.suggestion.count},
    }
