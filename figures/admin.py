from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from ops import reports
from ops.admin import NothingToEdit

from . import views
from .models import DailyViews


@admin.register(DailyViews)
class ColumnsInFiguresAdmin(NothingToEdit, admin.ModelAdmin):
    """ "Columns in cijfers": a report, not a list of rows to edit. Seen by whoever may
    view the figures (the Redactie group)."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        days = reports.period_from(request)
        kind = request.GET.get("csv")
        if kind in ("dagen", "columns"):
            return views.csv_response(days, kind)
        context = {
            **self.admin_site.each_context(request),
            "title": "Columns in cijfers",
            "opts": self.model._meta,
            **views.report_context(days),
        }
        return TemplateResponse(request, "admin/figures/report.html", context)
