""" "Was dit nuttig?": the question under a column, the answer (a form POST that
works without JavaScript and on cached pages), and the optional reason after "Nee"."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Column
from ops import clients

from . import services
from .forms import ReasonForm, VoteForm, answer_token

THANKS = "bedankt"


def column_page_context(request, column, **options):
    """The question under the column; a thank-you when the reader was sent back
    after answering (?nuttig=bedankt, a page of its own in the page cache)."""
    return {"feedback_thanks": request.GET.get("nuttig") == THANKS}


def _thanks_url(column):
    return f"{column.get_absolute_url()}?nuttig={THANKS}#nuttig"


def _problem(request, column, message, status):
    return render(
        request,
        "feedback/problem.html",
        {"column": column, "message": message},
        status=status,
    )


# An answer is anonymous: a forged cross-site "Ja" does no more than the forger could
# do by clicking, and the CSRF check would give every reader a cookie for it.
@csrf_exempt
@require_POST
def vote(request, slug):
    column = get_object_or_404(Column.objects.published(), slug=slug)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _problem(request, column, form.errors["antwoord"][0], 400)
    address = clients.client_address(request)
    refusal = services.too_often(address)
    if refusal:
        return _problem(request, column, refusal, 429)
    answer = services.vote(
        column=column,
        useful=form.useful,
        address=address,
        browser=request.headers.get("User-Agent", ""),
    )
    if answer.useful:
        return redirect(_thanks_url(column))
    url = reverse("feedback:reason", kwargs={"slug": column.slug})
    return redirect(f"{url}?stem={answer_token(answer)}")


@csrf_exempt  # as vote(): the signed answer token is what it needs
@never_cache
@require_http_methods(["GET", "POST"])
def reason(request, slug):
    column = get_object_or_404(Column.objects.published(), slug=slug)
    data = request.POST if request.method == "POST" else {"stem": request.GET.get("stem", "")}
    form = ReasonForm(data, column=column)
    valid = form.is_valid()
    if "stem" in form.errors:
        return _problem(request, column, form.errors["stem"][0], 400)
    if request.method == "POST" and valid:
        services.explain(
            answer=form.cleaned_data["stem"],
            reason=form.cleaned_data["reden"],
            comment=form.cleaned_data["toelichting"],
        )
        return redirect(_thanks_url(column))
    if request.method == "GET":
        form = ReasonForm(initial={"stem": data["stem"]}, column=column)
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/reason.html", {"column": column, "form": form}, status=status)
