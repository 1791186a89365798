"""The CSRF tokens the page cache fills in (ops.csrf) are Django's, minted more cheaply."""

import collections

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CsrfViewMiddleware,
    _unmask_cipher_token,
)
from django.middleware.csrf import get_token as django_get_token
from django.test import RequestFactory

from ops import csrf


def reader(secret=None):
    """A request as CsrfViewMiddleware has seen it, with or without a CSRF cookie."""
    request = RequestFactory().get("/")
    if secret:
        request.COOKIES["csrftoken"] = secret
    CsrfViewMiddleware(lambda request: None).process_request(request)
    return request


def post(secret, token):
    """What CsrfViewMiddleware says to a form posted with `token` and cookie `secret`."""
    request = RequestFactory().post("/", {"csrfmiddlewaretoken": token})
    request.COOKIES["csrftoken"] = secret
    middleware = CsrfViewMiddleware(lambda request: None)
    middleware.process_request(request)
    return middleware.process_view(request, lambda request: None, (), {})


def test_a_reader_without_a_cookie_gets_a_new_secret_that_the_token_hides():
    request = reader()
    token = csrf.get_token(request)
    secret = request.META["CSRF_COOKIE"]

    assert len(secret) == 32 and len(token) == 64
    assert set(secret + token) <= set(CSRF_ALLOWED_CHARS)
    assert secret not in token
    assert _unmask_cipher_token(token) == secret
    # CsrfViewMiddleware sends the new secret as the cookie.
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_every_reader_gets_a_secret_of_their_own():
    secrets = set()
    for _ in range(20):
        request = reader()
        csrf.get_token(request)
        secrets.add(request.META["CSRF_COOKIE"])
    assert len(secrets) == 20


def test_a_reader_with_a_cookie_keeps_the_secret_and_gets_a_fresh_mask():
    secret = csrf._random_string()
    request = reader(secret)
    tokens = {csrf.get_token(request) for _ in range(5)}

    assert request.META["CSRF_COOKIE"] == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert len(tokens) == 5
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}


@pytest.mark.parametrize("get_token", [csrf.get_token, django_get_token])
def test_the_token_passes_djangos_check(get_token):
    request = reader()
    token = get_token(request)
    assert post(request.META["CSRF_COOKIE"], token) is None


def test_a_token_for_another_secret_is_refused():
    mine, theirs = reader(), reader()
    csrf.get_token(mine)
    assert post(mine.META["CSRF_COOKIE"], csrf.get_token(theirs)).status_code == 403


def test_every_character_is_equally_likely(monkeypatch):
    """Each of the 62 characters comes from exactly 4 of the 256 byte values; the
    8 remaining values are dropped rather than folded onto some characters."""
    every_byte = bytes(range(256))
    monkeypatch.setattr(csrf.secrets, "token_bytes", lambda n: every_byte)

    chars = csrf._random_string(248)

    assert collections.Counter(chars) == dict.fromkeys(CSRF_ALLOWED_CHARS, 4)


def test_more_random_bytes_are_read_when_too_many_were_dropped(monkeypatch):
    reads = iter([bytes([255] * 30 + [0, 1]), bytes(range(100))])
    monkeypatch.setattr(csrf.secrets, "token_bytes", lambda n: next(reads))

    assert csrf._random_string() == "ab" + CSRF_ALLOWED_CHARS[:30]


@pytest.mark.parametrize("length", [1, 32, 100])
def test_random_strings_have_the_length_asked_for(length):
    value = csrf._random_string(length)
    assert len(value) == length and set(value) <= set(CSRF_ALLOWED_CHARS)
