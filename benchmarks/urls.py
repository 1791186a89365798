from django.http import HttpResponse
from django.urls import path

from kb.urls import urlpatterns as site_urlpatterns


def ok(request):
    """The framework's ceiling: the full middleware stack, no template, no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok), *site_urlpatterns]
