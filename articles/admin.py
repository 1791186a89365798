from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Case, Count, Q, Value, When
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.text import capfirst, smart_split, unescape_string_literal
from django.utils.translation import ngettext

from . import extensions
from .admin_editor import ColumnEditorMixin
from .admin_revisions import RevisionAdminMixin
from .forms import ThemeSelect, ThemesField
from .models import Author, Column, Theme


class StateFilter(admin.SimpleListFilter):
    """Concept, Gepland or Gepubliceerd: a scheduled column is not out yet."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("draft", "Concept"), ("scheduled", "Gepland"), ("published", "Gepubliceerd")]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.filter(status=Column.Status.DRAFT)
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
        return queryset


class ThemeFilter(admin.RelatedFieldListFilter):
    """The themes, and "Zonder thema" for columns that have none (Django: "-")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = "Zonder thema"


def matching_every_word(words, fields):
    """Each word occurs in one of `fields` (case-insensitive), as the admin's search does."""
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


# The state column sorts Concept, Gepland, Gepubliceerd.
STATE_ORDER = Case(
    When(status=Column.Status.DRAFT, then=Value(0)),
    When(published_at__gt=Now(), then=Value(1)),
    default=Value(2),
)


@admin.register(Column)
class ColumnAdmin(ColumnEditorMixin, RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["title", "author", "state", "published_at", "theme_list", "updated_at"]
    list_filter = [StateFilter, "author", ("themes", ThemeFilter), "published_at"]
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "themes":
            return ThemesField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                widget=ThemeSelect(db_field, self.admin_site),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """The site's search engine (see articles.extensions), over drafts and
        scheduled columns too."""
        found = extensions.search_columns(queryset, search_term)
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        return found, False

    @admin.display(description="status", ordering=STATE_ORDER)
    def state(self, obj):
        return obj.state

    @admin.display(description="thema's")
    def theme_list(self, obj):
        return ", ".join(theme.name for theme in obj.themes.all())

    @admin.action(description="Geselecteerde columns publiceren", permissions=["change"])
    def publish(self, request, queryset):
        """Put the selected columns on the site now. A scheduled column appears now
        instead of at its planned time; a column that was out before and was
        withdrawn keeps its original date."""
        now = timezone.now()
        selected = list(queryset)
        waiting = [column for column in selected if not column.is_public]
        with transaction.atomic():
            for column in waiting:
                column.status = Column.Status.PUBLISHED
                if column.published_at is None or column.published_at > now:
                    column.published_at = now
                column.save()
        if waiting:
            message = ngettext(
                "%(count)d column gepubliceerd.", "%(count)d columns gepubliceerd.", len(waiting)
            )
            self.message_user(request, message % {"count": len(waiting)}, messages.SUCCESS)
        else:
            message = ngettext(
                "De geselecteerde column stond al op de site.",
                "De geselecteerde columns stonden al op de site.",
                len(selected),
            )
            self.message_user(request, message, messages.WARNING)

    @admin.action(
        description="Publicatie van geselecteerde columns intrekken", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        """Back to Concept: published and scheduled columns alike."""
        selected = list(queryset)
        withdrawn = [column for column in selected if column.status == Column.Status.PUBLISHED]
        with transaction.atomic():
            for column in withdrawn:
                column.status = Column.Status.DRAFT
                column.save()
        if withdrawn:
            message = ngettext(
                "%(count)d column teruggezet naar concept.",
                "%(count)d columns teruggezet naar concept.",
                len(withdrawn),
            )
            self.message_user(request, message % {"count": len(withdrawn)}, messages.SUCCESS)
        else:
            message = ngettext(
                "De geselecteerde column was niet gepubliceerd of gepland.",
                "De geselecteerde columns waren niet gepubliceerd of gepland.",
                len(selected),
            )
            self.message_user(request, message, messages.WARNING)


@admin.register(Author)
class AuthorAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "role", "column_count"]
    ordering = ["name"]
    search_fields = ["name", "role"]  # in this order: see get_search_results
    prepopulated_fields = {"slug": ["name"]}

    def get_search_results(self, request, queryset, search_term):
        """Names first: the column form's author autocomplete (and the search box)
        offers the authors whose name holds every typed word. Only when no name
        does, the other fields (the role) are searched, so typing an organisation
        still finds its author, but "Hen" never offers someone who is "coachend"."""
        name_field, *other_fields = self.get_search_fields(request)
        words = [
            unescape_string_literal(word) if word[0] in "\"'" else word
            for word in smart_split(search_term)
        ]
        if not words:
            return queryset, False
        by_name = queryset.filter(matching_every_word(words, [name_field]))
        if by_name.exists() or not other_fields:
            return by_name, False
        return queryset.filter(matching_every_word(words, other_fields)), False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(column_count=Count("columns"))

    @admin.display(description="columns", ordering="column_count")
    def column_count(self, obj):
        return obj.column_count


@admin.register(Theme)
class ThemeAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "featured", "column_count", "on_site"]
    ordering = ["name"]  # also for the column form's theme autocomplete
    list_editable = ["featured"]
    list_filter = ["featured"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_visibility()
        return queryset.annotate(column_count=Count("themed_columns"))

    @admin.display(description="columns", ordering="column_count")
    def column_count(self, obj):
        return obj.column_count

    @admin.display(description="op de site", ordering="is_public")
    def on_site(self, obj):
        """Readers see a theme once a published column has it (Theme.objects.public())."""
        return "ja" if obj.is_public else "nee"
