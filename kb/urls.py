import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from articles.seo import favicon, robots_txt
from articles.sitemaps import SITEMAPS
from images.views import media
from ops.login import RateLimitedAdminLoginForm
from ops.views import healthz

admin.site.site_header = "Kennisbank redactie"
admin.site.site_title = "Kennisbank redactie"
admin.site.index_title = "Beheer van columns, auteurs en thema's"
admin.site.login_form = RateLimitedAdminLoginForm
admin.site.enable_nav_sidebar = False

handler500 = "ops.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon),
    path("", include("articles.urls")),
    path("", include("search.urls")),
    path("", include("reactions.urls")),
    path("", include("feedback.urls")),
    path("", include("subscriptions.urls")),
]

if "://" not in settings.MEDIA_URL:
    # Uploaded images, when Django serves them (see images.views.media).
    prefix = re.escape(settings.MEDIA_URL.strip("/"))
    urlpatterns.insert(0, re_path(rf"^{prefix}/(?P<path>.+)$", media, name="media"))
