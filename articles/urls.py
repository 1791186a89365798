from django.urls import path

from . import feeds, views

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
    path("archief/<int:year>/", views.archive_year, name="archive_year"),
    path("privacy/", views.privacy, name="privacy"),
]
