"""What backups treat specially, told by the apps that own it (ops imports no
domain app).

- `register_derived(model)`: rows computed from other rows (the search index's
  vocabulary, say). A restore does not count them when it checks that the target
  database is empty; the app rebuilds them when `restored` is sent.
- `restored`: sent after `manage.py restore` has put the data back.
"""

from django.dispatch import Signal

restored = Signal()

_derived = set()


def register_derived(model):
    _derived.add(model._meta.label_lower)
    return model


def is_derived(model):
    return model._meta.label_lower in _derived
