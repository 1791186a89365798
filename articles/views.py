import re

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from . import search
from .models import Author, Column, Theme


def paginate(request, queryset):
    """One page of `queryset`; a bad `?pagina=` gives the nearest valid page."""
    paginator = Paginator(queryset, settings.COLUMNS_PER_PAGE)
    try:
        number = int(request.GET.get("pagina", 1))
    except ValueError:
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))


def home(request):
    columns = Column.objects.published().with_related()[: settings.COLUMNS_PER_PAGE]
    themes = Theme.objects.filter(featured=True).with_column_counts()
    authors = Author.objects.with_column_counts().filter(column_count__gt=0)
    return render(
        request,
        "articles/home.html",
        {"columns": columns, "featured_themes": themes, "authors": authors},
    )


def column_list(request):
    page = paginate(request, Column.objects.published().with_related())
    return render(request, "articles/column_list.html", {"page": page})


def column_detail(request, slug):
    column = get_object_or_404(Column.objects.visible_to(request.user).with_related(), slug=slug)
    related = Column.objects.related_to(column)
    return render(request, "articles/column_detail.html", {"column": column, "related": related})


def author_list(request):
    authors = Author.objects.with_column_counts()
    return render(request, "articles/author_list.html", {"authors": authors})


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    page = paginate(request, author.columns.published().with_related())
    return render(request, "articles/author_detail.html", {"author": author, "page": page})


def theme_list(request):
    themes = Theme.objects.with_column_counts()
    return render(request, "articles/theme_list.html", {"themes": themes})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    page = paginate(request, Column.objects.published().filter(themes=theme).with_related())
    return render(request, "articles/theme_detail.html", {"theme": theme, "page": page})


def archive_index(request):
    years = Column.objects.years()
    return render(request, "articles/archive_index.html", {"years": years})


def archive_year(request, year):
    columns = Column.objects.published().filter(published_at__year=year)
    if not columns.exists():
        raise Http404("Geen columns in dit jaar.")
    page = paginate(request, columns.with_related())
    return render(request, "articles/archive_year.html", {"year": year, "page": page})


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
    return f"{reverse('articles:search')}?{params.urlencode()}"


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
        return render(request, "articles/search.html", {"error": message}, status=400)
    page = int(page_text) if DIGITS.fullmatch(page_text) else 1
    year_text = request.GET.get("jaar", "").strip()
    year = int(year_text) if DIGITS.fullmatch(year_text) and len(year_text) == 4 else None
    themes = [slug for slug in request.GET.getlist("thema") if slug][:5]
    order = search.DATE if request.GET.get("sorteer") == search.DATE else search.RELEVANCE
    results = search.search(
        request.GET.get("q", ""),
        themes=themes,
        author=request.GET.get("auteur", "").strip(),
        year=year,
        order=order,
        page=page,
    )
    if as_json:
        return JsonResponse(_search_json(request, results))
    if results.facets:
        _facet_links(request, results.facets, themes)
    context = {
        "results": results,
        "q": results.query.text,
        "order": order,
        "relevance_url": _search_url(request, sorteer=None),
        "date_url": _search_url(request, sorteer=search.DATE),
        "filtered": bool(themes or request.GET.get("auteur") or year),
        "clear_url": _search_url(request, thema=None, auteur=None, jaar=None),
        "suggestion_url": results.suggestion and _search_url(request, q=results.suggestion.text),
    }
    return render(request, "articles/search.html", context)


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
                "themes": [theme.name for theme in hit.column.themes.all()],
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
