"""Reads over PostgreSQL streaming replicas (``DJANGO_DATABASE_REPLICA_URLS``).

Who reads where. A request with a safe method (GET, HEAD), outside the admin, from
a browser that did not just write, reads from one replica, chosen per request among
those that answer and lag at most ``REPLICA_MAX_LAG_SECONDS``. Everything else reads
from the primary ("default"): every write; non-safe methods; the admin; the rest of
a request once it wrote; reads inside a transaction on the primary; the cache table
and sessions (rate limits and logins must see their own counts at once); and all
code outside a request: management commands, migrations, tests, the digest mailer.

Read-your-writes across requests: a request with a non-safe method that wrote (a
reaction, an answer to "Was dit nuttig?", an editor's save) sends a signed cookie that
pins the browser to the primary for ``pin_seconds()``: after that, every replica still in use
has replayed the write (see ``pin_seconds``). The cookie also takes that browser
past the page cache (it is not a neutral cookie), so its next page is rendered anew.

A replica's state is measured at most every ``CHECK_SECONDS`` per process, not per
query. Django connects lazily, so a replica can also fail in the middle of a
request: a safe request whose view fails with a connection error on a replica marks
that replica down for ``RETRY_SECONDS`` and runs the view once more on the primary,
so the reader gets the page, not an error.
"""

import contextvars
import dataclasses
import logging
import random
import time
from contextlib import suppress

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.urls import reverse

logger = logging.getLogger("ops.replicas")

PRIMARY = "default"
# Apps whose tables are read from the primary always: the shared cache (rate limits,
# the page cache's generation) and sessions.
PRIMARY_APPS = frozenset({"django_cache", "sessions"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# How often a process measures a replica's lag, and how long it leaves alone a
# replica that did not answer before trying it again.
CHECK_SECONDS = 1
RETRY_SECONDS = 5
PIN_COOKIE = "kb_primair"
PIN_SALT = "ops.replicas.pin"

# Streaming, and replayed everything it received: caught up (lag 0), however long
# ago the primary last committed. Otherwise the age of the last transaction it
# replayed, which grows while it falls behind (and is NULL before the first one).
LAG_SQL = """
    SELECT pg_is_in_recovery(),
           pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
               AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
           EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float
"""


def pin_seconds():
    """How long a write keeps a browser on the primary. A replica in use lagged at
    most REPLICA_MAX_LAG_SECONDS when it was measured, at most CHECK_SECONDS ago, so
    by then it has replayed whatever committed longer ago than their sum; one second
    more covers rounding and clocks."""
    return settings.REPLICA_MAX_LAG_SECONDS + CHECK_SECONDS + 1


@dataclasses.dataclass
class RequestState:
    """Where the reads of the running request go."""

    primary: bool  # every read goes to the primary
    replica: str | None = None  # the replica chosen at the first read
    wrote: bool = False  # it wrote to a table other than the cache's and the sessions'


_request = contextvars.ContextVar("replica_request", default=None)


def use_primary():
    """The rest of the running request (if any) reads from the primary."""
    state = _request.get()
    if state is not None:
        state.primary = True


def primary_until_replicated(changed_at):
    """What the running request reads will be kept as of a change made at
    `changed_at` (seconds since the epoch; a cached page, say): while a replica may
    not have replayed that change, read from the primary, or the old state would be
    kept under the new change's name."""
    if changed_at is None or time.time() - changed_at < pin_seconds():
        use_primary()


@dataclasses.dataclass
class Measurement:
    state: str  # "ok", "lagging", "down", or "not_a_replica" (not in recovery)
    lag_seconds: float | None = None

    @property
    def usable(self):
        return self.state == "ok"


def measure(alias):
    """The state and lag of the replica `alias`, measured now."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, caught_up, lag = cursor.fetchone()
    except DatabaseError:
        with suppress(DatabaseError):
            connection.close()  # the next use connects afresh
        return Measurement("down")
    if not in_recovery:
        # Promoted, or the primary itself: it no longer follows the primary's writes.
        return Measurement("not_a_replica")
    lag = 0.0 if caught_up else lag
    if lag is None or lag > settings.REPLICA_MAX_LAG_SECONDS:
        return Measurement("lagging", lag)
    return Measurement("ok", round(lag, 3))


class Health:
    """What this process last measured of each replica, and when to measure again."""

    def __init__(self):
        self.known = {}  # alias -> (Measurement, time.monotonic() of the next check)

    def check(self, alias):
        measurement = measure(alias)
        wait = RETRY_SECONDS if measurement.state == "down" else CHECK_SECONDS
        self.known[alias] = (measurement, time.monotonic() + wait)
        return measurement

    def usable(self, alias):
        measurement, next_check = self.known.get(alias, (None, 0))
        if time.monotonic() >= next_check:
            measurement = self.check(alias)
        return measurement.usable

    def mark_down(self, alias):
        self.known[alias] = (Measurement("down"), time.monotonic() + RETRY_SECONDS)

    def pick(self):
        """A usable replica, at random, or None."""
        usable = [alias for alias in settings.DATABASE_REPLICAS if self.usable(alias)]
        return random.choice(usable) if usable else None


health = Health()


def report():
    """Each replica's state measured now, for /healthz."""
    return {alias: dataclasses.asdict(health.check(alias)) for alias in settings.DATABASE_REPLICAS}


def _read_alias(model):
    state = _request.get()
    if (
        state is None
        or state.primary
        or model._meta.app_label in PRIMARY_APPS
        or connections[PRIMARY].in_atomic_block
    ):
        return PRIMARY
    if state.replica is None:
        state.replica = health.pick() or PRIMARY
    return state.replica


class ReplicaRouter:
    """Reads as decided for the running request; writes, and migrations, on the primary."""

    def db_for_read(self, model, **hints):
        return _read_alias(model)

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None and model._meta.app_label not in PRIMARY_APPS:
            # The rest of a request that wrote reads what it wrote.
            state.primary = state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


def _admin_prefix():
    return reverse("admin:index")


def _pinned(request):
    return (
        request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT, max_age=pin_seconds())
        is not None
    )


class ReplicaMiddleware:
    """Decides per request whether its reads may go to a replica (see the module's
    docstring), pins a browser that wrote to the primary, and runs a view that lost
    its replica once more on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        primary = (
            request.method not in SAFE_METHODS
            or request.path_info.startswith(_admin_prefix())
            or _pinned(request)
        )
        state = RequestState(primary=primary)
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if request.method not in SAFE_METHODS and state.wrote:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=pin_seconds(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        state = _request.get()
        if (
            request.method not in SAFE_METHODS
            or not isinstance(exception, OperationalError | InterfaceError)
            or state is None
            or state.replica in (None, PRIMARY)
        ):
            return None
        logger.warning(
            "Replica %s failed (%s); serving %s from the primary.",
            state.replica,
            exception,
            request.path,
        )
        health.mark_down(state.replica)
        state.primary = True
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
