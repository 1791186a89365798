import json
import logging
import re

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from . import clients, search, services
from .forms import ReactionForm
from .models import Author, Column, Reaction, Theme

logger = logging.getLogger(__name__)

# The reader's name and e-mail, only when they ask us to remember them.
REMEMBER_COOKIE = "kb_reageerder"
REMEMBER_SALT = "articles.reactions.remember"
REMEMBER_MAX_AGE = 365 * 24 * 3600
# Ids of the reactions this browser session posted that are not (yet) public.
OWN_REACTIONS_KEY = "own_reactions"
# A notice for the reader shown once at the form after a redirect (session).
NOTICE_KEY = "reaction_notice"
DUPLICATE_NOTICE = "Deze reactie hadden we al ontvangen; je hoeft hem niet opnieuw te sturen."


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
    return render_column_page(request, column)


def render_column_page(request, column, form=None, status=200, notice=""):
    """The column page. Everything in it is the same for every reader, except
    `reaction_form`: see reaction_form_context()."""
    context = {
        "column": column,
        "related": Column.objects.related_to(column),
        "reaction_threads": column.reactions.approved().threads(),
        "reaction_form": reaction_form_context(request, column, form, notice),
    }
    return render(request, "articles/column_detail.html", context, status=status)


def reaction_form_context(request, column, form=None, notice=""):
    """The per-request part of the column page, rendered by
    templates/partials/reaction_form.html: the form (prefilled from the "remember me"
    cookie, or as the reader sent it), the reaction answered (?antwoord=), the reader's
    own reactions waiting for approval (from the session), and a notice about their
    last attempt. The template adds the CSRF token and the signed form token (column
    and time issued) as page-cache holes, fresh for every request."""
    remembered = _remembered_reader(request)
    if form is None:
        initial = {**remembered, "remember": bool(remembered)}
        form = ReactionForm(column=column, initial=initial)
    return {
        "form": form,
        "reply_to": _reply_target(request, column, form),
        "own_pending": _own_pending_reactions(request, column),
        "notice": notice or _pop_notice(request),
    }


def _pop_notice(request):
    if not hasattr(request, "session") or NOTICE_KEY not in request.session:
        return ""
    return request.session.pop(NOTICE_KEY)


def _remembered_reader(request):
    try:
        value = request.get_signed_cookie(
            REMEMBER_COOKIE, salt=REMEMBER_SALT, max_age=REMEMBER_MAX_AGE
        )
        data = json.loads(value)
    except (KeyError, signing.BadSignature, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(data[key])[:254] for key in ("name", "email") if data.get(key)}


def _reply_target(request, column, form):
    if form.is_bound:
        parent = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
        return parent if isinstance(parent, Reaction) else None
    try:
        parent_id = int(request.GET.get("antwoord", ""))
    except ValueError:
        return None
    parent = column.reactions.approved().filter(pk=parent_id).select_related("parent").first()
    return (parent.parent or parent) if parent else None


def _own_pending_reactions(request, column):
    if not hasattr(request, "session") or OWN_REACTIONS_KEY not in request.session:
        return []
    ids = request.session[OWN_REACTIONS_KEY]
    waiting = [Reaction.Status.PENDING, Reaction.Status.SPAM]
    return list(column.reactions.filter(pk__in=ids, status__in=waiting).order_by("created_at"))


def reaction_create(request, slug):
    """A reader posts a reaction (Post/Redirect/Get)."""
    column = get_object_or_404(Column.objects.published().with_related(), slug=slug)
    if request.method != "POST":
        return redirect(f"{column.get_absolute_url()}#reageer")
    if not column.reactions_open:
        return render_column_page(
            request, column, status=403, notice="Reageren is gesloten bij deze column."
        )

    form = ReactionForm(request.POST, column=column)
    if not form.is_valid():
        return render_column_page(request, column, form, status=400)
    if form.rejected_as_robot:
        logger.info(
            "Reaction refused on %s: %s",
            column.slug,
            "honeypot filled" if form.trapped else "sent too fast",
        )
        notice = (
            "Je reactie is niet geplaatst: het formulier werd wel erg snel verstuurd. "
            "Controleer je reactie en verstuur hem nog een keer."
        )
        return render_column_page(request, column, form, status=400, notice=notice)

    data = form.cleaned_data
    address = clients.client_address(request)
    if services.reaction_is_duplicate(column=column, client_address=address, body=data["body"]):
        return _duplicate(request, column)
    refusal = _flood_refusal(address, data["email"])
    if refusal:
        return render_column_page(request, column, form, status=429, notice=refusal)

    admin_url = request.build_absolute_uri(
        reverse("admin:articles_reaction_changelist") + "?status__exact=pending"
    )
    try:
        reaction = services.reaction_create(
            column=column,
            name=data["name"],
            email=data["email"],
            body=data["body"],
            parent=data["parent"],
            client_address=address,
            admin_url=admin_url,
        )
    except services.DuplicateReaction:
        return _duplicate(request, column)

    if reaction.status == Reaction.Status.APPROVED:
        messages.success(request, "Dank je wel! Je reactie is geplaatst.")
    else:
        # Spam is kept from the reader too: to them it simply waits.
        own = [*request.session.get(OWN_REACTIONS_KEY, []), reaction.pk][-20:]
        request.session[OWN_REACTIONS_KEY] = own
        messages.info(
            request,
            "Dank je wel! Je reactie wacht op goedkeuring; "
            "zodra de redactie hem heeft bekeken, staat hij hier voor iedereen.",
        )
    response = redirect(f"{column.get_absolute_url()}#reactie-{reaction.pk}")
    _remember_reader(request, response, data)
    return response


def _duplicate(request, column):
    request.session[NOTICE_KEY] = DUPLICATE_NOTICE
    return redirect(f"{column.get_absolute_url()}#reageer")


def _flood_refusal(address, email):
    """A Dutch message when this address or e-mail address reacts too often, else None."""
    interval = settings.REACTIONS_MIN_INTERVAL
    per_hour = settings.REACTIONS_PER_HOUR
    for scope, identity in [("reaction-address", address), ("reaction-email", email.lower())]:
        if not clients.allow_once_per(f"{scope}-interval", identity, interval):
            return (
                f"Je reageert snel achter elkaar. Wacht {interval} seconden en "
                "verstuur je reactie dan opnieuw; je tekst staat er nog."
            )
        if not clients.allow_count(f"{scope}-hour", identity, per_hour, 3600):
            return (
                f"Je hebt het afgelopen uur al {per_hour} keer gereageerd; meer kan niet. "
                "Probeer het later opnieuw."
            )
    return None


def _remember_reader(request, response, data):
    if data.get("remember"):
        value = json.dumps({"name": data["name"], "email": data["email"]})
        response.set_signed_cookie(
            REMEMBER_COOKIE,
            value,
            salt=REMEMBER_SALT,
            max_age=REMEMBER_MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    elif REMEMBER_COOKIE in request.COOKIES:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")


def privacy(request):
    return render(
        request,
        "articles/privacy.html",
        {
            "retention_days": settings.REACTIONS_ADDRESS_RETENTION_DAYS,
            "close_after_days": settings.REACTIONS_CLOSE_AFTER_DAYS,
            "contact_email": settings.DEFAULT_FROM_EMAIL,
        },
    )


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
    # NUL bytes can't be stored or compared in PostgreSQL text: drop them.
    themes = [slug.replace("\x00", "") for slug in request.GET.getlist("thema")]
    themes = [slug for slug in themes if slug][:5]
    author = request.GET.get("auteur", "").replace("\x00", "").strip()
    order = search.DATE if request.GET.get("sorteer") == search.DATE else search.RELEVANCE
    results = search.search(
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
    if order == search.DATE:
        refinements.append("nieuwste eerst")
    context = {
        "results": results,
        "q": results.query.text,
        "refinements": refinements,
        "order": order,
        "relevance_url": _search_url(request, sorteer=None),
        "date_url": _search_url(request, sorteer=search.DATE),
        "filtered": bool(themes or author or year),
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
