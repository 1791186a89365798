"""/zoeken/: the search page, and the same results as JSON (`?formaat=json`)."""

from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from . import log, suggest
from .engine import DATE, RELEVANCE, search
from .forms import MAX_THEMES, SearchForm

# Browsers keep an answer this long: typing back and forth asks the server once.
SUGGESTIONS_MAX_AGE = 60


def _search_url(params, **changes):
    """The URL of the search in `params` (the form's cleaned data) with `changes` (None
    removes), on page 1; defaults are left out."""
    params = {**params, **changes}
    query = QueryDict(mutable=True)
    for key in ("q", "thema", "auteur", "jaar", "sorteer", "letterlijk"):
        value = params[key]
        if key == "thema":
            query.setlist(key, value or [])
        elif key == "letterlijk":
            if value:
                query[key] = "1"
        elif value not in (None, "") and not (key == "sorteer" and value == RELEVANCE):
            query[key] = value
    return f"{reverse('search:search')}?{query.urlencode()}"


def _facet_links(params, facets):
    """Each facet value with the URL that selects it, or removes it when selected. With
    MAX_THEMES themes chosen, the other themes get no URL: no more can be added."""
    themes = params["thema"]
    for facet in facets["thema"]:
        if facet.selected:
            facet.url = _search_url(params, thema=[slug for slug in themes if slug != facet.value])
        elif len(themes) < MAX_THEMES:
            facet.url = _search_url(params, thema=[*themes, facet.value])
    for key in ("auteur", "jaar"):
        for facet in facets[key]:
            facet.url = _search_url(params, **{key: None if facet.selected else facet.value})
    return facets


def search_view(request):
    """/zoeken/?q=...: the search page, or JSON with `formaat=json`."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        message = form.error_text()
        if form.wants_json():
            return JsonResponse({"fout": message}, status=400)
        context = {"error": message, "q": form.cleaned_data.get("q", "")}
        return render(request, "search/search.html", context, status=400)
    params = form.cleaned_data
    themes, author, year, order = (
        params["thema"],
        params["auteur"],
        params["jaar"],
        params["sorteer"],
    )
    results = search(
        params["q"],
        themes=themes,
        author=author,
        year=year,
        order=order,
        page=params["pagina"],
        literal=params["letterlijk"],
    )
    if form.wants_json():
        return log.mark(JsonResponse(_search_json(request, results)), results)
    if results.facets:
        _facet_links(params, results.facets)
    # What narrows or orders the results, for the page title: each view its own title.
    refinements = [f.label for facets in results.facets.values() for f in facets if f.selected]
    if order == DATE:
        refinements.append("nieuwste eerst")
    if params["letterlijk"]:
        refinements.append("zoals getypt")
    context = {
        "results": results,
        "q": results.query.text,
        "refinements": refinements,
        "order": order,
        "relevance_url": _search_url(params, sorteer=None),
        "date_url": _search_url(params, sorteer=DATE),
        "filtered": bool(themes or author or year),
        "theme_note": len(themes) >= MAX_THEMES
        and f"Hoogstens {MAX_THEMES} thema’s tegelijk: haal er een weg om een ander te kiezen.",
        "clear_url": _search_url(params, thema=None, auteur=None, jaar=None),
        "suggestion_url": results.suggestion
        and _search_url(params, q=results.suggestion.text, letterlijk=None),
        "literal_url": results.corrected and _search_url(params, letterlijk=True),
        # The result links' `ping` (search.log): an absolute URL, as HTML requires.
        "opened_url": request.build_absolute_uri(reverse("search:opened")),
    }
    return log.mark(render(request, "search/search.html", context), results)


def suggestions_view(request):
    """/zoeken/suggesties/?q=...: what the search boxes suggest while a reader types, as
    JSON. The same for every reader, so the page cache keeps it (ops.pagecache)."""
    form = suggest.SuggestForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"fout": form.error_text()}, status=400)
    found = suggest.suggest(form.cleaned_data["q"])
    response = JsonResponse(
        {
            "query": form.cleaned_data["q"],
            "message": suggest.status_text(len(found)),
            "suggestions": [
                {
                    "type": item.kind,
                    "label": item.label,
                    "url": item.url,
                    "detail": item.detail,
                    "parts": [{"text": text, "match": matched} for text, matched in item.parts],
                }
                for item in found
            ],
        }
    )
    patch_cache_control(response, public=True, max_age=SUGGESTIONS_MAX_AGE)
    return response


def _search_json(request, results):
    page = results.page
    return {
        "query": results.corrected or results.query.text,
        "corrected_from": results.query.text if results.corrected else None,
        "total": results.total,
        # With very many matches the total and the facets' counts are estimates from
        # a sample, rounded to two digits ("ongeveer"); the order of the results is
        # exact either way (docs/search.md).
        "estimated": results.estimated,
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
        "also_searched": results.also_searched,
        "recommended": [
            {
                "title": column.title,
                "url": request.build_absolute_uri(column.get_absolute_url()),
                "author": column.author.name,
                "date": column.published_at.isoformat(),
                "lead": column.lead,
            }
            for column in results.recommended
        ],
    }
