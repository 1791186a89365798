"""Writing a column in the admin: a tall text field with a live preview rendered by the
site's own Markdown pipeline, a word count and reading time, a Markdown help panel,
and images picked from the library (inline and as header image).

Without JavaScript the plain text field and the header image list still work; the
script (static/js/newsroom.js) only adds to them. `ColumnEditorMixin` goes before
admin.ModelAdmin in ColumnAdmin.
"""

from django import forms
from django.http import JsonResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html

from images import html as image_html
from images.models import Image

from .markdown import count_words, image_references, render_markdown
from .models import WORDS_PER_MINUTE

# The preview refuses texts longer than this many characters (a column is ~5,000).
PREVIEW_MAX_CHARS = 200_000


def reading_minutes(words):
    """As Column.reading_time: about 200 words a minute, at least 1."""
    return max(1, round(words / WORDS_PER_MINUTE))


def words_line(words):
    minutes = reading_minutes(words)
    return f"{words} woord{'' if words == 1 else 'en'} · {minutes} min lezen"


class EditorTextarea(forms.Textarea):
    """The column's text: a tall textarea, with the preview pane, the counter, the
    image picker and the Markdown help around it."""

    template_name = "admin/newsroom/editor.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"rows": 28, "cols": 80, "class": "newsroom-editor__text", **(attrs or {})}
        )

    class Media:
        css = {"all": ["css/newsroom.css"]}
        js = ["js/newsroom.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        try:
            picker = reverse("admin:images_image_picker")
            upload = reverse("admin:images_image_add")
        except NoReverseMatch:
            picker = upload = ""
        context["editor"] = {
            "preview_url": reverse("admin:articles_column_preview"),
            "picker_url": picker,
            "upload_url": upload,
            "words": words_line(count_words(value or "")),
        }
        return context


class HeaderImageSelect(forms.Select):
    """The header image: a list of the library (works without JavaScript); the script
    adds "Kies uit de beeldbank" and a thumbnail."""

    class Media:
        css = {"all": ["css/newsroom.css"]}
        js = ["js/newsroom.js"]

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-newsroom-header-image": "", **(attrs or {})}, choices)


def preview_figure(images):
    def figure(pk):
        image = images.get(pk)
        if image is None:
            return format_html(
                '<p class="newsroom-preview__missing">Beeld {} bestaat niet in de beeldbank.</p>',
                pk,
            )
        return image_html.figure(image)

    return figure


class ColumnEditorMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = EditorTextarea()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "header_image":
            kwargs["widget"] = HeaderImageSelect()
            kwargs["queryset"] = Image.objects.order_by("-uploaded_at", "-pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(options)) for name, options in super().get_fieldsets(request, obj)]
        for _, options in fieldsets:
            fields = list(options.get("fields", []))
            if "header_image" in fields:
                return fieldsets
            if "lead" in fields:
                fields.insert(fields.index("lead") + 1, "header_image")
                options["fields"] = fields
                return fieldsets
        return [*fieldsets, ("Beeld", {"fields": ["header_image"]})]

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("voorbeeld/", preview, name="articles_column_preview"), *super().get_urls()]

    def preview_view(self, request):
        """The text as the site will show it, for the editor's preview pane: staff only
        (admin_view), POST with a CSRF token, for who may add or change columns."""
        if request.method != "POST":
            return JsonResponse({"error": "Stuur de tekst met POST."}, status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            return JsonResponse({"error": "Je mag geen columns schrijven."}, status=403)
        body = request.POST.get("body", "")
        if len(body) > PREVIEW_MAX_CHARS:
            return JsonResponse(
                {"error": "De tekst is te lang voor het voorbeeld; opslaan kan wel."}, status=400
            )
        wanted = image_references(body)
        images = Image.objects.prefetch_related("renditions").in_bulk(wanted) if wanted else {}
        words = count_words(body)
        return JsonResponse(
            {
                "html": render_markdown(body, figures=preview_figure(images)),
                "words": words,
                "minutes": reading_minutes(words),
                "summary": words_line(words),
            }
        )
