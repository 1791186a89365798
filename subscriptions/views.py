"""The reader's pages: follow (form), confirm, manage and one-click unsubscribe; and
the share links under a column (a column page part, see articles.extensions)."""

import logging
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ops import clients

from . import services, tokens
from .forms import ManageForm, SubscribeForm, public_authors, public_themes
from .models import Subscription, normalise_email

logger = logging.getLogger(__name__)

INVALID_LINK = (
    "Deze link klopt niet (meer). Kopieer hem in zijn geheel uit de e-mail, of meld je opnieuw aan."
)
EXPIRED_LINK = (
    "Deze bevestigingslink is verlopen: hij werkt {days} dagen. Meld je opnieuw aan; "
    "je krijgt dan een nieuwe link."
)


def share_context(request, column, **options):
    """The share links under a column (registered in apps.py); the same for everyone."""
    url = request.build_absolute_uri(column.get_absolute_url())
    mail_body = f"{column.lead}\n\n{url}"
    return {
        "share": {
            "url": url,
            "linkedin": "https://www.linkedin.com/sharing/share-offsite/?"
            + urlencode({"url": url}),
            "mailto": "mailto:?"
            + urlencode({"subject": column.title, "body": mail_body}, quote_via=quote),
        }
    }


@require_http_methods(["GET", "HEAD", "POST"])
def follow(request):
    """The general page to follow the site, and where every follow form posts."""
    if request.method != "POST":
        initial = {"subject": request.GET.get("volg", "alles")}
        return _follow_page(request, SubscribeForm(initial=initial))
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        if form.robot:
            logger.info("Subscription refused: %s", form.robot)
        return _follow_page(request, form, status=400)
    refusal = _flood_refusal(request, form.cleaned_data["email"])
    if refusal:
        return _follow_page(request, form, status=429, notice=refusal)
    kind, theme, author = form.cleaned_data["subject"]
    try:
        services.subscribe(
            email=form.cleaned_data["email"],
            kind=kind,
            theme=theme,
            author=author,
            frequency=form.cleaned_data["frequency"],
            base_url=request.build_absolute_uri("/"),
        )
    except OSError:
        notice = (
            "We konden je de bevestigingsmail nu niet sturen. Probeer het over een paar "
            "minuten opnieuw."
        )
        return _follow_page(request, form, status=503, notice=notice)
    return redirect("subscriptions:check_mail")


def _flood_refusal(request, email):
    per_hour = settings.SUBSCRIPTIONS_PER_HOUR
    for scope, identity in [
        ("subscribe-address", clients.client_address(request)),
        ("subscribe-email", normalise_email(email)),
    ]:
        if not clients.allow_count(scope, identity, per_hour, 3600):
            counted = ngettext("%(n)d aanmelding", "%(n)d aanmeldingen", per_hour) % {"n": per_hour}
            return (
                f"Vanaf dit adres kwamen het afgelopen uur al {counted}; "
                "meer kan niet. Probeer het later opnieuw."
            )
    return ""


def _follow_page(request, form, *, status=200, notice=""):
    return render(
        request,
        "subscriptions/follow.html",
        {
            "form": form,
            "notice": notice,
            "themes": public_themes(),
            "authors": public_authors(),
            "chosen": form["subject"].value() or "alles",
        },
        status=status,
    )


def check_mail(request):
    return render(
        request, "subscriptions/check_mail.html", {"days": settings.SUBSCRIPTIONS_CONFIRM_DAYS}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET shows a button (a mail scanner that follows links confirms nothing);
    POST confirms."""
    try:
        subscription_id, email = tokens.read_confirm_token(token)
    except signing.SignatureExpired:
        message = EXPIRED_LINK.format(days=settings.SUBSCRIPTIONS_CONFIRM_DAYS)
        return _link_problem(request, message, status=410)
    except signing.BadSignature:
        return _link_problem(request, INVALID_LINK)
    if request.method != "POST":
        subscription = (
            Subscription.objects.describe()
            .filter(pk=subscription_id, subscriber__email=email)
            .first()
        )
        if subscription is None:
            return _link_problem(request, INVALID_LINK)
        return render(request, "subscriptions/confirm.html", {"subscription": subscription})
    subscription = services.confirm(subscription_id=subscription_id, email=email)
    if subscription is None:
        return _link_problem(request, INVALID_LINK)
    manage = reverse(
        "subscriptions:manage", kwargs={"token": tokens.manage_token(subscription.subscriber)}
    )
    return render(
        request,
        "subscriptions/confirmed.html",
        {
            "subscription": Subscription.objects.describe().get(pk=subscription.pk),
            "manage_url": manage,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    try:
        subscriber_id, email = tokens.read_manage_token(token)
    except signing.BadSignature:
        return _link_problem(request, INVALID_LINK)
    subscriber = services.subscriber_from(subscriber_id=subscriber_id, email=email)
    if subscriber is None:
        return _link_problem(
            request, "Bij deze link horen geen abonnementen meer: je ontvangt niets van ons."
        )
    subscriptions = subscriber.subscriptions.describe().order_by("created_at")
    if request.method != "POST":
        form = ManageForm(subscriptions=subscriptions)
        return _manage_page(request, subscriber, form)
    form = ManageForm(request.POST, subscriptions=subscriptions)
    if not form.is_valid():
        return _manage_page(request, subscriber, form, status=400)
    if "stop_all" in request.POST:
        stop = [s.pk for s in form.subscriptions]
    else:
        stop = [s.pk for s in form.subscriptions if form.cleaned_data.get(f"stop_{s.pk}")]
    frequencies = {
        s.pk: form.cleaned_data[f"frequency_{s.pk}"]
        for s in form.subscriptions
        if f"frequency_{s.pk}" in form.cleaned_data
    }
    left = services.subscriptions_update(
        subscriber=subscriber, frequencies=frequencies, stop_ids=stop
    )
    if not left:
        return render(request, "subscriptions/unsubscribed.html", {"ended": len(stop)})
    form = ManageForm(subscriptions=subscriber.subscriptions.describe().order_by("created_at"))
    return _manage_page(request, subscriber, form, saved=True)


def _manage_page(request, subscriber, form, *, status=200, saved=False):
    return render(
        request,
        "subscriptions/manage.html",
        {"subscriber": subscriber, "form": form, "saved": saved},
        status=status,
    )


@csrf_exempt  # RFC 8058: the mail program POSTs with no cookie or form token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe: a POST ends the subscriptions the mail was about, with
    no confirmation page (RFC 8058); a GET shows the button that does that."""
    try:
        subscriber_id, email, ids = tokens.read_unsubscribe_token(token)
    except signing.BadSignature:
        return _link_problem(request, INVALID_LINK)
    subscriber = services.subscriber_from(subscriber_id=subscriber_id, email=email)
    subscriptions = subscriber.subscriptions.describe().filter(pk__in=ids) if subscriber else []
    if request.method != "POST":
        return render(
            request,
            "subscriptions/unsubscribe.html",
            {
                "subscriptions": subscriptions,
                "manage_url": reverse(
                    "subscriptions:manage", kwargs={"token": tokens.manage_token(subscriber)}
                )
                if subscriber
                else "",
            },
        )
    ended = services.unsubscribe(subscriber=subscriber, subscription_ids=ids) if subscriber else 0
    return render(request, "subscriptions/unsubscribed.html", {"ended": ended})


def _link_problem(request, message, status=404):
    return render(request, "subscriptions/link_problem.html", {"message": message}, status=status)
