import pytest
from django.core.cache import cache
from django.test import RequestFactory

from ops.clients import allow_count, allow_once_per, client_address, count_of


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()


def request_from(peer, forwarded=None):
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_forwarded_for_is_ignored_from_untrusted_peers(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_forwarded_for_is_believed_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = request_from("10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.5")
    assert client_address(request) == "198.51.100.7"


def test_garbage_in_forwarded_for_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_address(request_from("10.0.0.1", "<script>, ")) == "10.0.0.1"


def test_allow_once_per(db):
    assert allow_once_per("test", "a", 30)
    assert not allow_once_per("test", "a", 30)
    assert allow_once_per("test", "b", 30)
    assert allow_once_per("test", "a", 0)


def test_allow_count(db):
    results = [allow_count("test", "a", limit=3, period=3600) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert count_of("test", "a", 3600) == 5
    assert allow_count("test", "b", limit=3, period=3600)


def test_allow_count_holds_across_a_window_boundary(db, monkeypatch):
    now = [3599.0]  # one second before a new one-hour window
    monkeypatch.setattr("ops.clients._clock", lambda: now[0])
    assert allow_count("test", "c", limit=2, period=3600)
    now[0] = 3601.0  # the next window
    assert allow_count("test", "c", limit=2, period=3600)
    assert not allow_count("test", "c", limit=2, period=3600)
    assert count_of("test", "c", 3600) == 3
    now[0] = 3600.0 * 3  # two windows later everything is forgotten
    assert allow_count("test", "c", limit=2, period=3600)
