"""The public pages, cached whole in the shared cache (database or Redis).

Who gets a cached page: anonymous GET/HEAD requests for a URL in one of
PAGE_CACHE_NAMESPACES that carry no cookies other than the CSRF cookie (and
PAGE_CACHE_NEUTRAL_COOKIES). Anything else (a session, messages, a "remember me"
cookie) goes to the view, and so does every other URL (admin, /healthz).

What is stored: 200 HTML (and JSON) responses that set no
cookie of their own, did not change the session and are not marked private or
no-cache (``never_cache`` opts a view out), with the headers that the view and the
middleware below this one gave them. CSRF inputs are cut out before storing and
every per-request value (see ``ops.holes``) is filled in again on each request.
The middleware above this one (CSRF, security headers) runs for every request.

Invalidation: every entry carries the "generation" it was rendered in; a change
to a model registered with ``invalidate_on_change`` sets a new generation when its
transaction commits, so all older entries stop matching at once, on every app
server. Entries also never outlive the next scheduled change (e.g. a column
planned for publication), see ``register_expiry``.
"""

import collections
import contextvars
import functools
import hashlib
import logging
import re
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from . import holes, replicas

logger = logging.getLogger("ops.pagecache")

# The database cache culls the keys that sort first: this one sorts after the pages'
# ("pagecache:page:…"), so a cull rarely takes it (and with it every cached page).
GENERATION_KEY = "pagecache:zgeneration"
# The format of a stored page; part of its key, so code that stores pages another
# way (during a rolling deploy, say) never reads these.
ENTRY_FORMAT = 2
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[A-Za-z0-9]*">')
# What a CSRF token looks like: 64 letters and digits on their own, in both cases
# (a token has both but for one time in 10^15; a hex digest never has).
CSRF_TOKEN_LIKE = re.compile(
    r"(?<![A-Za-z0-9])(?=[a-z0-9]*[A-Z])(?=[A-Z0-9]*[a-z])[A-Za-z0-9]{64}(?![A-Za-z0-9])"
)

# Pages, and the JSON answers of public URLs (search suggestions, say).
STORED_TYPES = ("text/html", "application/json")

_expiry_providers = []


class RecentPages:
    """The pages this process served last, so a hit need not fetch the page itself
    from the shared cache: an entry is used only while its generation is the
    shared cache's current one, so it is exactly as fresh as the shared copy.
    Each is kept already cut at its per-request values (``holes.split``)."""

    def __init__(self, size):
        self.size = size
        self.entries = collections.OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        entry = {**entry, "parts": holes.split(entry["content"])}
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return entry


_recent = RecentPages(size=500)


class SQLiteWatch:
    """Tells cheaply whether an SQLite database may have changed since last asked.

    On the single-machine set-up the shared cache is a table in the site's SQLite
    file, and reading the generation from it is most of the cost of a cached page
    (~40 µs). SQLite keeps two counters that move on every change: `PRAGMA
    data_version` changes when another connection (another worker, a management
    command) committed, and the connection's `total_changes` when it wrote itself.
    While neither moved, nothing in the file changed, so neither did the generation
    (~4 µs). The counters are read *before* the value they vouch for, so a change
    committed in between is seen on the next request.
    """

    def __init__(self):
        self.local = threading.local()  # Django's connections are per thread too

    def counters(self, raw):
        return raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes

    def value(self, raw, read):
        """What `read()` returns, read again only when the database on the connection
        `raw` changed since the last call in this thread."""
        before = self.counters(raw)
        remembered = getattr(self.local, "remembered", None)
        if remembered is not None and remembered[0] is raw and remembered[1] == before:
            return remembered[2]
        value = read()
        # The reader's own writes (the cache deleting expired keys) are not changes.
        self.local.remembered = (raw, (before[0], raw.total_changes), value)
        return value


_watch = SQLiteWatch()


def _generation():
    """The current generation, as cache.get(GENERATION_KEY) gives it."""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        connection = connections[router.db_for_read(backend.cache_model_class)]
        # Only in autocommit: a transaction rolled back after the read would take the
        # value back without moving the counters.
        if (
            connection.vendor == "sqlite"
            and connection.get_autocommit()
            and not connection.in_atomic_block
        ):  # get_autocommit() has connected
            return _watch.value(connection.connection, lambda: cache.get(GENERATION_KEY))
    return cache.get(GENERATION_KEY)


def _new_generation():
    """A generation that says when it started: "<seconds since the epoch>-<random>"."""
    return f"{time.time():.3f}-{uuid.uuid4().hex}"


def _started_at(generation):
    """When `generation` started, or None when it does not say."""
    try:
        return float(generation.split("-", 1)[0])
    except ValueError:
        return None


def _started(generation):
    """`generation`, or a new one when there is none (after a cache flush or cull).

    Whoever asks keeps what the request reads under this generation (a page, the
    suggestions): while a read replica may still lag behind the change that started
    it, the request reads from the primary.
    """
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    replicas.primary_until_replicated(_started_at(generation))
    return generation


# The generation a page being rendered for the page cache will be stored under: read
# once per request, by the middleware.
_rendering = contextvars.ContextVar("pagecache_rendering", default=None)


def content_generation():
    """The current generation: it moves whenever a change to public content commits,
    on every app server. What a process keeps of public content in memory (search
    suggestions, say) is current while this is the same. While a page is rendered for
    the page cache, the generation it will be stored under, read once."""
    return _rendering.get() or _started(_generation())


def bump_generation():
    """Make every cached page stale, on every app server."""
    cache.set(GENERATION_KEY, _new_generation(), timeout=None)


def invalidate_on_change(model, when=None):
    """Bump the generation when the transaction that saves or deletes a `model`
    (or changes one of its many-to-many relations) commits. `when(instance)`, if
    given, decides whether a change matters to public pages."""

    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):
            # Fixtures (loaddata): bump once the data is in.
            transaction.on_commit(bump_generation)
            return
        if when is None or when(instance):
            transaction.on_commit(bump_generation)

    uid = f"pagecache:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=f"{uid}:{through}")


def register_expiry(provider):
    """`provider()` returns the next moment public pages change without anyone
    saving anything (or None); cached pages expire no later than that."""
    _expiry_providers.append(provider)
    return provider


def _timeout():
    timeout = settings.PAGE_CACHE_SECONDS
    now = timezone.now()
    for provider in _expiry_providers:
        moment = provider()
        if moment is not None:
            timeout = min(timeout, max(1, int((moment - now).total_seconds()) + 1))
    return timeout


def _request_may_use_cache(request):
    if request.method not in ("GET", "HEAD"):
        return False
    neutral = {settings.CSRF_COOKIE_NAME, *settings.PAGE_CACHE_NEUTRAL_COOKIES}
    if not set(request.COOKIES) <= neutral or "HTTP_AUTHORIZATION" in request.META:
        return False
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _namespace(request.path_info, urlconf) in settings.PAGE_CACHE_NAMESPACES


@functools.lru_cache(maxsize=4096)
def _namespace(path, urlconf):
    """The URL namespace of `path` (remembered: the URLconf does not change)."""
    try:
        return resolve(path, urlconf=urlconf).namespace
    except Resolver404:
        return None


def _key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pagecache:page:{ENTRY_FORMAT}:" + hashlib.sha256(address.encode()).hexdigest()


def _response_may_be_stored(request, response):
    if response.status_code != 200 or response.streaming:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-cache", "no-store")):
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def _shows_a_csrf_token(html):
    """True when `html` shows something like a CSRF token outside its per-request
    values: a token written with {{ csrf_token }}, say, or one issued for another
    request. Served from the cache it would reach readers it was not made for."""
    return any(CSRF_TOKEN_LIKE.search(part.decode()) for part in holes.split(html.encode())[::2])


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _request_may_use_cache(request):
            return self.get_response(request)
        request.page_cache_holes = True
        key = _key(request)
        local = _recent.get(key)
        try:
            if local is not None:
                # Only the (small) generation has to come from the shared cache.
                generation, entry = _generation(), local
            else:
                found = cache.get_many([GENERATION_KEY, key])
                generation, entry = found.get(GENERATION_KEY), found.get(key)
            # First page after a cache flush or cull: start a generation before
            # rendering, so a change saved while this page renders makes it stale.
            generation = _started(generation)
            cache_works = True
        except Exception:
            logger.warning("Page cache unavailable; serving without it.", exc_info=True)
            cache_works, generation, entry = False, None, None
        if (
            generation is not None
            and entry
            and entry["generation"] == generation
            and entry.get("expires", 0) > time.time()
        ):
            if local is None:
                entry = _recent.put(key, entry)
            return self._serve(request, entry)
        token = _rendering.set(generation)
        try:
            response = self.get_response(request)
        finally:
            _rendering.reset(token)
        if cache_works and response.get("Content-Type", "").startswith(STORED_TYPES):
            self._store(request, response, key, generation)
        return self._fill(request, response)

    def _serve(self, request, entry):
        response = HttpResponse(holes.fill_in(request, entry["parts"]), headers=entry["headers"])
        response["X-Page-Cache"] = "hit"
        return response

    def _store(self, request, response, key, generation):
        if not _response_may_be_stored(request, response):
            return
        html = CSRF_INPUT.sub(holes.placeholder("csrf_input"), response.content.decode())
        if _shows_a_csrf_token(html):
            logger.warning(
                "Not caching %s: it shows a CSRF token outside a per-request value.",
                request.path,
            )
            return
        if generation is None:
            return
        try:
            timeout = _timeout()
            entry = {
                "generation": generation,
                "content": html.encode(),
                # The length changes with the values filled in.
                "headers": {k: v for k, v in response.items() if k.lower() != "content-length"},
                "expires": time.time() + timeout,
            }
            cache.set(key, entry, timeout=timeout)
            _recent.put(key, entry)
        except Exception:
            logger.warning("Could not store %s in the page cache.", request.path, exc_info=True)
            return
        response["X-Page-Cache"] = "miss"

    def _fill(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content = response.content
        filled = holes.fill(request, content)
        if filled is not content:
            response.content = filled
        return response
