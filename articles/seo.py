"""What search engines and link previews read: robots.txt, the favicon and JSON-LD."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from images.renditions import social


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Old browsers ask for /favicon.ico; the icon itself has a hashed static name."""
    return redirect(static("icons/favicon.ico"))


def column_json_ld(column, request):
    """schema.org Article for a column, as a dict ready for JSON."""
    author_url = request.build_absolute_uri(column.author.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": column.title,
        "description": column.lead,
        "url": request.build_absolute_uri(column.get_absolute_url()),
        "mainEntityOfPage": request.build_absolute_uri(column.get_absolute_url()),
        "inLanguage": "nl",
        "wordCount": column.word_count,
        "keywords": [theme.name for theme in column.themes.all()],
        "author": {"@type": "Person", "name": column.author.name, "url": author_url},
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static("icons/icon-512.png")),
            },
        },
        "image": request.build_absolute_uri(static("icons/icon-512.png")),
        "dateModified": column.updated_at.isoformat(),
    }
    if column.header_image:
        shared = social(column.header_image, request)
        data["image"] = {
            "@type": "ImageObject",
            "url": shared.url,
            "width": shared.width,
            "height": shared.height,
            "caption": column.header_image.alt_text,
        }
    if column.published_at:
        data["datePublished"] = column.published_at.isoformat()
        data["dateModified"] = max(column.updated_at, column.published_at).isoformat()
    return data


def breadcrumb_json_ld(column, request):
    """schema.org BreadcrumbList of the column page: Home › theme › column, the same
    trail the page shows."""
    trail = [("Home", reverse("articles:home"))]
    theme = column.breadcrumb_theme
    if theme:
        trail.append((theme.name[:1].upper() + theme.name[1:], theme.get_absolute_url()))
    else:
        trail.append(("Columns", reverse("articles:column_list")))
    trail.append((column.title, column.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }
