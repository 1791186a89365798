from django.contrib import admin
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html

from . import html, renditions, services
from .forms import ALT_TEXT_GUIDANCE, ImageForm
from .models import Image

# How many images the editor's picker shows at once.
PICKER_LIMIT = 60


def thumbnail(image, width=160):
    """The smallest WebP rendition of `image` (prefetched), or None."""
    webp = [r for r in image.renditions.all() if r.format == "WEBP"]
    return min(webp, key=lambda r: abs(r.width - width * 2)) if webp else None


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["preview_small", "alt_text", "caption", "credit", "size", "uploaded_at"]
    list_display_links = ["preview_small", "alt_text"]
    search_fields = ["alt_text", "caption", "credit", "original_filename"]
    date_hierarchy = "uploaded_at"
    list_per_page = 40

    class Media:
        css = {"all": ["css/newsroom.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_fieldsets(self, request, obj=None):
        texts = {
            "fields": ["alt_text", "caption", "credit"],
            "description": ALT_TEXT_GUIDANCE,
        }
        if obj is None:
            return [(None, {"fields": ["upload"]}), ("Teksten bij het beeld", texts)]
        return [
            (None, {"fields": ["preview", "reference", "details", "upload"]}),
            ("Teksten bij het beeld", texts),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["preview", "reference", "details"] if obj else []

    def changeform_view(self, request, *args, **kwargs):
        # The admin saves in a transaction that may still roll back after the file
        # was stored: then the file goes too.
        with services.cleanup_on_failure():
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if form.clean_image is not None:
            upload = form.cleaned_data["upload"]
            services.image_store(obj, form.clean_image, filename=upload.name, user=request.user)
        else:
            obj.save()

    def get_urls(self):
        picker = self.admin_site.admin_view(self.picker_view)
        return [path("kiezer/", picker, name="images_image_picker"), *super().get_urls()]

    def picker_view(self, request):
        """JSON for the column editor's image picker: the newest images, or those whose
        texts match ?q=."""
        if not self.has_view_permission(request):
            return JsonResponse({"error": "Geen toegang tot de beeldbank."}, status=403)
        queryset = self.get_queryset(request)
        query = request.GET.get("q", "").strip()[:100]
        if request.GET.get("id", "").isdigit():
            queryset = queryset.filter(pk=int(request.GET["id"]))
        elif query:
            queryset, _ = self.get_search_results(request, queryset, query)
        items = []
        for image in queryset[:PICKER_LIMIT]:
            small = thumbnail(image) or next(iter(renditions.make(image)), None)
            items.append(
                {
                    "id": image.pk,
                    "reference": image.reference,
                    "alt": image.alt_text,
                    "caption": image.caption,
                    "label": str(image),
                    "thumbnail": small.file.url if small else "",
                    "width": image.width,
                    "height": image.height,
                }
            )
        return JsonResponse({"images": items})

    @admin.display(description="beeld")
    def preview_small(self, obj):
        small = thumbnail(obj, width=80)
        if small is None:
            return "—"
        return format_html(
            '<img class="image-thumb" src="{}" width="80" height="{}" alt="">',
            small.file.url,
            max(1, round(80 * obj.height / obj.width)),
        )

    @admin.display(description="voorbeeld")
    def preview(self, obj):
        return html.picture(obj, sizes="400px", css_class="image-preview")

    @admin.display(description="in een column")
    def reference(self, obj):
        return format_html(
            "<code>{}</code><br>Kies het beeld in de column-editor met ‘Beeld invoegen’; "
            "het komt dan als deze code in de tekst.",
            obj.reference,
        )

    @admin.display(description="bestand")
    def details(self, obj):
        return format_html(
            '{} × {} pixels, {}, {} KB · <a href="{}">origineel</a>',
            obj.width,
            obj.height,
            obj.get_format_display(),
            round(obj.file_size / 1024),
            obj.file.url,
        )

    @admin.display(description="afmetingen")
    def size(self, obj):
        return f"{obj.width} × {obj.height}"
