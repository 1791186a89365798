"""The anti-spam guard of the readers' forms (a reaction, a follow form): a signed,
time-limited form token that says when the form was shown, and a honeypot field.

A form declares honeypot_field() and token_field(), fills the token in with
issue_token() from a page-cache hole (ops.holes, so that every reader gets a fresh
one, also on a cached page), and in clean() reads it back with read_token() and asks
robot_reason(). Each form has a salt of its own, so one form's token is no good for
another. reactions/forms.py and subscriptions/forms.py show how.
"""

import math
import secrets
import time

from django import forms
from django.core import signing


class InvalidToken(Exception):
    """The form token is expired, tampered with, missing or not this form's."""


def honeypot_field():
    """The trap: hidden from people by the stylesheet, filled in by robots."""
    return forms.CharField(
        label="Laat dit veld leeg",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def token_field():
    return forms.CharField(required=False, widget=forms.HiddenInput)


def issue_token(*, salt, **fields):
    """A signed token (JSON, not pickle) with `fields` (the column, say) and when the
    form was shown. A random nonce keeps two readers served in the same millisecond
    apart."""
    # To the millisecond, rounded down: rounded to the nearest, a token read back at
    # once could seem issued in the future, and "sent too fast" with no minimum.
    issued = math.floor(time.time() * 1000) / 1000
    payload = {**fields, "issued": issued, "nonce": secrets.token_hex(4)}
    return signing.dumps(payload, salt=salt)


def read_token(token, *, salt, max_age):
    """The payload of a token from issue_token(), with "issued" as a float; raises
    InvalidToken when it was issued more than `max_age` seconds ago, was tampered with
    or is missing."""
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
        issued = float(payload["issued"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidToken from None
    if time.time() - issued > max_age:
        raise InvalidToken
    return {**payload, "issued": issued}


def robot_reason(*, honeypot, issued, min_seconds):
    """Why a form is taken for a robot's, for the log ("" when it is not): the honeypot
    was filled in, or the form came back within `min_seconds` of being shown."""
    if honeypot:
        return "honeypot filled"
    if time.time() - issued < min_seconds:
        return "sent too fast"
    return ""
