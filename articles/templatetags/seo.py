import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.seo import breadcrumb_json_ld, column_json_ld

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script>.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data):
    data = json.dumps(data, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(data.translate(JSON_SCRIPT_ESCAPES)),
    )


@register.simple_tag(takes_context=True)
def column_structured_data(context, column):
    """<script type="application/ld+json"> with the column as a schema.org Article."""
    return json_ld_script(column_json_ld(column, context["request"]))


@register.simple_tag(takes_context=True)
def column_breadcrumb_data(context, column):
    """<script type="application/ld+json"> with the page's breadcrumbs."""
    return json_ld_script(breadcrumb_json_ld(column, context["request"]))
