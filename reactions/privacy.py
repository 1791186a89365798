"""What the privacy commands (export_reactions, anonymise_reactions) also cover.

Apps that keep personal data keyed by an e-mail address and build on reactions
register here from their AppConfig.ready() (reactions imports none of them):

    privacy.register("subscriptions", export=export, erase=erase)

`export(email)` returns JSON-serialisable data; `erase(email)` deletes or
anonymises it and returns how many records it touched.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Holder:
    name: str
    export: Callable
    erase: Callable


holders = {}


def register(name, *, export, erase):
    holders[name] = Holder(name, export, erase)


def export_all(email):
    return {name: holder.export(email) for name, holder in holders.items()}


def erase_all(email):
    return {name: holder.erase(email) for name, holder in holders.items()}
