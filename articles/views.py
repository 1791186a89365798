from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import extensions
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
    themes = Theme.objects.visible_to(request.user).filter(featured=True).with_column_counts()
    authors = Author.objects.with_column_counts().filter(column_count__gt=0)
    return render(
        request,
        "articles/home.html",
        {
            "columns": columns,
            "featured_themes": themes,
            "authors": authors,
            **extensions.page_context(request, "home"),
        },
    )


def column_list(request):
    page = paginate(request, Column.objects.published().with_related())
    return render(request, "articles/column_list.html", {"page": page})


def column_detail(request, slug):
    columns = (
        Column.objects.visible_to(request.user)
        .with_related()
        .select_related("header_image")
        .prefetch_related("header_image__renditions")
    )
    column = get_object_or_404(columns, slug=slug)
    return render_column_page(request, column)


def render_column_page(request, column, *, status=200, **options):
    """The column page: the column, "Lees ook" and the parts other apps add (see
    articles.extensions); `options` go to those parts (reactions: the form as the
    reader sent it, a notice). Everything is the same for every reader except what
    the parts render per request."""
    context = {
        "column": column,
        "related": Column.objects.related_to(column),
        **extensions.column_page_context(request, column, **options),
    }
    return render(request, "articles/column_detail.html", context, status=status)


def privacy(request):
    return render(
        request,
        "articles/privacy.html",
        {
            "retention_days": settings.REACTIONS_ADDRESS_RETENTION_DAYS,
            "close_after_days": settings.REACTIONS_CLOSE_AFTER_DAYS,
            "confirm_days": settings.SUBSCRIPTIONS_CONFIRM_DAYS,
            "search_log_days": settings.SEARCH_LOG_DAYS,
            "contact_email": settings.DEFAULT_FROM_EMAIL,
        },
    )


def author_list(request):
    authors = Author.objects.with_column_counts()
    return render(request, "articles/author_list.html", {"authors": authors})


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    page = paginate(request, author.columns.published().with_related())
    context = {
        "author": author,
        "page": page,
        **extensions.page_context(request, "author", author=author),
    }
    return render(request, "articles/author_detail.html", context)


def theme_list(request):
    themes = Theme.objects.visible_to(request.user).with_column_counts()
    return render(request, "articles/theme_list.html", {"themes": themes})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme.objects.visible_to(request.user), slug=slug)
    page = paginate(request, Column.objects.published().filter(themes=theme).with_related())
    context = {
        "theme": theme,
        "page": page,
        **extensions.page_context(request, "theme", theme=theme),
    }
    return render(request, "articles/theme_detail.html", context)


def archive_index(request):
    years = Column.objects.years()
    return render(request, "articles/archive_index.html", {"years": years})


def archive_year(request, year):
    columns = Column.objects.published().filter(published_at__year=year)
    if not columns.exists():
        raise Http404("Geen columns in dit jaar.")
    page = paginate(request, columns.with_related())
    return render(request, "articles/archive_year.html", {"year": year, "page": page})
