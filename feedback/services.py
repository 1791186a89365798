"""Storing an answer to "Was dit nuttig?".

Counted once per reader, column and day, without storing personal data: the shared
cache (which every app server uses) keeps, until the end of the day, a keyed hash
of the reader's address, browser and the column, pointing at their answer. A second
click that day changes that answer instead of adding one. Nothing of it reaches the
database, and the hash cannot be turned back into an address. Readers behind one
address with the same browser count as one, and a reader who changes address or
browser counts twice: as well as can be done without a cookie.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ops import clients

from .models import Vote

TOO_OFTEN = "Je hebt het afgelopen uur al heel vaak geantwoord; probeer het later opnieuw."


def _seconds_until_tomorrow():
    now = timezone.localtime()
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return max(1, int((tomorrow - now).total_seconds()))


def _reader_key(*, address, browser, column):
    day = timezone.localdate().isoformat()
    digest = salted_hmac(
        "feedback.vote", f"{address}|{browser}|{column.pk}|{day}", algorithm="sha256"
    ).hexdigest()
    return f"feedback:vote:{digest}"


def too_often(address):
    """A Dutch message when this address answers too often, else ""."""
    if clients.allow_count("feedback-hour", address, settings.FEEDBACK_PER_HOUR, 3600):
        return ""
    return TOO_OFTEN


def vote(*, column, useful, address, browser) -> Vote:
    """The reader's answer: a new one, or their earlier answer of today changed."""
    key = _reader_key(address=address, browser=browser, column=column)
    earlier = cache.get(key)
    with transaction.atomic():
        answer = Vote.objects.select_for_update().filter(pk=earlier, column=column).first()
        if answer is None:
            answer = Vote.objects.create(column=column, useful=useful)
        elif answer.useful != useful:
            answer.useful = useful
            if useful:
                answer.reason, answer.comment = "", ""
            answer.save(update_fields=["useful", "reason", "comment"])
    cache.set(key, answer.pk, timeout=_seconds_until_tomorrow())
    return answer


def explain(*, answer, reason, comment):
    answer.reason, answer.comment = reason, comment
    answer.full_clean()
    answer.save(update_fields=["reason", "comment"])
