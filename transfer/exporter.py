"""Taking the columns out: Markdown files with their media, and a WordPress export."""

import posixpath
import shutil
from datetime import UTC
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.db.models import Prefetch
from django.utils import timezone

from articles.markdown import IMAGE_REFERENCE
from articles.models import Column, ThemedColumn
from images.models import Image
from reactions.models import Reaction

from .markdown_files import front_matter


def _themes():
    themes = {}
    for column_id, name in ThemedColumn.objects.values_list("content_object_id", "tag__name"):
        themes.setdefault(column_id, []).append(name)
    return {key: sorted(names) for key, names in themes.items()}


def export_markdown(folder):
    """Every column as <slug>.md, the library images they show in media/. Returns
    (columns, images) written."""
    folder = Path(folder)
    media = folder / "media"
    media.mkdir(parents=True, exist_ok=True)
    themes = _themes()
    written_images = {}
    count = 0
    storage = Image._meta.get_field("file").storage
    for column in Column.objects.select_related("author").order_by("pk").iterator(chunk_size=500):
        wanted = {int(n) for n in IMAGE_REFERENCE.findall(column.body)}
        images = Image.objects.in_bulk(wanted) if wanted else {}
        for pk, image in images.items():
            if pk not in written_images:
                name = f"{pk}-{posixpath.basename(image.file.name)}"
                with storage.open(image.file.name, "rb") as source, open(media / name, "wb") as out:
                    shutil.copyfileobj(source, out)
                written_images[pk] = name

        def line(match, images=images):
            image = images.get(int(match[1]))
            if image is None:
                return ""
            caption = image.caption.replace('"', "'")
            title = f' "{caption}"' if caption else ""
            return f"![{image.alt_text}](media/{written_images[image.pk]}{title})"

        body = IMAGE_REFERENCE.sub(line, column.body)
        text = front_matter(column, themes.get(column.pk, [])) + body.rstrip("\n") + "\n"
        (folder / f"{column.slug}.md").write_text(text, encoding="utf-8")
        count += 1
    return count, len(written_images)


# --- WordPress ----------------------------------------------------------------------------

WXR_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
"""


def cdata(text):
    """Text in CDATA, as WordPress writes it ("]]>" split over two sections)."""
    return "<![CDATA[" + str(text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_date(moment):
    if moment is None:
        return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
    local = timezone.localtime(moment)
    gmt = moment.astimezone(UTC)
    return local.strftime("%Y-%m-%d %H:%M:%S"), gmt.strftime("%Y-%m-%d %H:%M:%S")


def export_wordpress(out, *, site_url):
    """A WXR 1.2 file on `out` (a text stream): authors, themes as tags, columns as
    posts with their approved reactions as comments. Returns the number of posts."""
    from articles.models import Author, Theme

    site_url = site_url.rstrip("/")
    write = out.write
    write(WXR_HEAD)
    write("<title>Kennisbank</title>\n")
    write(f"<link>{escape(site_url)}</link>\n<description></description>\n")
    write(f"<pubDate>{format_datetime(timezone.now())}</pubDate>\n<language>nl-NL</language>\n")
    write("<wp:wxr_version>1.2</wp:wxr_version>\n")
    write(f"<wp:base_site_url>{escape(site_url)}</wp:base_site_url>\n")
    write(f"<wp:base_blog_url>{escape(site_url)}</wp:base_blog_url>\n")
    for author in Author.objects.order_by("pk"):
        first, _, last = author.name.partition(" ")
        write(
            "<wp:author>"
            f"<wp:author_id>{author.pk}</wp:author_id>"
            f"<wp:author_login>{cdata(author.slug)}</wp:author_login>"
            "<wp:author_email></wp:author_email>"
            f"<wp:author_display_name>{cdata(author.name)}</wp:author_display_name>"
            f"<wp:author_first_name>{cdata(first)}</wp:author_first_name>"
            f"<wp:author_last_name>{cdata(last)}</wp:author_last_name>"
            "</wp:author>\n"
        )
    for theme in Theme.objects.order_by("pk"):
        write(
            f"<wp:tag><wp:term_id>{theme.pk}</wp:term_id>"
            f"<wp:tag_slug>{cdata(theme.slug)}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(theme.name)}</wp:tag_name></wp:tag>\n"
        )
    themes = _themes()
    count = 0
    approved = Reaction.objects.approved().order_by("created_at", "pk")
    columns = (
        Column.objects.select_related("author")
        .prefetch_related(Prefetch("reactions", queryset=approved, to_attr="approved_reactions"))
        .order_by("pk")
    )
    for column in columns.iterator(chunk_size=500):
        local, gmt = wp_date(column.published_at)
        if column.status == Column.Status.PUBLISHED:
            status = "publish" if column.is_public else "future"
        else:
            status = "draft"
        link = site_url + column.get_absolute_url()
        date = column.published_at or column.created_at
        write("<item>\n")
        write(f"<title>{cdata(column.title)}</title>\n<link>{escape(link)}</link>\n")
        write(f"<pubDate>{format_datetime(date.astimezone(UTC))}</pubDate>\n")
        write(f"<dc:creator>{cdata(column.author.slug)}</dc:creator>\n")
        write(f'<guid isPermaLink="false">{escape(site_url)}/?p={column.pk}</guid>\n')
        write("<description></description>\n")
        write(f"<content:encoded>{cdata(column.body_html)}</content:encoded>\n")
        write(f"<excerpt:encoded>{cdata(column.lead)}</excerpt:encoded>\n")
        write(f"<wp:post_id>{column.pk}</wp:post_id>\n")
        write(f"<wp:post_date>{cdata(local)}</wp:post_date>\n")
        write(f"<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n")
        write(
            "<wp:comment_status>open</wp:comment_status><wp:ping_status>closed</wp:ping_status>\n"
        )
        write(f"<wp:post_name>{cdata(column.slug)}</wp:post_name>\n")
        write(f"<wp:status>{status}</wp:status>\n<wp:post_parent>0</wp:post_parent>\n")
        write("<wp:menu_order>0</wp:menu_order>\n<wp:post_type>post</wp:post_type>\n")
        write("<wp:post_password></wp:post_password>\n<wp:is_sticky>0</wp:is_sticky>\n")
        for name in themes.get(column.pk, []):
            slug = name.replace(" ", "-")
            write(
                f'<category domain="post_tag" nicename={quoteattr(slug)}>{cdata(name)}</category>\n'
            )
        reactions = column.approved_reactions
        shown = {reaction.pk for reaction in reactions}
        for reaction in reactions:
            parent = reaction.parent_id if reaction.parent_id in shown else 0
            local_c, gmt_c = wp_date(reaction.created_at)
            write(
                "<wp:comment>"
                f"<wp:comment_id>{reaction.pk}</wp:comment_id>"
                f"<wp:comment_author>{cdata(reaction.name)}</wp:comment_author>"
                f"<wp:comment_author_email>{cdata(reaction.email)}</wp:comment_author_email>"
                "<wp:comment_author_url></wp:comment_author_url>"
                "<wp:comment_author_IP></wp:comment_author_IP>"
                f"<wp:comment_date>{cdata(local_c)}</wp:comment_date>"
                f"<wp:comment_date_gmt>{cdata(gmt_c)}</wp:comment_date_gmt>"
                f"<wp:comment_content>{cdata(reaction.body)}</wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved>"
                "<wp:comment_type>comment</wp:comment_type>"
                f"<wp:comment_parent>{parent}</wp:comment_parent>"
                "<wp:comment_user_id>0</wp:comment_user_id>"
                "</wp:comment>\n"
            )
        write("</item>\n")
        count += 1
    write("</channel>\n</rss>\n")
    return count
