"""Readers who follow the site by e-mail: who (Subscriber), what (Subscription) and
what they were sent (Delivery, ReplyDelivery).

A subscriber is one e-mail address; it is confirmed by the first confirmation link
that is followed. Every subscription waits for its own confirmation, so nobody can
sign up someone else's address for more mail. The delivery tables are the record
that makes sending "at most once" (see docs/subscriptions.md).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Author, Column, Theme
from reactions.models import Reaction, normalise_email


class SubscriberQuerySet(models.QuerySet):
    def of_email(self, email):
        return self.filter(email=normalise_email(email))


class Subscriber(models.Model):
    email = models.EmailField("e-mailadres", unique=True)
    created_at = models.DateTimeField("aangemeld", default=timezone.now)
    confirmed_at = models.DateTimeField("bevestigd", null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = "abonnee"
        verbose_name_plural = "abonnees"

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def digests(self, frequency):
        return self.confirmed().filter(frequency=frequency).exclude(kind=Subscription.Kind.REPLIES)

    def describe(self):
        return self.select_related("theme", "author", "reaction__column")


class Subscription(models.Model):
    class Kind(models.TextChoices):
        ALL = "all", "Alle nieuwe columns"
        THEME = "theme", "Een thema"
        AUTHOR = "author", "Een auteur"
        REPLIES = "replies", "Antwoorden op een reactie"

    class Frequency(models.TextChoices):
        DAILY = "daily", "Dagelijks"
        WEEKLY = "weekly", "Wekelijks"
        IMMEDIATELY = "immediately", "Meteen"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions", verbose_name="abonnee"
    )
    kind = models.CharField("soort", max_length=10, choices=Kind.choices)
    theme = models.ForeignKey(
        Theme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="thema",
    )
    author = models.ForeignKey(
        Author,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    reaction = models.ForeignKey(
        Reaction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="reactie",
    )
    frequency = models.CharField("hoe vaak", max_length=12, choices=Frequency.choices)
    created_at = models.DateTimeField("aangevraagd", default=timezone.now)
    confirmed_at = models.DateTimeField("bevestigd", null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["subscriber", "created_at"]
        verbose_name = "abonnement"
        verbose_name_plural = "abonnementen"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="all", theme__isnull=True, author__isnull=True, reaction__isnull=True)
                    | Q(
                        kind="theme",
                        theme__isnull=False,
                        author__isnull=True,
                        reaction__isnull=True,
                    )
                    | Q(
                        kind="author",
                        theme__isnull=True,
                        author__isnull=False,
                        reaction__isnull=True,
                    )
                    | Q(
                        kind="replies",
                        theme__isnull=True,
                        author__isnull=True,
                        reaction__isnull=False,
                        frequency="immediately",
                    )
                ),
                name="subscription_kind_matches_target",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=["daily", "weekly", "immediately"]),
                name="subscription_frequency_valid",
            ),
            models.UniqueConstraint(
                fields=["subscriber"], condition=Q(kind="all"), name="subscription_one_all"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "theme"],
                condition=Q(kind="theme"),
                name="subscription_one_per_theme",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "author"],
                condition=Q(kind="author"),
                name="subscription_one_per_author",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "reaction"],
                condition=Q(kind="replies"),
                name="subscription_one_per_reaction",
            ),
        ]

    def __str__(self):
        return f"{self.subscriber}: {self.description}"

    @property
    def description(self):
        match self.kind:
            case self.Kind.THEME:
                return f"columns over {self.theme.name}"
            case self.Kind.AUTHOR:
                return f"columns van {self.author.name}"
            case self.Kind.REPLIES:
                return f"antwoorden op je reactie bij “{self.reaction.column.title}”"
        return "alle nieuwe columns"


class Delivery(models.Model):
    """A column claimed for, and then sent to, one subscriber. The unique constraint
    is what makes a column go to a subscriber at most once: the row is written (and
    committed) before the mail leaves, and a second run cannot write it again."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries", verbose_name="abonnee"
    )
    column = models.ForeignKey(
        Column, on_delete=models.CASCADE, related_name="+", verbose_name="column"
    )
    batch = models.CharField("verzending", max_length=32, db_index=True)
    claimed_at = models.DateTimeField("geclaimd", default=timezone.now)
    sent_at = models.DateTimeField("verstuurd", null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name = "verzonden column"
        verbose_name_plural = "verzonden columns"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "column"], name="delivery_once_per_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.column} → {self.subscriber}"


class ReplyDelivery(models.Model):
    """An answer to a reader's reaction, claimed for and sent to one subscription."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="reply_deliveries"
    )
    reply = models.ForeignKey(Reaction, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name = "verzonden antwoord"
        verbose_name_plural = "verzonden antwoorden"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "reply"], name="reply_delivery_once")
        ]

    def __str__(self):
        return f"{self.reply_id} → {self.subscription}"
