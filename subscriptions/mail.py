"""The e-mails: each has a plain-text and an HTML part, rendered from
templates/subscriptions/mail/<name>.txt and .html, and goes out through Django's
default mailer (settings.MAILERS). Mail to subscribers carries List-Unsubscribe and
List-Unsubscribe-Post (RFC 8058), so a mail program can end it in one click."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from . import tokens


def absolute(base_url, path):
    return f"{base_url.rstrip('/')}{path}"


def manage_url(base_url, subscriber):
    return absolute(
        base_url, reverse("subscriptions:manage", kwargs={"token": tokens.manage_token(subscriber)})
    )


def unsubscribe_url(base_url, subscriber, subscriptions):
    token = tokens.unsubscribe_token(subscriber, subscriptions)
    return absolute(base_url, reverse("subscriptions:unsubscribe", kwargs={"token": token}))


def confirm_url(base_url, subscription):
    token = tokens.confirm_token(subscription)
    return absolute(base_url, reverse("subscriptions:confirm", kwargs={"token": token}))


def build(name, *, to, subject, context, unsubscribe=None):
    context = {"site_name": settings.SITE_NAME, **context}
    text = render_to_string(f"subscriptions/mail/{name}.txt", context)
    html = render_to_string(f"subscriptions/mail/{name}.html", context)
    headers = {}
    if unsubscribe:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=text,
        from_email=None,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
