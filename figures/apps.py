import atexit

from django.apps import AppConfig


class FiguresConfig(AppConfig):
    """Reading figures: views of columns counted on the server, "Meest gelezen",
    and "Columns in cijfers" in the admin."""

    name = "figures"
    verbose_name = "Leescijfers"

    def ready(self):
        from django.core.signals import request_finished

        from articles import extensions

        from . import counter
        from .views import most_read_context

        extensions.register_page_part("home", "figures/most_read.html", most_read_context)
        extensions.register_page_part("theme", "figures/most_read.html", most_read_context)
        # After the response has gone out, so no reader waits for it.
        request_finished.connect(counter.flush_when_due, dispatch_uid="figures.flush")
        atexit.register(counter.flush_quietly)
