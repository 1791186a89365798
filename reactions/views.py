"""Reactions on the column page: the per-reader part of the page (the form), and
posting a reaction (Post/Redirect/Get)."""

import json
import logging

from django.contrib import messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from articles.models import Column
from articles.views import render_column_page
from ops import clients

from . import services, signals
from .forms import ReactionForm
from .models import Reaction

logger = logging.getLogger(__name__)

# The reader's name and e-mail, only when they ask us to remember them.
REMEMBER_COOKIE = "kb_reageerder"
REMEMBER_SALT = "articles.reactions.remember"
REMEMBER_MAX_AGE = 365 * 24 * 3600
# Proof that this browser's reader wrote an approved reaction (see docs/reactions.md):
# a keyed hash of their e-mail address, signed with the time it was set.
KNOWN_READER_COOKIE = "kb_bekend"
KNOWN_READER_SALT = "reactions.known-reader"
KNOWN_READER_MAX_AGE = 365 * 24 * 3600
# Ids of the reactions this browser session posted that are not (yet) public.
OWN_REACTIONS_KEY = "own_reactions"
# A notice for the reader shown once at the form after a redirect (session).
NOTICE_KEY = "reaction_notice"
DUPLICATE_NOTICE = "Deze reactie hadden we al ontvangen; je hoeft hem niet opnieuw te sturen."


def column_page_context(request, column, form=None, notice=""):
    """The reactions' part of the column page (registered in apps.py): the approved
    reactions, the same for every reader, and the reaction form, per request."""
    return {
        "reaction_threads": column.reactions.approved().threads(),
        "reaction_form": reaction_form_context(request, column, form, notice),
    }


def reaction_form_context(request, column, form=None, notice=""):
    """The per-request part of the column page, rendered by
    templates/reactions/reaction_form.html: the form (prefilled from the "remember me"
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
    """A reader posts a reaction (Post/Redirect/Get): the form checks what they
    typed, services.submit() decides what becomes of it, and the answer is a
    redirect to it or the page with the form as they sent it."""
    column = get_object_or_404(Column.objects.published().with_related(), slug=slug)
    if request.method != "POST":
        return redirect(f"{column.get_absolute_url()}#reageer")
    form = ReactionForm(request.POST, column=column)
    if not column.reactions_open:
        # Closed while the reader wrote: the page shows them what they wrote.
        notice = "Reageren is gesloten bij deze column."
        return render_column_page(request, column, form=form, status=403, notice=notice)
    if not form.is_valid():
        if form.robot:
            logger.info("Reaction refused on %s: %s", column.slug, form.robot)
        return render_column_page(request, column, form=form, status=400)

    outcome = services.submit(
        column=column,
        data=form.cleaned_data,
        client=_sender(request),
        review_url=request.build_absolute_uri(
            reverse("admin:reactions_reaction_changelist") + "?status__exact=pending"
        ),
    )
    match outcome.result:
        case services.Result.TOO_OFTEN:
            return render_column_page(
                request, column, form=form, status=429, notice=outcome.message
            )
        case services.Result.DUPLICATE:
            request.session[NOTICE_KEY] = DUPLICATE_NOTICE
            return redirect(f"{column.get_absolute_url()}#reageer")
        case services.Result.PUBLISHED:
            messages.success(request, "Dank je wel! Je reactie is geplaatst.")
        case services.Result.WAITING:
            own = [*request.session.get(OWN_REACTIONS_KEY, []), outcome.reaction.pk][-20:]
            request.session[OWN_REACTIONS_KEY] = own
            messages.info(
                request,
                "Dank je wel! Je reactie wacht op goedkeuring; "
                "zodra de redactie hem heeft bekeken, staat hij hier voor iedereen.",
            )
    if form.cleaned_data.get("notify_replies"):
        signals.reply_notification_requested.send(
            sender=Reaction, reaction=outcome.reaction, request=request
        )
    response = redirect(outcome.reaction.get_absolute_url())
    _remember_reader(request, response, form.cleaned_data)
    if outcome.known_reader:
        response.set_signed_cookie(
            KNOWN_READER_COOKIE,
            outcome.known_reader,
            salt=KNOWN_READER_SALT,
            max_age=KNOWN_READER_MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


def _sender(request):
    return services.Sender(
        address=clients.client_address(request),
        known_reader=request.get_signed_cookie(
            KNOWN_READER_COOKIE,
            default="",
            salt=KNOWN_READER_SALT,
            max_age=KNOWN_READER_MAX_AGE,
        ),
        own_reactions=tuple(request.session.get(OWN_REACTIONS_KEY, [])),
    )


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
