"""Importing a WordPress export in the admin: upload, read the dry run, confirm.

The list page of "WordPress-imports" is the upload form; only editors with the
permission "Mag een WordPress-export importeren" (transfer.import_wordpress) see it.
The file waits in the database (PendingImport) between the dry run and the
confirmation, so whichever app server gets the confirmation can run it.
"""

import io
import zlib
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from ops.admin import NothingToEdit

from .importer import Importer
from .models import LegacyAddress, PendingImport
from .report import KINDS
from .wordpress import WordPressSource
from .wxr import ImportError_

PERMISSION = "transfer.import_wordpress"
# Entries listed on the page; the summary table counts them all.
MAX_LISTED = 2000


class UploadForm(forms.Form):
    file = forms.FileField(
        label="WordPress-export",
        help_text="Het XML-bestand uit WordPress: Extra → Exporteren → Alle inhoud.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TRANSFER_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Het bestand is groter dan {filesizeformat(limit)}. Importeer het met het "
                "commando import_wordpress (zie de documentatie)."
            )
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError("Kies een XML-bestand (.xml) uit WordPress.")
        return upload


def dry_run(data):
    importer = Importer(dry_run=True, source="WordPress")
    source = WordPressSource(io.BytesIO(data), report=importer.report)
    importer.builder = source.build_many
    source.check()
    return importer.run(source.items())


@admin.register(PendingImport)
class WordPressImportAdmin(NothingToEdit, admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def get_urls(self):
        confirm = self.admin_site.admin_view(self.confirm_view)
        return [
            path("<int:pk>/bevestigen/", confirm, name="transfer_pendingimport_confirm"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "WordPress-export importeren",
            **extra,
        }

    def changelist_view(self, request, extra_context=None):
        """The upload form; a good upload is kept and its dry run shown."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data["file"].read()
                try:
                    dry_run(data)
                except ImportError_ as error:
                    form.add_error("file", str(error))
                else:
                    PendingImport.objects.filter(
                        uploaded_at__lt=timezone.now() - timedelta(days=1)
                    ).delete()
                    pending = PendingImport.objects.create(
                        filename=form.cleaned_data["file"].name[:255],
                        data=zlib.compress(data),
                        size=len(data),
                        uploaded_by=request.user,
                    )
                    return redirect("admin:transfer_pendingimport_confirm", pk=pending.pk)
            status = 400
        return TemplateResponse(
            request,
            "admin/transfer/upload.html",
            self._context(request, form=form, legacy_count=LegacyAddress.objects.count()),
            status=status,
        )

    def confirm_view(self, request, pk):
        """GET: the dry run of an upload; POST: import it."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        pending = get_object_or_404(PendingImport, pk=pk, uploaded_by=request.user)
        data = zlib.decompress(bytes(pending.data))
        if request.method == "POST":
            importer = Importer(source="WordPress", user=request.user)
            source = WordPressSource(io.BytesIO(data), report=importer.report)
            importer.builder = source.build_many
            try:
                source.check()
                importer.run(source.items())
            except ImportError_ as error:
                messages.error(request, str(error))
                return redirect("admin:transfer_pendingimport_changelist")
            with transaction.atomic():
                pending.delete()
            report = importer.report
            messages.success(request, report.headline())
            return self._report_page(request, pending, report, done=True)
        try:
            report = dry_run(data)
        except ImportError_ as error:
            messages.error(request, str(error))
            return redirect("admin:transfer_pendingimport_changelist")
        return self._report_page(request, pending, report, done=False)

    def _report_page(self, request, pending, report, *, done):
        # Columns first, then authors, themes, images and what was skipped.
        order = {kind: number for number, kind in enumerate(KINDS)}
        entries = sorted(report.entries, key=lambda entry: order.get(entry.kind, len(order)))
        entries = entries[:MAX_LISTED]
        return TemplateResponse(
            request,
            "admin/transfer/report.html",
            self._context(
                request,
                title="Import uitgevoerd" if done else "Proefdraai: controleer en bevestig",
                pending=pending,
                report=report,
                rows=report.rows(),
                entries=entries,
                hidden=len(report.entries) - len(entries),
                done=done,
                upload_url=reverse("admin:transfer_pendingimport_changelist"),
            ),
        )


@admin.register(LegacyAddress)
class LegacyAddressAdmin(admin.ModelAdmin):
    """The old addresses that redirect: to look up, and to remove one that should not."""

    list_display = ["__str__", "column"]
    search_fields = ["path", "column__title"]
    list_select_related = ["column"]
    readonly_fields = ["path", "post_id", "column"]

    def has_add_permission(self, request):
        return False
