from django.urls import path, register_converter

from . import feeds, views


class YearConverter:
    """A year on the archive is four digits, 1000 to 9999: the years Python's dates can
    hold in any time zone. Anything else (0, 10000, twenty digits) matches no page and
    is a plain 404, instead of an error in the year lookup."""

    regex = "[1-9][0-9]{3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(YearConverter, "year")

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("columns/", views.column_list, name="column_list"),
    path("columns/<slug:slug>/", views.column_detail, name="column_detail"),
    path("feed/", feeds.LatestColumnsFeed(), name="feed"),
    path("themas/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme_feed"),
    path("auteurs/<slug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("auteurs/", views.author_list, name="author_list"),
    path("auteurs/<slug:slug>/", views.author_detail, name="author_detail"),
    path("themas/", views.theme_list, name="theme_list"),
    path("themas/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("archief/", views.archive_index, name="archive_index"),
    path("archief/<year:year>/", views.archive_year, name="archive_year"),
    path("privacy/", views.privacy, name="privacy"),
]
