"""The site's URLs plus a few pages that only tests need: a public page with a
POST form (for the page cache's CSRF handling), pages that show a CSRF token where
they should not (and one with a digest that only looks alike), and pages that fail."""

import hashlib

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.urls import include, path

from kb.urls import handler500  # noqa: F401
from kb.urls import urlpatterns as site_urlpatterns
from ops import holes

FORM_PAGE = engines["django"].from_string(
    "{% load per_request %}<!doctype html><html lang=nl><body>"
    "<p>Uitgegeven om {% per_request 'issue_number' %}</p>"
    '<form method="post" action="">{% csrf_token %}'
    '<input name="naam"><button>Verstuur</button></form></body></html>'
)
LEAKY_PAGE = engines["django"].from_string(
    '<!doctype html><html lang=nl><body><div data-token="{{ csrf_token }}"></div></body></html>'
)
DIGEST = hashlib.sha256(b"kennisbank").hexdigest()
issued = []


@holes.register("issue_number")
def issue_number(request):
    """A per-request value that counts how often it was computed."""
    issued.append(request)
    return f"verzoek {len(issued)} <b>"


def form_page(request):
    if request.method == "POST":
        return HttpResponse(f"Ontvangen: {request.POST['naam']}")
    return HttpResponse(FORM_PAGE.render(request=request))


def leaky_page(request):
    return HttpResponse(LEAKY_PAGE.render(request=request))


def page_with_another_requests_token(request):
    token = get_token(HttpRequest())
    return HttpResponse(f'<!doctype html><html lang=nl><form data-token="{token}"></form>')


def page_with_a_digest(request):
    return HttpResponse(f"<!doctype html><html lang=nl><p>SHA-256: {DIGEST}</p>")


def boom(request):
    raise RuntimeError("kapot")


def database_down(request):
    raise OperationalError("connection refused")


test_patterns = [
    path("formulier/", form_page, name="form_page"),
    path("lek/", leaky_page, name="leaky_page"),
    path("lek/ander-verzoek/", page_with_another_requests_token),
    path("digest/", page_with_a_digest),
    path("kapot/", boom, name="boom"),
    path("database-weg/", database_down, name="database_down"),
]

urlpatterns = [path("proef/", include((test_patterns, "proef"))), *site_urlpatterns]
