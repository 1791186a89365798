"""The HTML that shows a library image: <picture> with a WebP and a fallback srcset,
width and height against layout shift, and lazy loading unless it is at the top.

Built here from the image's own texts, escaped; columns put `figure()` into their
stored HTML when they are saved, and pages call `picture()` through the `images`
template tags.
"""

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from . import renditions as made

# A column's text column: the measure of the site's CSS (38rem of 17px), full width
# minus the page margins on small screens.
BODY_SIZES = "(min-width: 42rem) 646px, calc(100vw - 2.5rem)"


def srcset(renditions):
    return ", ".join(f"{r.file.url} {r.width}w" for r in renditions)


def picture(image, *, sizes=BODY_SIZES, lazy=True, css_class="", renditions=None):
    """<picture> for `image`; `renditions` when they were fetched already."""
    if renditions is None:
        renditions = made.make(image)
    by_format = {}
    for rendition in renditions:
        by_format.setdefault(rendition.format, []).append(rendition)
    fallback_format = image.format if image.format in by_format else "WEBP"
    fallback = by_format.get(fallback_format, [])
    if not fallback:
        return ""
    # The src for browsers without srcset: about the width of the text column.
    src = min(fallback, key=lambda r: abs(r.width - 800))
    largest = fallback[-1]
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        (
            (f"image/{fmt.lower()}", srcset(items), sizes)
            for fmt, items in by_format.items()
            if fmt != fallback_format
        ),
    )
    loading = (
        mark_safe(' loading="lazy" decoding="async"')
        if lazy
        else mark_safe(' fetchpriority="high" decoding="async"')
    )
    return format_html(
        '<picture{}>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}>'
        "</picture>",
        format_html(' class="{}"', css_class) if css_class else "",
        sources,
        src.file.url,
        srcset(fallback),
        sizes,
        largest.width,
        largest.height,
        image.alt_text,
        loading,
    )


def figure(image, *, sizes=BODY_SIZES, lazy=True, css_class="figure"):
    """<figure> with the picture and, when there is one, a caption and the credit."""
    caption = ""
    if image.caption or image.credit:
        credit = (
            format_html('<span class="figure__credit">Beeld: {}</span>', image.credit)
            if image.credit
            else ""
        )
        caption = format_html(
            "<figcaption>{}{}{}</figcaption>",
            image.caption,
            " " if image.caption and credit else "",
            credit,
        )
    return format_html(
        '<figure class="{}">{}{}</figure>',
        css_class,
        picture(image, sizes=sizes, lazy=lazy),
        caption,
    )


def absolute(html, base):
    """`html` with the site-relative addresses of its images made absolute (feeds)."""
    base = base.rstrip("/")
    html = html.replace(' src="/', f' src="{escape(base)}/')
    return _absolute_srcsets(html, base)


def _absolute_srcsets(html, base):
    parts = html.split(' srcset="')
    for index in range(1, len(parts)):
        value, quote, rest = parts[index].partition('"')
        candidates = [
            f"{base}{item.strip()}" if item.strip().startswith("/") else item.strip()
            for item in value.split(",")
        ]
        parts[index] = ", ".join(candidates) + quote + rest
    return ' srcset="'.join(parts)
