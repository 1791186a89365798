from django.contrib import admin

from .models import Delivery, Subscriber, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["kind", "theme", "author", "reaction", "frequency", "created_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at"]
    inlines = [SubscriptionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["column", "subscriber", "claimed_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["column", "subscriber"]
    readonly_fields = ["column", "subscriber", "batch", "claimed_at", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
