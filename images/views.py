from django.conf import settings
from django.http import Http404
from django.views.static import serve


def media(request, path):
    """Uploaded files from MEDIA_ROOT when Django is to serve them (SERVE_MEDIA:
    development, tests, the audit); in production the reverse proxy does."""
    if not settings.SERVE_MEDIA:
        raise Http404("Media worden door de webserver geserveerd.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
