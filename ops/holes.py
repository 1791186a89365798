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
import functools
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
    return _mark_for(settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _mark_for(secret_key):
    digest = hashlib.sha256(f"holes:{secret_key}".encode()).hexdigest()[:16]
    return f"kbhole{digest}"


@functools.lru_cache(maxsize=8)
def _pattern(mark):
    return re.compile(rb"<!--" + mark.encode() + rb":([A-Za-z0-9_=-]+)-->")


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


def split(content):
    """`content` (UTF-8 bytes) cut at its placeholders: a tuple with the text
    between them at even positions and (name, args) of each placeholder at odd
    ones. Done once per cached page; fill_in() then only computes the values."""
    mark = _mark()
    if mark.encode() not in content:
        return (content,)
    pieces = _pattern(mark).split(content)
    for index in range(1, len(pieces), 2):
        name, args = json.loads(base64.urlsafe_b64decode(pieces[index]))
        pieces[index] = (name, tuple(args))
    return tuple(pieces)


def fill_in(request, parts):
    """The page cut up by split(), with this request's value in every placeholder."""
    if len(parts) == 1:
        return parts[0]
    return b"".join(
        part if index % 2 == 0 else value(request, part[0], *part[1]).encode()
        for index, part in enumerate(parts)
    )


def fill(request, content):
    """`content` (UTF-8 bytes) with every placeholder replaced by this request's value."""
    return fill_in(request, split(content))


# Django's CSRF token, masked afresh for every page; a reader without a CSRF cookie
# gets a new secret, which CsrfViewMiddleware sends as the cookie.
@register("csrf_token")
def csrf_token(request):
    return get_token(request)


@register("csrf_input")
def csrf_input(request):
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
