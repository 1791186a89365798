"""Reads over replicas (ops/replicas.py): which database a request reads from.

The replica here is a second alias of the test database, as the settings make each
replica a TEST mirror of the primary; what the replica would answer to its lag query
is set by each test. The test views say where the router sends a read
(`QuerySet.db`), without running a query.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.http import JsonResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from articles.models import Author, Column
from ops import pagecache, replicas

from .reactions import page_cache_on

ALIAS = "replica_1"


def where(request):
    return JsonResponse({"read": Column.objects.all().db})


def write_then_read(request):
    before = Column.objects.all().db
    Author.objects.create(name="Nieuwe auteur", slug="nieuwe-auteur")
    return JsonResponse({"before": before, "after": Column.objects.all().db})


def read_in_a_transaction(request):
    with transaction.atomic():
        Author.objects.count()
        return JsonResponse({"read": Column.objects.all().db})


def fails_on_a_replica(request):
    alias = Column.objects.all().db
    if alias != replicas.PRIMARY:
        raise OperationalError("the replica went away")
    return JsonResponse({"read": alias})


urlpatterns = [
    path("test/waar/", where),
    path("test/schrijven/", write_then_read),
    path("test/transactie/", read_in_a_transaction),
    path("test/kapot/", fails_on_a_replica),
    path("", include("kb.urls")),
]


pytestmark = pytest.mark.django_db(transaction=True, databases=[replicas.PRIMARY, ALIAS])


@pytest.fixture(scope="module", autouse=True)
def _replica_alias():
    """The replica's alias: another connection to the test database (committed data
    only, hence transactional tests), made a TEST mirror as the settings do."""
    connections.settings[ALIAS] = {
        **connections[replicas.PRIMARY].settings_dict,
        "TEST": {"MIRROR": replicas.PRIMARY},
    }
    yield
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


@pytest.fixture
def replica(settings, monkeypatch):
    """The replica in use, as the settings configure it; `replica["state"]` is what
    measuring it gives."""
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_ROUTERS = ["ops.replicas.ReplicaRouter"]
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "ops.replicas.ReplicaMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    settings.ROOT_URLCONF = __name__
    measured = {"state": replicas.Measurement("ok", 0.0), "times": 0}

    def measure(alias):
        assert alias == ALIAS
        measured["times"] += 1
        return measured["state"]

    monkeypatch.setattr(replicas, "measure", measure)
    monkeypatch.setattr(replicas, "health", replicas.Health())
    return measured


def read_from(client, url="/test/waar/", **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.json()["read"]


def test_a_public_read_goes_to_the_replica(client, replica):
    assert read_from(client) == ALIAS
    assert client.head("/test/waar/").status_code == 200


def settle_changes():
    """The last change to public content is older than any replica's lag: what is
    kept under its generation (search's synonyms, say) may be read from a replica."""
    started = time.time() - replicas.pin_seconds() - 1
    pagecache.cache.set(pagecache.GENERATION_KEY, f"{started:.3f}-ouder", timeout=None)


def test_public_pages_read_their_columns_from_the_replica(client, replica, column):
    settle_changes()
    with (
        CaptureQueriesContext(connections[ALIAS]) as on_replica,
        CaptureQueriesContext(connections[replicas.PRIMARY]) as on_primary,
    ):
        for url in ("/", column.get_absolute_url(), "/zoeken/?q=klant", "/feed/"):
            assert client.get(url).status_code == 200
    assert any("articles_column" in query["sql"] for query in on_replica)
    assert not any("articles_column" in query["sql"] for query in on_primary)


def test_the_admin_reads_from_the_primary(editor_client, replica, column):
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        assert editor_client.get("/admin/articles/column/").status_code == 200
        assert editor_client.get(f"/admin/articles/column/{column.pk}/change/").status_code == 200
    assert len(on_replica) == 0


def test_the_rest_of_a_request_that_wrote_reads_from_the_primary(client, replica):
    response = client.get("/test/schrijven/")
    assert response.json() == {"before": ALIAS, "after": replicas.PRIMARY}


def test_reads_inside_a_transaction_on_the_primary_stay_there(client, replica):
    assert read_from(client, "/test/transactie/") == replicas.PRIMARY


def test_code_outside_a_request_reads_from_the_primary(replica):
    assert Column.objects.all().db == replicas.PRIMARY


def test_a_post_pins_the_browser_to_the_primary_for_a_while(client, replica, column):
    answered = client.post(f"/columns/{column.slug}/nuttig/", {"antwoord": "ja"})
    assert answered.status_code == 302
    pin = answered.cookies[replicas.PIN_COOKIE]
    assert pin["max-age"] == replicas.pin_seconds() == 5 + 1 + 1
    assert pin["httponly"]
    assert read_from(client) == replicas.PRIMARY
    # A reader who did not post still reads from the replica.
    client.cookies.clear()
    assert read_from(client) == ALIAS


def test_a_reader_who_reacted_reads_the_column_from_the_primary(
    client, replica, column, post_reaction
):
    assert post_reaction(column).status_code == 302
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        assert client.get(column.get_absolute_url()).status_code == 200
    assert len(on_replica) == 0


def test_an_old_or_forged_pin_is_ignored(client, replica, settings, column):
    settings.SIGNING_BACKEND = "tests.reactions.SignerOfLastYear"
    client.post(f"/columns/{column.slug}/nuttig/", {"antwoord": "ja"})
    settings.SIGNING_BACKEND = "django.core.signing.TimestampSigner"
    assert replicas.PIN_COOKIE in client.cookies
    assert read_from(client) == ALIAS
    client.cookies[replicas.PIN_COOKIE] = "1"
    assert read_from(client) == ALIAS


@pytest.mark.parametrize(
    "measurement",
    [
        replicas.Measurement("lagging", 12.5),
        replicas.Measurement("lagging", None),
        replicas.Measurement("down"),
        replicas.Measurement("not_a_replica"),
    ],
)
def test_a_replica_that_lags_or_is_down_is_skipped(client, replica, measurement):
    replica["state"] = measurement
    assert read_from(client) == replicas.PRIMARY


def test_a_replica_is_measured_once_a_second_per_process_not_per_read(client, replica, monkeypatch):
    monkeypatch.setattr(replicas, "CHECK_SECONDS", 3600)
    for _ in range(3):
        assert read_from(client) == ALIAS
    assert replica["times"] == 1


def test_a_view_that_loses_its_replica_runs_again_on_the_primary(client, replica):
    assert read_from(client, "/test/kapot/") == replicas.PRIMARY
    # The replica is left alone for a while: the next request reads the primary.
    assert read_from(client) == replicas.PRIMARY
    assert replica["times"] == 1


def test_a_request_with_an_unsafe_method_reads_from_the_primary(client, replica):
    response = client.post("/test/waar/")
    assert response.json() == {"read": replicas.PRIMARY}
    # It wrote nothing, so it pins nobody: a client cannot keep itself on the primary
    # by sending forms that are refused.
    assert replicas.PIN_COOKIE not in response.cookies


def test_a_refused_form_pins_nobody(client, replica, column):
    refused = client.post(f"/columns/{column.slug}/reageren/", {"naam": "Robot"})
    assert refused.status_code == 400
    assert replicas.PIN_COOKIE not in refused.cookies


def test_a_page_cached_under_a_young_change_is_read_from_the_primary(
    client, replica, settings, column
):
    page_cache_on(settings)  # a change just now
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        assert client.get("/").status_code == 200
    assert len(on_replica) == 0
    settle_changes()
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        assert client.get("/columns/").status_code == 200
    assert any("articles_column" in query["sql"] for query in on_replica)


def test_healthz_reports_each_replica(client, replica):
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "replicas": {ALIAS: {"state": "ok", "lag_seconds": 0.0}},
    }
    replica["state"] = replicas.Measurement("down")
    response = client.get("/healthz")
    assert response.status_code == 200  # the site still answers, from the primary
    assert response.json()["replicas"] == {ALIAS: {"state": "down", "lag_seconds": None}}


def test_healthz_without_replicas_is_as_before(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_a_database_that_is_not_a_streaming_replica_is_never_read_from():
    """The real lag query, on the test database: a primary on PostgreSQL, and
    SQLite cannot answer it at all."""
    measured = replicas.measure(replicas.PRIMARY)
    expected = {"postgresql": "not_a_replica", "sqlite": "down"}
    assert measured.state == expected[connections[replicas.PRIMARY].vendor]
    assert not measured.usable


def replica_settings(**env):
    """What kb/settings.py makes of `env`, read in a fresh process, as JSON."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        " print(json.dumps({'replicas': {a: s.DATABASES[a] for a in s.DATABASE_REPLICAS},"
        " 'routers': s.DATABASE_ROUTERS, 'middleware': s.MIDDLEWARE[:3],"
        " 'max_lag': s.REPLICA_MAX_LAG_SECONDS}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "kb.settings", "DJANGO_SECRET_KEY": "x"}
        | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    return result


def test_without_replica_urls_nothing_is_installed():
    configured = json.loads(replica_settings(DATABASE_URL="postgres://u@db1/kb").stdout)
    assert configured["replicas"] == {}
    assert configured["routers"] == []
    assert "ops.replicas.ReplicaMiddleware" not in configured["middleware"]


def test_replica_urls_become_mirrored_aliases_with_a_short_connect_timeout():
    result = replica_settings(
        DATABASE_URL="postgres://u@db1/kb",
        DJANGO_DATABASE_REPLICA_URLS="postgres://u@db2/kb, postgres://u@db3:6432/kb",
        DJANGO_REPLICA_MAX_LAG_SECONDS="3",
    )
    configured = json.loads(result.stdout)
    assert list(configured["replicas"]) == ["replica_1", "replica_2"]
    second = configured["replicas"]["replica_2"]
    assert (second["HOST"], second["PORT"], second["NAME"]) == ("db3", 6432, "kb")
    assert second["OPTIONS"]["connect_timeout"] == 2
    assert second["TEST"]["MIRROR"] == "default"
    assert configured["routers"] == ["ops.replicas.ReplicaRouter"]
    assert configured["middleware"][1] == "ops.replicas.ReplicaMiddleware"
    assert configured["max_lag"] == 3


def test_a_replica_must_be_postgresql_and_so_must_the_primary():
    not_postgres = replica_settings(
        DATABASE_URL="postgres://u@db1/kb", DJANGO_DATABASE_REPLICA_URLS="sqlite:///copy.db"
    )
    assert "ImproperlyConfigured: DJANGO_DATABASE_REPLICA_URLS holds PostgreSQL" in (
        not_postgres.stderr
    )
    on_sqlite = replica_settings(DJANGO_DATABASE_REPLICA_URLS="postgres://u@db2/kb")
    assert "ImproperlyConfigured: DJANGO_DATABASE_REPLICA_URLS needs a PostgreSQL" in (
        on_sqlite.stderr
    )
