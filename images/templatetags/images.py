from django import template

from images import html, renditions

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


@register.simple_tag(takes_context=True)
def social_image(context, image):
    """{% social_image image as shared %}: the rendition for link previews (Open
    Graph), about 1200 pixels wide in the image's own type: shared.url (absolute),
    shared.width, shared.height."""
    return renditions.social(image, context["request"])
