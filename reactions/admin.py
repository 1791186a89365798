import json

from django import forms
from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from . import privacy, services
from .models import ModerationWord, Reaction, TrustedAddress


class ReactionAdminForm(forms.ModelForm):
    reply = forms.CharField(
        label="Antwoord van de redactie",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Verschijnt meteen onder deze reactie, gemarkeerd als “Redactie”. "
        "Keur de reactie zelf ook goed: een antwoord op een reactie die niet op de site "
        "staat, is ook niet te zien.",
    )

    class Meta:
        model = Reaction
        fields = ["name", "body", "status"]


def counted_reactions(count):
    return f"{count} reactie" if count == 1 else f"{count} reacties"


def counted_addresses(count):
    return f"{count} e-mailadres" if count == 1 else f"{count} e-mailadressen"


PENDING_FIRST = Case(
    When(status=Reaction.Status.PENDING, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    form = ReactionAdminForm
    list_display = [
        "excerpt",
        "name",
        "email",
        "column",
        "status",
        "reason_shown",
        "created_at",
    ]
    list_display_links = ["excerpt"]
    list_filter = ["status", "reason", "by_editor", ("column", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["column"]
    search_fields = ["name", "email", "body", "column__title"]
    ordering = [PENDING_FIRST.asc(), "-created_at"]
    date_hierarchy = "created_at"
    actions = [
        "approve",
        "approve_and_trust",
        "mark_spam",
        "remove",
        "export_json",
        "anonymise_keep_text",
        "anonymise_remove_text",
    ]
    readonly_fields = [
        "column_link",
        "parent",
        "email",
        "reason_shown",
        "by_editor",
        "address_hash_kept",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    fieldsets = [
        (None, {"fields": ["column_link", "parent", "name", "email", "body", "status"]}),
        ("Moderatie", {"fields": ["reason_shown", "by_editor", "moderated_at", "moderated_by"]}),
        ("Privacy", {"fields": ["address_hash_kept", "created_at"]}),
        ("Antwoorden", {"fields": ["reply"]}),
    ]

    def has_add_permission(self, request):
        # Readers write reactions on the site; editors answer from a reaction's page.
        return False

    @admin.display(description="reactie")
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80) or "(tekst verwijderd)"

    @admin.display(description="reden", ordering="reason")
    def reason_shown(self, obj):
        if not obj.reason:
            return "—"
        label = obj.get_reason_display()
        return f"{label}: “{obj.reason_detail}”" if obj.reason_detail else label

    @admin.display(description="column")
    def column_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.column)

    @admin.display(description="adres-hash bewaard", boolean=True)
    def address_hash_kept(self, obj):
        return bool(obj.client_hash)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderated_at = timezone.now()
            obj.moderated_by = request.user
        super().save_model(request, obj, form, change)
        reply = form.cleaned_data.get("reply", "").strip()
        if reply:
            if not request.user.has_perm("reactions.add_reaction"):
                self.message_user(request, "Je mag geen antwoorden plaatsen.", messages.ERROR)
                return
            services.reaction_reply_by_editor(parent=obj, user=request.user, body=reply)
            self.message_user(request, "Je antwoord staat op de site.", messages.SUCCESS)

    def _moderate(self, request, queryset, status, done):
        count = services.reactions_moderate(reactions=queryset, status=status, user=request.user)
        if count:
            self.message_user(request, f"{counted_reactions(count)} {done}.", messages.SUCCESS)
        else:
            self.message_user(request, f"Geen reactie veranderd: ze waren al {done}.")

    @admin.action(description="Goedkeuren", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Reaction.Status.APPROVED, "goedgekeurd")

    @admin.action(description="Goedkeuren en dit e-mailadres vertrouwen", permissions=["change"])
    def approve_and_trust(self, request, queryset):
        count, emails = services.reactions_approve_and_trust(reactions=queryset, user=request.user)
        self.message_user(
            request,
            f"{counted_reactions(count)} goedgekeurd; {counted_addresses(len(emails))} vertrouwd.",
            messages.SUCCESS,
        )

    @admin.action(description="Markeren als spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Reaction.Status.SPAM, "als spam gemarkeerd")

    @admin.action(description="Verwijderen van de site", permissions=["change"])
    def remove(self, request, queryset):
        self._moderate(request, queryset, Reaction.Status.REMOVED, "verwijderd van de site")

    def _emails(self, queryset):
        return sorted({email for email in queryset.values_list("email", flat=True) if email})

    @admin.action(
        description="Alle reacties van deze e-mailadressen exporteren (JSON)",
        permissions=["view"],
    )
    def export_json(self, request, queryset):
        data = {email: services.reactions_export(email=email) for email in self._emails(queryset)}
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="reacties.json"'
        return response

    def _anonymise(self, request, queryset, remove_text):
        emails = self._emails(queryset)
        count = sum(
            services.reactions_anonymise(email=email, remove_text=remove_text) for email in emails
        )
        for email in emails:  # what other apps keep about the address (subscriptions)
            privacy.erase_all(email)
        self.message_user(
            request,
            f"{counted_reactions(count)} van {counted_addresses(len(emails))} geanonimiseerd.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Alle reacties van deze e-mailadressen anonimiseren (tekst blijft)",
        permissions=["change"],
    )
    def anonymise_keep_text(self, request, queryset):
        self._anonymise(request, queryset, remove_text=False)

    @admin.action(
        description="Alle reacties van deze e-mailadressen anonimiseren en de tekst wissen",
        permissions=["change"],
    )
    def anonymise_remove_text(self, request, queryset):
        self._anonymise(request, queryset, remove_text=True)


@admin.register(ModerationWord)
class ModerationWordAdmin(admin.ModelAdmin):
    list_display = ["phrase", "action", "created_at"]
    list_filter = ["action"]
    search_fields = ["phrase"]


@admin.register(TrustedAddress)
class TrustedAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "created_by"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
