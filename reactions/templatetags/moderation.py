from django import template

from reactions.models import Reaction

register = template.Library()


@register.simple_tag
def pending_reaction_count():
    """How many reactions wait for approval, for the admin index."""
    return Reaction.objects.pending().count()
