"""Signals reactions send for apps built on top of it (reactions imports none of them).

`reactions_approved`: reactions became visible on the site (approved when posted, by
a moderator, or an editor's answer). Sent when the transaction commits, with
`reactions`: a list of Reaction objects.

`reply_notification_requested`: a reader who just posted `reaction` ticked "Mail me
bij een antwoord op mijn reactie"; `request` is theirs (for absolute links).
"""

from django.db import transaction
from django.dispatch import Signal

reactions_approved = Signal()
reply_notification_requested = Signal()


def send_approved_on_commit(reaction_ids):
    """Send `reactions_approved` for these reactions once the transaction commits."""
    ids = list(reaction_ids)
    if not ids or not reactions_approved.has_listeners():
        return

    def send():
        from .models import Reaction

        reactions = list(Reaction.objects.filter(pk__in=ids).select_related("column", "parent"))
        if reactions:
            reactions_approved.send(sender=Reaction, reactions=reactions)

    transaction.on_commit(send)
