"""Helpers for the reaction tests: a browser as in production, a form token and a
form post."""

import re
import time

from django.core import signing
from django.test import Client, TestCase

from ops import pagecache
from reactions.forms import TOKEN_SALT


def page_cache_on(settings):
    """The page cache on, as in production, from a generation of the test's own: pages
    that earlier tests cached in this process (under a generation that a live-server
    test committed, say) never answer for this one."""
    settings.PAGE_CACHE_SECONDS = 600
    pagecache.bump_generation()


class Browser(Client):
    """A test client whose requests end as they do in production: the work a request
    leaves for after its commit (the page-cache refresh, the moderators' e-mail) runs
    when the request is done, although the test keeps everything in one transaction.
    Each Browser has its own cookies, so two of them are two readers."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


class SignerOfLastYear(signing.TimestampSigner):
    """Signs as if it were a year and a day ago (for settings.SIGNING_BACKEND)."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 366 * 24 * 3600)


def form_token(column, age=60):
    """The token a form shown `age` seconds ago for `column` would carry."""
    return signing.dumps({"column": column.pk, "issued": time.time() - age}, salt=TOKEN_SALT)


def shown_token(response):
    """The form token in the reaction form of a rendered page."""
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def post_reaction(
    client, column, *, age=60, token=None, follow=False, headers=None, peer="127.0.0.1", **fields
):
    data = {
        "name": "Anna de Vries",
        "email": "anna@example.nl",
        "body": "Herkenbaar verhaal, dank je wel.",
        "token": token if token is not None else form_token(column, age),
        "homepage": "",
        **fields,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(
        f"/columns/{column.slug}/reageren/",
        data,
        follow=follow,
        headers=headers or {},
        REMOTE_ADDR=peer,
    )
