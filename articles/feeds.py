"""Atom feeds: the latest columns, and per theme and per author, with full content."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from images import html as image_html

from .models import Author, Column, Theme

FEED_LENGTH = 20


class AtomWithContent(Atom1Feed):
    """Atom with the whole column in <content>; the lead stays the <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestColumnsFeed(Feed):
    feed_type = AtomWithContent

    def title(self):
        return f"{settings.SITE_NAME}: nieuwste columns"

    def subtitle(self):
        return "Columns over klanten en de mensen die hen bedienen."

    def link(self):
        return reverse("articles:home")

    def columns(self):
        return Column.objects.published().with_related()

    def items(self):
        return self.columns()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_extra_kwargs(self, item):
        return {"content": item.body_html}  # its images made absolute in get_feed

    def item_author_name(self, item):
        return item.author.name

    def item_author_link(self, item):
        return item.author.get_absolute_url()  # made absolute in get_feed

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]

    def get_feed(self, obj, request):
        """The feed for this request. One Feed object in the URLconf serves every
        thread, so it keeps no request: what needs this request's host is done here."""
        feed = super().get_feed(obj, request)
        site = request.build_absolute_uri("/")
        for item in feed.items:
            item["author_link"] = request.build_absolute_uri(item["author_link"])
            # Images in the text have site-relative addresses; feed readers need whole ones.
            item["content"] = image_html.absolute(item["content"], site)
        return feed


class ThemeFeed(LatestColumnsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme.objects.visible_to(request.user), slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: columns over {obj.name}"

    def subtitle(self, obj):
        return f"De nieuwste columns over {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return self.columns().filter(themes=obj)[:FEED_LENGTH]


class AuthorFeed(LatestColumnsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: columns van {obj.name}"

    def subtitle(self, obj):
        return f"De nieuwste columns van {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return self.columns().filter(author=obj)[:FEED_LENGTH]
