"""Reader reactions under a column and what moderates them: word lists and
trusted addresses.

The tables keep the names they had when these models lived in `articles`
(`articles_reaction`, ...): moving the models changed no data.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Column

from . import signals
from .plaintext import render_plain_text

UNKNOWN = object()  # a status this instance does not know


def normalise_email(email):
    return email.strip().lower()


def normalise_name(name):
    """A name as compared with another: spacing and case don't count."""
    return " ".join(name.split()).casefold()


def text_digest(text):
    """A fingerprint of a text for spotting duplicates; whitespace and case don't count."""
    normalised = " ".join(text.split()).casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


def client_hash(address):
    """The client address as a keyed hash: comparable, but not the address itself."""
    if not address:
        return ""
    key = settings.REACTIONS_CLIENT_HASH_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


class ModerationWordQuerySet(models.QuerySet):
    def first_match(self, text):
        """The first word that occurs in `text` as a whole word or phrase: blocked
        words before held ones. None when nothing matches."""
        words = sorted(self.all(), key=lambda w: (w.action != ModerationWord.Action.BLOCK, w.pk))
        for word in words:
            if word.matches(text):
                return word
        return None


class ModerationWord(models.Model):
    class Action(models.TextChoices):
        BLOCK = "block", "Blokkeren (spam)"
        HOLD = "hold", "Laten wachten op goedkeuring"

    phrase = models.CharField(
        "woord of zinsdeel",
        max_length=100,
        unique=True,
        help_text="Telt alleen als heel woord; hoofdletters maken niet uit.",
    )
    action = models.CharField("actie", max_length=10, choices=Action.choices)
    created_at = models.DateTimeField("toegevoegd", auto_now_add=True)

    objects = ModerationWordQuerySet.as_manager()

    class Meta:
        db_table = "articles_moderationword"
        ordering = ["action", "phrase"]
        verbose_name = "moderatiewoord"
        verbose_name_plural = "moderatiewoorden"
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["block", "hold"]), name="moderation_word_action_valid"
            ),
        ]

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        self.phrase = " ".join(self.phrase.split()).lower()
        super().save(*args, **kwargs)

    def matches(self, text):
        words = [re.escape(part) for part in self.phrase.split()]
        if not words:
            return False
        pattern = r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"
        return re.search(pattern, text, re.IGNORECASE) is not None


class TrustedAddress(models.Model):
    """An e-mail address whose reactions are published without waiting, even with a
    link or a held word (blocked words still count)."""

    email = models.EmailField("e-mailadres", unique=True)
    created_at = models.DateTimeField("vertrouwd sinds", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="door",
    )

    class Meta:
        db_table = "articles_trustedaddress"
        ordering = ["email"]
        verbose_name = "vertrouwd e-mailadres"
        verbose_name_plural = "vertrouwde e-mailadressen"

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class ReactionQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Reaction.Status.APPROVED)

    def pending(self):
        return self.filter(status=Reaction.Status.PENDING)

    def of_email(self, email):
        return self.filter(email=normalise_email(email)) if email.strip() else self.none()

    def threads(self):
        """Top-level reactions, oldest first, each with `thread_replies`: its replies
        in this queryset, oldest first. One query."""
        reactions = list(self.order_by("created_at", "pk"))
        by_id = {reaction.pk: reaction for reaction in reactions}
        top = []
        for reaction in reactions:
            reaction.thread_replies = []
        for reaction in reactions:
            parent = by_id.get(reaction.parent_id)
            if reaction.parent_id is None:
                top.append(reaction)
            elif parent is not None:
                parent.thread_replies.append(reaction)
        return top


class Reaction(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Wacht op goedkeuring"
        APPROVED = "approved", "Goedgekeurd"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Verwijderd"

    class Reason(models.TextChoices):
        BLOCKED_WORD = "blocked_word", "Geblokkeerd woord of zinsdeel"
        HELD_WORD = "held_word", "Woord of zinsdeel dat op controle wacht"
        LINK = "link", "Bevat een link"
        FIRST = "first", "Nog geen goedgekeurde reactie van dit e-mailadres"
        OTHER_NAME = "other_name", "Bekend e-mailadres, maar onder een andere naam"
        OTHER_BROWSER = (
            "other_browser",
            "Bekende naam en e-mailadres, maar uit een onbekende browser",
        )
        KNOWN = "known", "Bekende lezer, herkend aan de eigen browser"
        TRUSTED = "trusted", "Vertrouwd e-mailadres"
        EDITOR = "editor", "Geschreven door de redactie"

    column = models.ForeignKey(
        Column, on_delete=models.CASCADE, related_name="reactions", verbose_name="column"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name="antwoord op",
    )
    name = models.CharField("naam", max_length=80)
    email = models.EmailField("e-mailadres", blank=True, db_index=True)
    body = models.TextField("reactie", max_length=5000, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    body_digest = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField("reden", max_length=20, choices=Reason.choices, blank=True)
    reason_detail = models.CharField("toelichting", max_length=200, blank=True)
    by_editor = models.BooleanField("van de redactie", default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="redacteur",
    )
    client_hash = models.CharField(
        "adres-hash",
        max_length=64,
        blank=True,
        help_text="Versleutelde vingerafdruk van het internetadres; na 30 dagen gewist.",
    )
    created_at = models.DateTimeField("geplaatst", default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField("beoordeeld", null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="beoordeeld door",
    )

    objects = ReactionQuerySet.as_manager()

    # The status the database has for this reaction, as far as this instance knows:
    # set when it is loaded or saved; None before its first save. See
    # `changes_public_pages`.
    status_in_database = UNKNOWN

    class Meta:
        db_table = "articles_reaction"
        ordering = ["created_at", "pk"]
        verbose_name = "reactie"
        verbose_name_plural = "reacties"
        indexes = [models.Index(fields=["column", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "removed"]),
                name="reaction_status_valid",
            ),
            models.UniqueConstraint(
                fields=["column", "client_hash", "body_digest"],
                condition=~Q(client_hash="") & ~Q(body_digest=""),
                name="reaction_not_twice_from_one_address",
            ),
        ]

    def __str__(self):
        return f"{self.name} over {self.column}"

    def save(self, *args, **kwargs):
        self.fill_derived()
        if self._state.adding:
            self.status_in_database = None
        became_approved = (
            self.status == self.Status.APPROVED and self.status_in_database != self.Status.APPROVED
        )
        super().save(*args, **kwargs)
        self.status_in_database = self.status
        if became_approved:
            signals.send_approved_on_commit([self.pk])

    def get_absolute_url(self):
        return f"{self.column.get_absolute_url()}#reactie-{self.pk}"

    def fill_derived(self):
        """The fields that follow from the others: the address as compared, the body
        as HTML and its fingerprint. save() does it; bulk writes call it themselves."""
        self.email = normalise_email(self.email)
        self.body_html = render_plain_text(self.body)
        self.body_digest = text_digest(self.body) if self.body.strip() else ""

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        reaction = super().from_db(db, field_names, values, **kwargs)
        reaction.status_in_database = (
            UNKNOWN if "status" in reaction.get_deferred_fields() else reaction.status
        )
        return reaction

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "status" in fields:
            self.status_in_database = self.status

    def changes_public_pages(self):
        """Whether saving or deleting this reaction changes what readers see: only
        when it is approved now, or was before (as far as this instance knows)."""
        if self.status_in_database is UNKNOWN or "status" in self.get_deferred_fields():
            return True
        return self.Status.APPROVED in (self.status, self.status_in_database)

    def clean(self):
        if self.parent_id is not None:
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": "Een antwoord kan niet op een antwoord."})
            if self.parent.column_id != self.column_id:
                raise ValidationError({"parent": "Het antwoord hoort bij een andere column."})


def with_approved_reaction_counts(columns):
    """`columns` (a Column queryset) annotated with `approved_reaction_count`: a
    subquery, not a join, so it never multiplies other counts on the same queryset.
    Registered for every listing (articles.extensions)."""
    approved = (
        Reaction.objects.filter(column=OuterRef("pk"), status=Reaction.Status.APPROVED)
        .order_by()
        .values("column")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return columns.annotate(approved_reaction_count=Coalesce(Subquery(approved), 0))
