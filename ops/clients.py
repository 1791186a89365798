"""Who is asking: the client's address and per-client rate limits.

Both live in one place because flood control (reactions) and the admin login limit
must agree on who a client is, and must count in the cache that every app server
shares (the database or Redis), never in one process's memory.
"""

import hashlib
import ipaddress
import re
import time

from django.conf import settings
from django.core.cache import cache

# Clients that are no reader: crawlers, link previews, scripts, monitors, feed readers,
# headless browsers, and an empty user agent.
BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|embedly|preview|headless|"
    r"python-|curl/|wget/|httpclient|scrapy|lighthouse|monitor|feed|^$",
    re.IGNORECASE,
)
PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def is_bot_or_prefetch(request):
    """Whether `request` comes from a bot (by its user agent) or announces a prefetch:
    not a reader's own visit, so not counted (figures) nor logged (search)."""
    meta = request.META
    if any("prefetch" in meta.get(header, "").lower() for header in PREFETCH_HEADERS):
        return True
    return bool(BOT.search(meta.get("HTTP_USER_AGENT", "")))


def client_address(request):
    """The address of the client that sent `request`.

    X-Forwarded-For is believed only when the direct peer is a trusted proxy
    (setting TRUSTED_PROXIES); then the right-most address that is not itself a
    trusted proxy is the client. Anyone else's X-Forwarded-For is ignored.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _is_valid_address(hop):
            break
        if not is_trusted_proxy(hop):
            return hop
    return peer


def _is_valid_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def is_trusted_proxy(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def _key(scope, identity):
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:32]
    return f"rate:{scope}:{digest}"


def allow_once_per(scope, identity, seconds):
    """True for the first event of `identity` in `scope` within `seconds`, False after."""
    if seconds <= 0:
        return True
    return cache.add(_key(scope, identity) + ":once", 1, timeout=seconds)


def allow_count(scope, identity, limit, period):
    """Count one event; True while there were at most `limit` in the last `period`
    seconds.

    Events are counted in fixed windows of `period` seconds, and the current and the
    previous window are added up: every span of `period` seconds lies within those
    two, so no span ever holds more than `limit` allowed events (the price: after a
    burst the limit can hold for up to two periods)."""
    if limit <= 0:
        return True
    key = _window_key(scope, identity, period)
    cache.add(key, 0, timeout=2 * period)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=2 * period)
    return count_of(scope, identity, period) <= limit


def count_of(scope, identity, period):
    """Events counted by `allow_count` in the current and the previous window."""
    keys = [_window_key(scope, identity, period, back) for back in (0, 1)]
    return sum(cache.get_many(keys).values())


def reset(scope, identity, period):
    cache.delete_many([_window_key(scope, identity, period, back) for back in (0, 1)])


def _clock():
    return time.time()


def _window_key(scope, identity, period, back=0):
    window = int(_clock() // period) - back
    return f"{_key(scope, identity)}:{window}"
