"""What the admin pages of several apps share."""


class NothingToEdit:
    """A ModelAdmin mixin for pages that show or report, never edit: no add, change or
    delete, whatever the user's permissions (the view permission decides who sees them)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
