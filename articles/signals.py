"""Signals the content sends for other apps (see articles.extensions for the rest).

`columns_loaded`: columns were written in bulk without their `post_save` signals
(`loaddata` in `load_seed`); whatever is derived from them (the
search index) must be brought up to date. Sent inside the loading transaction.
"""

from django.dispatch import Signal

columns_loaded = Signal()
