from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone

from . import extensions
from .admin_editor import ColumnEditorMixin
from .admin_revisions import RevisionAdminMixin
from .models import Author, Column, Theme


@admin.register(Column)
class ColumnAdmin(ColumnEditorMixin, RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at", "theme_list", "updated_at"]
    list_filter = ["status", "author", "themes", "published_at"]
    list_select_related = ["author"]
    search_fields = ["title", "lead", "body", "author__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "lead", "body", "themes"]}),
        ("Publicatie", {"fields": ["status", "published_at", "reactions_closed"]}),
        ("Bron", {"fields": ["source_name", "source_url"], "classes": ["collapse"]}),
        ("Geschiedenis", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")

    def get_search_results(self, request, queryset, search_term):
        """The site's search engine (see articles.extensions), over drafts and
        scheduled columns too."""
        found = extensions.search_columns(queryset, search_term)
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        return found, False

    @admin.display(description="thema's")
    def theme_list(self, obj):
        return ", ".join(theme.name for theme in obj.themes.all())

    @admin.action(description="Geselecteerde columns publiceren", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        count = 0
        for column in queryset.exclude(status=Column.Status.PUBLISHED):
            column.status = Column.Status.PUBLISHED
            column.published_at = column.published_at or now
            column.save()
            count += 1
        self.message_user(request, f"{count} column(s) gepubliceerd.", messages.SUCCESS)

    @admin.action(
        description="Publicatie van geselecteerde columns intrekken", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = 0
        for column in queryset.filter(status=Column.Status.PUBLISHED):
            column.status = Column.Status.DRAFT
            column.save()
            count += 1
        self.message_user(request, f"{count} column(s) teruggezet naar concept.", messages.SUCCESS)


@admin.register(Author)
class AuthorAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "role", "column_count"]
    ordering = ["name"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(column_count=Count("columns"))

    @admin.display(description="columns", ordering="column_count")
    def column_count(self, obj):
        return obj.column_count


@admin.register(Theme)
class ThemeAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "featured", "column_count"]
    list_editable = ["featured"]
    list_filter = ["featured"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(column_count=Count("themed_columns"))

    @admin.display(description="columns", ordering="column_count")
    def column_count(self, obj):
        return obj.column_count
