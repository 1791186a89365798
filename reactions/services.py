"""Reader reactions and their moderation: what becomes of a reader's reaction
(`submit`), and every other write.

Small keyword-only functions; each validates with full_clean() before it saves.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ops import clients, pagecache

from . import signals
from .models import (
    ModerationWord,
    Reaction,
    TrustedAddress,
    client_hash,
    normalise_email,
    normalise_name,
    text_digest,
)
from .plaintext import contains_link

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "Anoniem"


class DuplicateReaction(Exception):
    """The same text from the same address under the same column was stored before."""


@dataclass(frozen=True)
class Sender:
    """Who sends a reaction, as their request shows it."""

    address: str  # the client address (ops.clients.client_address)
    # From the browser's known-reader cookie (signed, checked for age): what
    # known_reader_proof() gave for the reader's e-mail address; "" without one.
    known_reader: str = ""
    # The reactions this browser session posted that had to wait.
    own_reactions: tuple[int, ...] = ()


def known_reader_proof(email):
    """What the known-reader cookie holds for `email`: a keyed hash, so the cookie
    shows nobody the address and nobody can make one for an address without the
    site's secret key."""
    email = normalise_email(email)
    return salted_hmac("reactions.known-reader.email", email, algorithm="sha256").hexdigest()


def proves_known_reader(*, client, email):
    """Whether the browser `client` shows it belongs to whoever wrote an approved
    reaction with this e-mail address: its known-reader cookie is for this address,
    or its session posted a reaction with this address that has been approved."""
    if client.known_reader and constant_time_compare(
        client.known_reader, known_reader_proof(email)
    ):
        return True
    return (
        bool(client.own_reactions)
        and Reaction.objects.approved()
        .filter(pk__in=client.own_reactions, email=normalise_email(email))
        .exists()
    )


class Result(StrEnum):
    PUBLISHED = "published"
    WAITING = "waiting"  # for a moderator; spam looks the same to its writer
    DUPLICATE = "duplicate"  # this text came from this address before: not stored again
    TOO_OFTEN = "too_often"  # a flood limit: not stored


@dataclass(frozen=True)
class Outcome:
    result: Result
    reaction: Reaction | None = None  # when stored
    message: str = ""  # for the reader, when refused
    # When the browser proved its reader known: what its known-reader cookie keeps.
    known_reader: str = ""


def submit(*, column, data, client, review_url="") -> Outcome:
    """A reader's reaction, as the form cleaned it (`data`: name, email, body,
    parent), from `client` (a Sender): refused when its sender reacts too often,
    not stored again when it is a duplicate, else stored with the status the
    moderation rules give it. Moderators are told where to review a waiting one
    (`review_url`)."""
    if reaction_is_duplicate(column=column, client_address=client.address, body=data["body"]):
        return Outcome(Result.DUPLICATE)
    refusal = flood_refusal(address=client.address, email=data["email"])
    if refusal:
        return Outcome(Result.TOO_OFTEN, message=refusal)
    known = proves_known_reader(client=client, email=data["email"])
    try:
        reaction = reaction_create(
            column=column,
            name=data["name"],
            email=data["email"],
            body=data["body"],
            parent=data["parent"],
            client_address=client.address,
            known_reader=known,
            admin_url=review_url,
        )
    except DuplicateReaction:
        return Outcome(Result.DUPLICATE)
    return Outcome(
        Result.PUBLISHED if reaction.status == Reaction.Status.APPROVED else Result.WAITING,
        reaction,
        known_reader=known_reader_proof(data["email"]) if known else "",
    )


def flood_refusal(*, address, email):
    """A Dutch message when this address or e-mail address reacts too often, else "".
    Counted in the shared cache, so every app server agrees."""
    interval = settings.REACTIONS_MIN_INTERVAL
    per_hour = settings.REACTIONS_PER_HOUR
    for scope, identity in [("reaction-address", address), ("reaction-email", email.lower())]:
        if not clients.allow_once_per(f"{scope}-interval", identity, interval):
            seconds = "1 seconde" if interval == 1 else f"{interval} seconden"
            return (
                f"Je reageert snel achter elkaar. Wacht {seconds} en "
                "verstuur je reactie dan opnieuw; je tekst staat er nog."
            )
        if not clients.allow_count(f"{scope}-hour", identity, per_hour, 3600):
            return (
                f"Je hebt het afgelopen uur al {per_hour} keer gereageerd; meer kan niet. "
                "Probeer het later opnieuw."
            )
    return ""


def moderation_verdict(*, name, email, body, known_reader=False):
    """(status, reason, detail) for a reader's reaction, by the rules in order:
    a blocked word is spam; a trusted address is published; a held word or a link
    waits; then it is published only from a known reader: the same name and e-mail
    address as an approved reaction, from a browser that proves it is theirs
    (`known_reader`, see proves_known_reader)."""
    word = ModerationWord.objects.first_match(body)
    if word is not None and word.action == ModerationWord.Action.BLOCK:
        return Reaction.Status.SPAM, Reaction.Reason.BLOCKED_WORD, word.phrase
    email = normalise_email(email)
    if TrustedAddress.objects.filter(email=email).exists():
        return Reaction.Status.APPROVED, Reaction.Reason.TRUSTED, ""
    if word is not None:
        return Reaction.Status.PENDING, Reaction.Reason.HELD_WORD, word.phrase
    if contains_link(body):
        return Reaction.Status.PENDING, Reaction.Reason.LINK, ""
    names = set(
        Reaction.objects.approved()
        .filter(email=email)
        .order_by()
        .values_list("name", flat=True)
        .distinct()
    )
    if not names:
        return Reaction.Status.PENDING, Reaction.Reason.FIRST, ""
    if normalise_name(name) not in {normalise_name(known) for known in names}:
        return Reaction.Status.PENDING, Reaction.Reason.OTHER_NAME, ""
    if not known_reader:
        return Reaction.Status.PENDING, Reaction.Reason.OTHER_BROWSER, ""
    return Reaction.Status.APPROVED, Reaction.Reason.KNOWN, ""


def reaction_is_duplicate(*, column, client_address, body):
    address_hash = client_hash(client_address)
    if not address_hash or not body.strip():
        return False
    return Reaction.objects.filter(
        column=column, client_hash=address_hash, body_digest=text_digest(body)
    ).exists()


def reaction_create(
    *,
    column,
    name,
    email,
    body,
    parent=None,
    client_address="",
    known_reader=False,
    admin_url="",
) -> Reaction:
    """Store a reader's reaction with the status the moderation rules give it.
    Raises DuplicateReaction when this address sent this text here before."""
    status, reason, detail = moderation_verdict(
        name=name, email=email, body=body, known_reader=known_reader
    )
    reaction = Reaction(
        column=column,
        parent=parent,
        name=name.strip(),
        email=email,
        body=body.strip(),
        status=status,
        reason=reason,
        reason_detail=detail,
        client_hash=client_hash(client_address),
    )
    reaction.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            reaction.save()
    except IntegrityError as exc:
        if reaction_is_duplicate(column=column, client_address=client_address, body=body):
            raise DuplicateReaction from exc
        raise
    if status == Reaction.Status.PENDING:
        transaction.on_commit(lambda: notify_moderators(reaction=reaction, admin_url=admin_url))
    return reaction


def notify_moderators(*, reaction, admin_url=""):
    """Tell the moderators a reaction waits; never the reader's text or address."""
    if not settings.REACTIONS_MODERATORS:
        return
    lines = [
        f"Er wacht een reactie op goedkeuring onder de column “{reaction.column.title}”.",
        f"Reden: {reaction.get_reason_display()}.",
    ]
    if admin_url:
        lines += ["", f"Beoordelen: {admin_url}"]
    try:
        send_mail(
            subject=f"[{settings.SITE_NAME}] Een reactie wacht op goedkeuring",
            message="\n".join(lines),
            from_email=None,
            recipient_list=settings.REACTIONS_MODERATORS,
        )
    except OSError:
        logger.exception("Could not e-mail the moderators about reaction %s", reaction.pk)


def reaction_reply_by_editor(*, parent, user, body) -> Reaction:
    """An editor answers a reaction from the admin; shown on the site as "Redactie"."""
    top = parent.parent or parent
    reaction = Reaction(
        column=top.column,
        parent=top,
        name=user.get_full_name() or user.get_username(),
        email=user.email,
        body=body.strip(),
        status=Reaction.Status.APPROVED,
        reason=Reaction.Reason.EDITOR,
        by_editor=True,
        user=user,
        moderated_at=timezone.now(),
        moderated_by=user,
    )
    reaction.full_clean(validate_constraints=False)
    reaction.save()
    return reaction


def reactions_moderate(*, reactions, status, user) -> int:
    """Give `reactions` a new status in one UPDATE; returns how many changed.

    An UPDATE sends no signals, so this refreshes the cached pages itself, once,
    when the change commits, and only when readers see a difference: a reaction
    is approved, or stops being approved."""
    with transaction.atomic():
        changing = dict(
            Reaction.objects.filter(pk__in=reactions.values("pk"))
            .exclude(status=status)
            .select_for_update()
            .values_list("pk", "status")
        )
        Reaction.objects.filter(pk__in=changing).update(
            status=status, moderated_at=timezone.now(), moderated_by=user
        )
        approved = Reaction.Status.APPROVED
        if changing and (status == approved or approved in changing.values()):
            transaction.on_commit(pagecache.bump_generation)
        if status == approved:
            signals.send_approved_on_commit(changing)
    return len(changing)


def reactions_approve_and_trust(*, reactions, user):
    """Approve `reactions`, trust their e-mail addresses and approve everything else
    that waits from those addresses. Returns (approved count, trusted addresses)."""
    emails = sorted({e for e in reactions.values_list("email", flat=True) if e})
    with transaction.atomic():
        for email in emails:
            TrustedAddress.objects.get_or_create(email=email, defaults={"created_by": user})
        waiting = Reaction.objects.pending().filter(email__in=emails)
        count = reactions_moderate(
            reactions=Reaction.objects.filter(pk__in=reactions.values("pk")) | waiting,
            status=Reaction.Status.APPROVED,
            user=user,
        )
    return count, emails


def reactions_export(*, email) -> list[dict]:
    """Everything stored about the reactions of one e-mail address, for the reader."""
    reactions = Reaction.objects.of_email(email).select_related("column").order_by("created_at")
    return [
        {
            "id": reaction.pk,
            "column": reaction.column.title,
            "column_url": reaction.column.get_absolute_url(),
            "in_reply_to": reaction.parent_id,
            "name": reaction.name,
            "email": reaction.email,
            "text": reaction.body,
            "status": reaction.status,
            "created_at": reaction.created_at.isoformat(),
            "client_address_hash": reaction.client_hash,
        }
        for reaction in reactions
    ]


def reactions_anonymise(*, email, remove_text=False) -> int:
    """Anonymise every reaction of one e-mail address: the name becomes "Anoniem",
    the e-mail address and address hash are erased; on request the text goes too
    (and the reaction is removed from the site). Returns how many."""
    count = 0
    with transaction.atomic():
        for reaction in Reaction.objects.of_email(email).select_for_update():
            reaction.name = ANONYMOUS_NAME
            reaction.email = ""
            reaction.client_hash = ""
            if remove_text:
                reaction.body = ""
                reaction.status = Reaction.Status.REMOVED
            reaction.save()
            count += 1
        TrustedAddress.objects.filter(email=normalise_email(email)).delete()
    return count


def reaction_addresses_clear(*, older_than_days=None) -> int:
    """Erase the client-address hash of reactions older than the retention period.
    Safe to run as often as you like."""
    days = settings.REACTIONS_ADDRESS_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    return (
        Reaction.objects.filter(created_at__lt=cutoff)
        .exclude(client_hash="")
        .order_by()
        .update(client_hash="")
    )
