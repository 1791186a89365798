"""The signed links in the e-mails (django.core.signing): nothing secret is stored.

- confirm: one subscription, with the time it was signed (TimestampSigner); valid for
  SUBSCRIPTIONS_CONFIRM_DAYS days, as long as an unconfirmed address is kept.
- manage: a subscriber; no expiry, it is in every mail. Deleting the subscriber (the
  last subscription ended) makes every link to it useless.
- unsubscribe: a subscriber and the subscriptions one mail was about; no expiry.

Every token carries the e-mail address too, so a link never works for a later
subscriber that happens to get the same id.
"""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "subscriptions.confirm"
MANAGE_SALT = "subscriptions.manage"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


def confirm_token(subscription):
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    return signer.sign_object({"s": subscription.pk, "e": subscription.subscriber.email})


def read_confirm_token(token):
    """(subscription id, email); raises signing.SignatureExpired or BadSignature."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    data = signer.unsign_object(token, max_age=settings.SUBSCRIPTIONS_CONFIRM_DAYS * 24 * 3600)
    return _pair(data, "s")


def manage_token(subscriber):
    return signing.Signer(salt=MANAGE_SALT).sign_object({"p": subscriber.pk, "e": subscriber.email})


def read_manage_token(token):
    return _pair(signing.Signer(salt=MANAGE_SALT).unsign_object(token), "p")


def unsubscribe_token(subscriber, subscriptions):
    data = {"p": subscriber.pk, "e": subscriber.email, "s": sorted(s.pk for s in subscriptions)}
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(data)


def read_unsubscribe_token(token):
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    subscriber_id, email = _pair(data, "p")
    ids = data.get("s")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise signing.BadSignature("Malformed unsubscribe token.")
    return subscriber_id, email, ids


def _pair(data, key):
    if not isinstance(data, dict) or not isinstance(data.get(key), int):
        raise signing.BadSignature("Malformed token.")
    if not isinstance(data.get("e"), str):
        raise signing.BadSignature("Malformed token.")
    return data[key], data["e"]
