"""/sitemap.xml: every published column (with its last change), author and theme."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Author, Column, Theme


class ColumnSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Column.objects.published().order_by("-published_at")

    def lastmod(self, column):
        return max(column.updated_at, column.published_at)


class AuthorSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Author.objects.with_column_counts().filter(column_count__gt=0).order_by("name")


class ThemeSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Theme.objects.public().order_by("name")


class PageSitemap(Sitemap):
    """The fixed pages: home, all columns, themes, authors, archive."""

    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["home", "column_list", "theme_list", "author_list", "archive_index"]

    def location(self, name):
        return reverse(f"articles:{name}")


SITEMAPS = {
    "pages": PageSitemap,
    "columns": ColumnSitemap,
    "themes": ThemeSitemap,
    "authors": AuthorSitemap,
}
