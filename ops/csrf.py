"""Django's CSRF token, minted with one read of the OS's random source.

``django.middleware.csrf.get_token`` draws every character of a new secret and of
every mask with ``secrets.choice``: one ``os.urandom`` call per character, 64 for
a reader without a CSRF cookie. On a page served from the page cache that is most
of the work of a request. ``get_token`` below returns exactly what Django's does
(a 32-character secret in ``request.META["CSRF_COOKIE"]``, which
``CsrfViewMiddleware`` sends as the cookie, and a freshly masked 64-character
token for the form), with the same entropy per character, but reads the random
bytes for a string in one call and maps them onto the alphabet by rejection
sampling, so every character stays uniformly distributed.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_SIZE = len(CSRF_ALLOWED_CHARS)
# Bytes below 248 (4 x 62) map evenly onto the 62 characters; larger ones are
# dropped, so no character is more likely than another.
_LIMIT = 256 - 256 % _SIZE
_TO_CHARS = bytes.maketrans(
    bytes(range(_LIMIT)), "".join(CSRF_ALLOWED_CHARS[b % _SIZE] for b in range(_LIMIT)).encode()
)
_DROPPED = bytes(range(_LIMIT, 256))
_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def _random_string(length=CSRF_SECRET_LENGTH):
    """`length` characters, each uniformly one of CSRF_ALLOWED_CHARS."""
    chars = b""
    while len(chars) < length:
        # With 8 spare bytes a second read is needed about once in 300,000 strings.
        chars += secrets.token_bytes(length + 8).translate(_TO_CHARS, _DROPPED)
    return chars[:length].decode()


def _mask(secret):
    """The secret under a fresh mask, as django.middleware.csrf masks it."""
    mask = _random_string()
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % _SIZE]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def get_token(request):
    """What django.middleware.csrf.get_token returns, and with the same effect:
    a new secret when the request brought none, and the cookie (re)sent with the
    response by CsrfViewMiddleware."""
    if "CSRF_COOKIE" not in request.META:
        request.META["CSRF_COOKIE"] = _random_string()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return _mask(request.META["CSRF_COOKIE"])
