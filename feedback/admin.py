from django.contrib import admin
from django.db.models import F, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from ops.admin import NothingToEdit

from .models import ColumnFeedback, Vote, score, vote_counts


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """What readers answered, with their reasons; read-only (an abusive text can go)."""

    list_display = ["created_at", "column", "answer", "reason", "short_comment"]
    list_filter = ["useful", "reason", "created_at"]
    list_select_related = ["column"]
    search_fields = ["column__title", "comment"]
    date_hierarchy = "created_at"
    fields = ["column", "useful", "reason", "comment", "created_at"]

    @admin.display(description="nuttig", boolean=True, ordering="useful")
    def answer(self, vote):
        return vote.useful

    @admin.display(description="toelichting")
    def short_comment(self, vote):
        return Truncator(vote.comment).chars(80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ColumnFeedback)
class ColumnFeedbackAdmin(NothingToEdit, admin.ModelAdmin):
    """Per column: how many readers found it useful, and a link to their reasons."""

    list_display = ["title", "yes", "no", "score", "reasons"]
    search_fields = ["title"]
    list_per_page = 50

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(**vote_counts())
        answered = Q(useful_yes__gt=0) | Q(useful_no__gt=0)
        return queryset.filter(answered).order_by(F("useful_no").desc(), "title")

    @admin.display(description="ja", ordering="useful_yes")
    def yes(self, column):
        return column.useful_yes

    @admin.display(description="nee", ordering="useful_no")
    def no(self, column):
        return column.useful_no

    @admin.display(description="nuttig")
    def score(self, column):
        value = score(column.useful_yes, column.useful_no)
        return "—" if value is None else f"{value}%"

    @admin.display(description="redenen")
    def reasons(self, column):
        if not column.useful_no:
            return "—"
        url = reverse("admin:feedback_vote_changelist")
        return format_html(
            '<a href="{}?column__id__exact={}&amp;useful__exact=0">Bekijk {} antwoord{}</a>',
            url,
            column.pk,
            column.useful_no,
            "" if column.useful_no == 1 else "en",
        )
