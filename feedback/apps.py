from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """ "Was dit nuttig?" under every column, and what readers answered."""

    name = "feedback"
    verbose_name = "Was dit nuttig?"

    def ready(self):
        from articles import extensions

        from .views import column_page_context

        extensions.register_column_page_part("feedback/column_part.html", column_page_context)
