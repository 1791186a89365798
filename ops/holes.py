"""Per-request values in cached pages ("hole punching").

A cached page is shared by every anonymous reader, so anything that must differ
per request (a CSRF token, a signed form token with the time it was issued) is
kept out of the cached HTML: the template writes a placeholder, and the page
cache fills every placeholder again on each request, cached or not.

Other apps register their own per-request values::

    from ops import holes

    @holes.register("reaction_form_token")
    def reaction_form_token(request, column_id):
        return make_token(column_id)

and use them in a template with ``{% load per_request %}`` and
``{% per_request "reaction_form_token" column.pk %}``. A value is escaped unless
the function returns a SafeString. Arguments must be JSON-serialisable.
"""

import base64
import hashlib
import json
import re

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

_registry = {}


def register(name):
    def decorator(function):
        _registry[name] = function
        return function

    return decorator


def _mark():
    # Derived from the secret key, so text in a page cannot forge a placeholder.
    digest = hashlib.sha256(f"holes:{settings.SECRET_KEY}".encode()).hexdigest()[:16]
    return f"kbhole{digest}"


def placeholder(name, *args):
    if name not in _registry:
        raise KeyError(f"No per-request value named {name!r} is registered.")
    encoded = base64.urlsafe_b64encode(json.dumps([name, list(args)]).encode()).decode()
    return mark_safe(f"<!--{_mark()}:{encoded}-->")


def value(request, name, *args):
    return conditional_escape(_registry[name](request, *args))


def render(request, name, *args):
    """What a template writes: a placeholder when the page may be cached, else the value."""
    if getattr(request, "page_cache_holes", False):
        return placeholder(name, *args)
    return value(request, name, *args)


def fill(request, content):
    """`content` (UTF-8 bytes) with every placeholder replaced by this request's value."""
    mark = _mark().encode()
    if mark not in content:
        return content
    pattern = re.compile(rb"<!--" + mark + rb":([A-Za-z0-9_=-]+)-->")

    def replace(match):
        name, args = json.loads(base64.urlsafe_b64decode(match.group(1)))
        return value(request, name, *args).encode()

    return pattern.sub(replace, content)


@register("csrf_token")
def csrf_token(request):
    return get_token(request)


@register("csrf_input")
def csrf_input(request):
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
