"""What subscriptions does when reactions tells (reactions.signals); reactions does
not know this app exists."""

import logging

from django.conf import settings

from . import services

logger = logging.getLogger(__name__)


def reply_notification_requested(sender, *, reaction, request, **kwargs):
    try:
        services.request_reply_notifications(
            reaction=reaction, base_url=request.build_absolute_uri("/")
        )
    except OSError:
        # The reaction is stored; only the confirmation mail failed (logged).
        pass


def reactions_approved(sender, *, reactions, **kwargs):
    try:
        services.notify_replies(replies=reactions, base_url=settings.SITE_URL)
    except OSError:
        logger.exception("Reply notifications not sent")
