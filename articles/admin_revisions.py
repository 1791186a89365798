"""Revisions in the admin: every save recorded with the editor and a note, a history
per object, comparing any two versions, and restoring one as a new revision.

`RevisionAdminMixin` goes before admin.ModelAdmin in ColumnAdmin, AuthorAdmin and
ThemeAdmin; it brings its own form (the note field), views and templates.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst

from . import revisions

HISTORY_PER_PAGE = 50


class RevisionNoteForm(forms.ModelForm):
    revision_note = forms.CharField(
        label="Notitie bij deze versie",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="Waarom je dit wijzigt, voor wie later de geschiedenis leest. Alleen de "
        "redactie ziet het.",
    )


class RevisionAdminMixin:
    form = RevisionNoteForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        return [*fieldsets, ("Versie", {"fields": ["revision_note"]})]

    # --- Recording ---------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with revisions.recording(user=request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("revision_note", "")
        if note:
            revisions.reversion.set_comment(note)
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        action = request.POST.get("action")
        actions = self.get_actions(request)
        if action in actions:
            description = str(actions[action].description) % {
                "verbose_name_plural": self.opts.verbose_name_plural
            }
            note = f"Bulkactie: {description}"
        else:
            note = "Gewijzigd in het overzicht"
        with revisions.recording(user=request.user, note=note):
            return super().changelist_view(request, extra_context)

    # --- History, compare, restore -----------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/versies/vergelijk/",
                view(self.compare_view),
                name=f"{prefix}_compare",
            ),
            path(
                "<path:object_id>/versies/<int:version_id>/terugzetten/",
                view(self.restore_view),
                name=f"{prefix}_restore",
            ),
            *super().get_urls(),
        ]

    def _object_or_denied(self, request, object_id, change=False):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"{capfirst(self.opts.verbose_name)} {object_id} bestaat niet.")
        allowed = (
            self.has_change_permission(request, obj)
            if change
            else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj

    def _context(self, request, obj, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(obj),
            "opts": self.opts,
            "object": obj,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "can_restore": self.has_change_permission(request, obj),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self._object_or_denied(request, object_id)
        versions = list(revisions.versions_of(obj))
        rows = []
        for index, version in enumerate(versions):
            older = versions[index + 1] if index + 1 < len(versions) else None
            rows.append(
                {
                    "version": version,
                    "changes": (
                        revisions.describe(revisions.compare(older, version))
                        if older
                        else "eerste versie"
                    ),
                    "is_current": index == 0,
                }
            )
        page = Paginator(rows, HISTORY_PER_PAGE).get_page(request.GET.get("p"))
        context = self._context(
            request,
            obj,
            f"Geschiedenis van {obj}",
            page=page,
            count=len(versions),
            compare_url=reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_compare", args=[obj.pk]
            ),
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/history.html", context)

    def _version(self, obj, version_id):
        return get_object_or_404(revisions.versions_of(obj), pk=version_id)

    def compare_view(self, request, object_id):
        obj = self._object_or_denied(request, object_id)
        form = CompareForm(request.GET)
        if not form.is_valid():
            messages.error(request, "Kies twee verschillende versies om te vergelijken.")
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", obj.pk)
        first = self._version(obj, form.cleaned_data["van"])
        second = self._version(obj, form.cleaned_data["naar"])
        old, new = sorted([first, second], key=lambda v: (v.revision.date_created, v.pk))
        context = self._context(
            request,
            obj,
            f"Versies van {obj} vergelijken",
            old=old,
            new=new,
            changes=revisions.compare(old, new),
            current=revisions.versions_of(obj).first(),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        obj = self._object_or_denied(request, object_id, change=True)
        version = self._version(obj, version_id)
        current = revisions.versions_of(obj).first()
        if request.method == "POST":
            try:
                notes = revisions.restore(obj, version, user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, f"Terugzetten lukte niet: {message}")
            else:
                messages.success(
                    request,
                    f"De versie van {revisions.when(version)} is teruggezet als nieuwe "
                    "versie; de geschiedenis blijft bewaard.",
                )
                for note in notes:
                    messages.warning(request, note)
                return redirect(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk
                )
        context = self._context(
            request,
            obj,
            f"{obj}: versie terugzetten",
            version=version,
            changes=(
                revisions.compare(current, version, fields=revisions.RESTORED[self.model])
                if current
                else []
            ),
            current=current,
            kept=[
                capfirst(self.model._meta.get_field(name).verbose_name)
                for name in revisions.KEPT[self.model]
                if name not in revisions.RESTORED[self.model]
            ],
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/restore.html", context)


class CompareForm(forms.Form):
    van = forms.IntegerField()
    naar = forms.IntegerField()

    def clean(self):
        data = super().clean()
        if data.get("van") is not None and data.get("van") == data.get("naar"):
            raise ValidationError("Kies twee verschillende versies.")
        return data
