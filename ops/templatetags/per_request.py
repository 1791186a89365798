from django import template

from ops import holes

register = template.Library()


@register.simple_tag(takes_context=True)
def per_request(context, name, *args):
    """A value computed for every request, also on pages served from the page cache."""
    return holes.render(context["request"], name, *args)
