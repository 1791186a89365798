from django import template

from images import html

register = template.Library()


@register.simple_tag
def picture(image, sizes=html.BODY_SIZES, lazy=True, css_class=""):
    """{% picture image %}: the responsive <picture> of a library image ("" for None)."""
    if image is None:
        return ""
    return html.picture(image, sizes=sizes, lazy=lazy, css_class=css_class)


@register.simple_tag
def figure(image, sizes=html.BODY_SIZES, lazy=True, css_class="figure"):
    if image is None:
        return ""
    return html.figure(image, sizes=sizes, lazy=lazy, css_class=css_class)
