"""The editors' side of search: Zoekinzicht (what readers search and fail to find),
synonym sets and recommended columns."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.html import format_html_join

from ops import reports
from ops.admin import NothingToEdit

from . import insight, log
from .dutch import analyse
from .models import Recommendation, RecommendedColumn, SearchLog, SynonymSet
from .synonyms import split


@admin.register(SearchLog)
class InsightAdmin(NothingToEdit, admin.ModelAdmin):
    """Zoekinzicht: a report, not a list of rows to edit. Seen by whoever may view the
    search log (the Redactie group)."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # This worker's own unwritten searches first; other workers write theirs
        # within SEARCH_LOG_FLUSH_SECONDS.
        log.flush_quietly()
        days = reports.period_from(request)
        kind = request.GET.get("csv")
        if kind in insight.CSV_KINDS:
            return insight.csv_response(days, kind)
        user = request.user
        context = {
            **self.admin_site.each_context(request),
            "title": "Zoekinzicht",
            "opts": self.model._meta,
            "can_add_synonym": user.has_perm("search.add_synonymset"),
            "can_recommend": user.has_perm("search.add_recommendation"),
            "can_add_column": user.has_perm("articles.add_column"),
            **insight.report_context(days),
        }
        return TemplateResponse(request, "admin/search/insight.html", context)


def _analysed(text, label):
    """The comma-separated words of a field, each of which must hold a searchable word."""
    words = split(text)
    for word in words:
        if not analyse(word):
            raise forms.ValidationError(f"{label}: “{word}” bevat geen letters of cijfers.")
    return words


class SynonymSetForm(forms.ModelForm):
    class Meta:
        model = SynonymSet
        fields = ["words", "also_find"]

    def clean_words(self):
        words = _analysed(self.cleaned_data["words"], "Woorden")
        if not words:
            raise forms.ValidationError("Vul minstens één woord in.")
        return ", ".join(words)

    def clean_also_find(self):
        return ", ".join(_analysed(self.cleaned_data["also_find"], "Vindt ook"))

    def clean(self):
        cleaned = super().clean()
        words, also_find = cleaned.get("words"), cleaned.get("also_find")
        if words is not None and not also_find and len(split(words)) < 2:
            raise forms.ValidationError(
                "Geef minstens twee woorden die elkaar vinden, of vul in wat dit woord ook"
                " vindt (alleen die kant op)."
            )
        return cleaned


@admin.register(SynonymSet)
class SynonymSetAdmin(admin.ModelAdmin):
    form = SynonymSetForm
    list_display = ["words", "direction", "also_find", "updated_at"]
    search_fields = ["words", "also_find"]

    @admin.display(description="richting")
    def direction(self, synonym_set):
        return "één kant op" if synonym_set.also_find else "over en weer"


class RecommendedColumnInline(admin.TabularInline):
    model = RecommendedColumn
    extra = RecommendedColumn.MAX_PER_QUERY
    max_num = RecommendedColumn.MAX_PER_QUERY
    autocomplete_fields = ["column"]
    fields = ["column", "position"]

    def get_formset(self, request, obj=None, **kwargs):
        """A fourth column is refused with a message, not saved."""
        return super().get_formset(request, obj, validate_max=True, **kwargs)


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["query", "until"]

    def clean_query(self):
        text = " ".join(self.cleaned_data["query"].split())
        if not analyse(text):
            raise forms.ValidationError("Geef een zoekopdracht met letters of cijfers.")
        return text


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    form = RecommendationForm
    inlines = [RecommendedColumnInline]
    list_display = ["query", "column_titles", "until", "updated_at"]
    search_fields = ["query", "columns__column__title"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("columns__column")

    def save_formset(self, request, form, formset, change):
        """Number the columns 1, 2, 3 in the order asked for (the form's order breaks
        ties), so "volgorde" may be left as it is."""
        super().save_formset(request, form, formset, change)
        pinned = sorted(form.instance.columns.all(), key=lambda item: (item.position, item.pk))
        for position, item in enumerate(pinned, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])

    @admin.display(description="aanbevolen columns")
    def column_titles(self, recommendation):
        return format_html_join(
            ", ", "{}", ((pinned.column.title,) for pinned in recommendation.columns.all())
        )
