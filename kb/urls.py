from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Kennisbank redactie"
admin.site.site_title = "Kennisbank redactie"
admin.site.index_title = "Beheer van columns, auteurs en thema's"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]
