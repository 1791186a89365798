from django.apps import AppConfig


def no_context(request, **objects):
    """The follow form needs only the page's own `theme` or `author`."""
    return {}


class SubscriptionsConfig(AppConfig):
    """Following themes, authors, all columns or a reaction's answers by e-mail; and
    the share links under a column."""

    name = "subscriptions"
    verbose_name = "Volgen per e-mail"

    def ready(self):
        from articles import extensions
        from reactions import privacy, signals

        from . import receivers, services, views

        extensions.register_column_page_part("subscriptions/share.html", views.share_context)
        for page in ("theme", "author"):
            extensions.register_page_part(page, "subscriptions/follow_form.html", no_context)
        signals.reply_notification_requested.connect(
            receivers.reply_notification_requested, dispatch_uid="subscriptions.replies_asked"
        )
        signals.reactions_approved.connect(
            receivers.reactions_approved, dispatch_uid="subscriptions.replies_approved"
        )
        privacy.register("subscriptions", export=services.export, erase=services.erase)
