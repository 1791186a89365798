from django.conf import settings


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        # Scheme and host, for absolute links in meta tags ("https://example.org").
        "site_url": request.build_absolute_uri("/").rstrip("/"),
        # This page without its query string; listings add their page number.
        "canonical_url": request.build_absolute_uri(request.path),
    }
