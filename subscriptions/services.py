"""Every write of the subscriptions app, and sending: small keyword-only functions.

Sending is "at most once" per subscriber and column (and per reply): the delivery
row is written and committed before the mail leaves, under a unique constraint, so
a second run (or a run beside it) finds the row and sends nothing. See
docs/subscriptions.md for what a crash can lose.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from articles.models import Column
from reactions.models import Reaction

from . import mail
from .models import Delivery, ReplyDelivery, Subscriber, Subscription, normalise_email

logger = logging.getLogger(__name__)


def subscribe(
    *, email, kind, frequency, theme=None, author=None, reaction=None, base_url
) -> Subscription:
    """Ask for a subscription: stored unconfirmed, and a confirmation mail goes out.
    When the address already has it confirmed, a mail says so, with the link to
    manage it (the page the reader sees is the same either way)."""
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=normalise_email(email))
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            kind=kind,
            theme=theme,
            author=author,
            reaction=reaction,
            defaults={"frequency": frequency},
        )
        if not created and subscription.confirmed_at is None:
            subscription.frequency = frequency
            subscription.created_at = timezone.now()
            subscription.full_clean(validate_constraints=False)
            subscription.save()
    if subscription.confirmed_at is None:
        message = mail.build(
            "confirm",
            to=subscriber.email,
            subject=f"Bevestig: {subscription.description}",
            context={
                "subscription": subscription,
                "confirm_url": mail.confirm_url(base_url, subscription),
                "days": settings.SUBSCRIPTIONS_CONFIRM_DAYS,
            },
        )
    else:
        message = mail.build(
            "already",
            to=subscriber.email,
            subject=f"Je volgt al {subscription.description}",
            context={
                "subscription": subscription,
                "manage_url": mail.manage_url(base_url, subscriber),
            },
        )
    _send(message, what=f"subscription {subscription.pk}")
    return subscription


def confirm(*, subscription_id, email):
    """Confirm a subscription (and with it its address); None when it is gone."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(pk=subscription_id, subscriber__email=normalise_email(email))
            .select_related("subscriber")
            .first()
        )
        if subscription is None:
            return None
        now = timezone.now()
        if subscription.confirmed_at is None:
            subscription.confirmed_at = now
            subscription.save(update_fields=["confirmed_at"])
        subscriber = subscription.subscriber
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = now
            subscriber.save(update_fields=["confirmed_at"])
    return subscription


def subscriber_from(*, subscriber_id, email):
    return Subscriber.objects.filter(pk=subscriber_id, email=normalise_email(email)).first()


def subscriptions_update(*, subscriber, frequencies, stop_ids) -> int:
    """The manage page: new frequencies ({id: frequency}), and the ids to end.
    Returns how many subscriptions are left; with none the address is deleted."""
    with transaction.atomic():
        mine = subscriber.subscriptions.all()
        mine.filter(pk__in=stop_ids).delete()
        for subscription in mine.exclude(kind=Subscription.Kind.REPLIES):
            wanted = frequencies.get(subscription.pk)
            if wanted and wanted != subscription.frequency:
                subscription.frequency = wanted
                subscription.full_clean(validate_constraints=False)
                subscription.save(update_fields=["frequency"])
        return _delete_when_empty(subscriber)


def unsubscribe(*, subscriber, subscription_ids) -> int:
    """End these subscriptions of `subscriber` (one-click); returns how many ended.
    An address left with no subscription is deleted."""
    with transaction.atomic():
        ended, _ = subscriber.subscriptions.filter(pk__in=subscription_ids).delete()
        _delete_when_empty(subscriber)
    return ended


def _delete_when_empty(subscriber):
    left = subscriber.subscriptions.count()
    if not left:
        subscriber.delete()
    return left


def purge_unconfirmed(*, now=None) -> int:
    """Delete subscriptions that were not confirmed within SUBSCRIPTIONS_CONFIRM_DAYS,
    and addresses left with none. Returns how many addresses were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SUBSCRIPTIONS_CONFIRM_DAYS)
    with transaction.atomic():
        Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
        _, per_model = Subscriber.objects.filter(subscriptions__isnull=True).delete()
    deleted = per_model.get("subscriptions.Subscriber", 0)
    return deleted


@dataclass
class DigestReport:
    mails: int = 0
    columns: int = 0
    failed: list = field(default_factory=list)


def send_digests(*, frequency, base_url) -> DigestReport:
    """One digest to every confirmed subscriber with `frequency` subscriptions that
    match columns they have not been sent yet."""
    report = DigestReport()
    subscribers = Subscriber.objects.filter(
        pk__in=Subscription.objects.digests(frequency).values("subscriber")
    ).order_by("pk")
    mailer = mailers.default  # one SMTP connection for the whole run
    with mailer:
        for subscriber in subscribers.iterator():
            try:
                sent = send_digest(
                    subscriber=subscriber, frequency=frequency, base_url=base_url, mailer=mailer
                )
            except OSError:
                report.failed.append(subscriber.pk)
                mailer.close()  # the next mail opens a fresh connection
                continue
            if sent:
                report.mails += 1
                report.columns += sent
    return report


def columns_due(*, subscriber, frequency):
    """The published columns `subscriber`'s `frequency` subscriptions are about,
    published since each was confirmed, not yet claimed for them."""
    subscriptions = list(
        Subscription.objects.digests(frequency).describe().filter(subscriber=subscriber)
    )
    if not subscriptions:
        return subscriptions, Column.objects.none()
    wanted = Q()
    for subscription in subscriptions:
        since = Q(published_at__gte=subscription.confirmed_at)
        match subscription.kind:
            case Subscription.Kind.THEME:
                wanted |= since & Q(themes=subscription.theme_id)
            case Subscription.Kind.AUTHOR:
                wanted |= since & Q(author=subscription.author_id)
            case _:
                wanted |= since
    columns = (
        Column.objects.published()
        .filter(pk__in=Column.objects.filter(wanted).values("pk"))
        .exclude(pk__in=Delivery.objects.filter(subscriber=subscriber).values("column"))
    )
    return subscriptions, columns


def send_digest(*, subscriber, frequency, base_url, mailer=None) -> int:
    """Claim the due columns for `subscriber` (committed), send one mail, mark them
    sent. Returns how many columns went out. A mail the server refused releases its
    claims, so the next run tries again; a crash after the claim loses them."""
    subscriptions, due = columns_due(subscriber=subscriber, frequency=frequency)
    due_ids = list(due.values_list("pk", flat=True))
    if not due_ids:
        return 0
    batch = uuid.uuid4().hex
    with transaction.atomic():
        Delivery.objects.bulk_create(
            [Delivery(subscriber=subscriber, column_id=pk, batch=batch) for pk in due_ids],
            ignore_conflicts=True,
        )
    columns = list(
        Column.objects.filter(
            pk__in=Delivery.objects.filter(batch=batch).values("column")
        ).with_related()
    )
    if not columns:  # another run claimed them first
        return 0
    unsubscribe = mail.unsubscribe_url(base_url, subscriber, subscriptions)
    label = "Dagelijks" if frequency == Subscription.Frequency.DAILY else "Wekelijks"
    count = len(columns)
    message = mail.build(
        "digest",
        to=subscriber.email,
        subject=f"{label} overzicht: "
        + ngettext("%(n)d nieuwe column", "%(n)d nieuwe columns", count) % {"n": count},
        context={
            "columns": columns,
            "base_url": base_url.rstrip("/"),
            "frequency_label": label.lower(),
            "subscriptions": subscriptions,
            "manage_url": mail.manage_url(base_url, subscriber),
            "unsubscribe_url": unsubscribe,
        },
        unsubscribe=unsubscribe,
    )
    try:
        (mailer or mailers.default).send_messages([message])
    except OSError:
        Delivery.objects.filter(batch=batch).delete()
        logger.exception("Digest to subscriber %s not sent; will try again", subscriber.pk)
        raise
    Delivery.objects.filter(batch=batch).update(sent_at=timezone.now())
    return count


def stale_claims(*, older_than=timedelta(hours=1)):
    """Deliveries claimed but never marked sent: a run crashed between the two."""
    return Delivery.objects.filter(sent_at__isnull=True, claimed_at__lt=timezone.now() - older_than)


def request_reply_notifications(*, reaction, base_url):
    """A reader asked to hear of answers to `reaction`: the same double opt-in."""
    if not reaction.email:
        return None
    return subscribe(
        email=reaction.email,
        kind=Subscription.Kind.REPLIES,
        frequency=Subscription.Frequency.IMMEDIATELY,
        reaction=reaction,
        base_url=base_url,
    )


def notify_replies(*, replies, base_url) -> int:
    """Mail the readers following the threads these approved reactions answer.
    Returns how many mails went out."""
    sent = 0
    for reply in replies:
        if reply.parent_id is None or reply.status != Reaction.Status.APPROVED:
            continue
        followers = (
            Subscription.objects.confirmed()
            .filter(kind=Subscription.Kind.REPLIES)
            .filter(
                Q(reaction_id=reply.parent_id)
                | Q(reaction__parent_id=reply.parent_id, reaction__created_at__lt=reply.created_at)
            )
            .exclude(reaction_id=reply.pk)
            .exclude(subscriber__email=reply.email or "-")
            .select_related("subscriber", "reaction__column")
        )
        for subscription in followers:
            if _send_reply(subscription=subscription, reply=reply, base_url=base_url):
                sent += 1
    return sent


def _send_reply(*, subscription, reply, base_url):
    # The claim is ours only if we made it: a row from another run (sending, sent, or
    # lost in a crash) means this reply is not mailed again (at most once).
    with transaction.atomic():
        delivery, created = ReplyDelivery.objects.get_or_create(
            subscription=subscription, reply=reply
        )
    if not created:
        return False
    claim = ReplyDelivery.objects.filter(pk=delivery.pk)
    subscriber = subscription.subscriber
    unsubscribe = mail.unsubscribe_url(base_url, subscriber, [subscription])
    message = mail.build(
        "reply",
        to=subscriber.email,
        subject=f"Een antwoord op je reactie bij “{reply.column.title}”",
        context={
            "reply": reply,
            "column": reply.column,
            "reply_url": mail.absolute(base_url, reply.get_absolute_url()),
            "manage_url": mail.manage_url(base_url, subscriber),
            "unsubscribe_url": unsubscribe,
        },
        unsubscribe=unsubscribe,
    )
    try:
        message.send()
    except OSError:
        claim.delete()
        logger.exception("Reply %s not mailed to subscription %s", reply.pk, subscription.pk)
        return False
    claim.update(sent_at=timezone.now())
    return True


def _send(message, *, what):
    try:
        message.send()
    except OSError:
        logger.exception("Could not send the mail about %s", what)
        raise


def export(email):
    """What is kept about one address, for the reader (reactions' export command)."""
    subscriber = Subscriber.objects.of_email(email).first()
    if subscriber is None:
        return None
    return {
        "email": subscriber.email,
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "subscriptions": [
            {
                "id": s.pk,
                "what": s.description,
                "frequency": s.frequency,
                "created_at": s.created_at.isoformat(),
                "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
            }
            for s in subscriber.subscriptions.describe()
        ],
        "columns_sent": [
            {"column": d.column.title, "sent_at": d.sent_at.isoformat() if d.sent_at else None}
            for d in subscriber.deliveries.select_related("column").order_by("claimed_at")
        ],
    }


def erase(email) -> int:
    """Delete the address with everything kept about it; returns how many addresses."""
    deleted, per_model = Subscriber.objects.of_email(email).delete()
    return per_model.get("subscriptions.Subscriber", 0)
