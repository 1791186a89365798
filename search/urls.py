from django.urls import path

from . import log, views

app_name = "search"

urlpatterns = [
    path("zoeken/", views.search_view, name="search"),
    path("zoeken/suggesties/", views.suggestions_view, name="suggestions"),
    path("zoeken/geopend/", log.opened_view, name="opened"),
]
