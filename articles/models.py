import hashlib
import hmac
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from .markdown import count_words, render_markdown
from .plaintext import render_plain_text

WORDS_PER_MINUTE = 200


class AuthorQuerySet(models.QuerySet):
    def with_column_counts(self):
        """Annotate `column_count`: the number of columns the public may see."""
        published = Column.objects.published()
        return self.annotate(column_count=Count("columns", filter=Q(columns__in=published)))


class Author(models.Model):
    name = models.CharField("naam", max_length=120)
    slug = models.SlugField("slug", max_length=140, unique=True)
    role = models.CharField(
        "rol en organisatie",
        max_length=200,
        blank=True,
        help_text="Eén korte regel, bijvoorbeeld ‘organisatie-adviseur bij Groothuis Advies’.",
    )
    bio = models.TextField("over de auteur", blank=True, help_text="Markdown.")
    bio_html = models.TextField(blank=True, editable=False)
    website = models.URLField("website", blank=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "auteur"
        verbose_name_plural = "auteurs"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.bio_html = render_markdown(self.bio)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author_detail", kwargs={"slug": self.slug})


class ThemeQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        """Backups refer to themes by name (taggit's natural key)."""
        return self.get(name=name)

    def with_column_counts(self):
        """Annotate `column_count`: the number of columns the public may see."""
        published = Column.objects.published()
        return self.annotate(
            column_count=Count(
                "themed_columns", filter=Q(themed_columns__content_object__in=published)
            )
        )


class Theme(TagBase):
    """A theme ("thema"): django-taggit's tag with a description of its own."""

    description = models.TextField("omschrijving", blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    featured = models.BooleanField(
        "uitgelicht", default=False, help_text="Uitgelichte thema's staan op de voorpagina."
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "thema"
        verbose_name_plural = "thema's"

    def save(self, *args, **kwargs):
        self.name = self.name.strip().lower()
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:theme_detail", kwargs={"slug": self.slug})


class ThemedColumn(TaggedItemBase):
    content_object = models.ForeignKey("Column", on_delete=models.CASCADE)
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_columns")

    class Meta:
        verbose_name = "thema van een column"
        verbose_name_plural = "thema's van columns"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_theme_per_column"
            ),
        ]


class ColumnQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what the public may see: published, and its time has come."""
        return self.filter(status=Column.Status.PUBLISHED, published_at__lte=timezone.now())

    def next_scheduled_at(self):
        """When the next planned column appears (None when none is planned)."""
        planned = self.filter(status=Column.Status.PUBLISHED, published_at__gt=timezone.now())
        return planned.aggregate(moment=Min("published_at"))["moment"]

    def visible_to(self, user):
        """Staff preview drafts and scheduled columns; everyone else sees published ones."""
        return self.all() if user.is_staff else self.published()

    def with_related(self):
        """What listings show, fetched in a fixed number of queries; includes
        `approved_reaction_count`, counted in the same query."""
        return self.select_related("author").prefetch_related("themes").with_reaction_counts()

    def with_reaction_counts(self):
        """Annotate `approved_reaction_count`. A subquery, not a join, so it never
        multiplies other counts on the same queryset."""
        approved = (
            Reaction.objects.filter(column=OuterRef("pk"), status=Reaction.Status.APPROVED)
            .order_by()
            .values("column")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(approved_reaction_count=Coalesce(Subquery(approved), 0))

    def related_to(self, column, limit=3):
        """Other published columns that share the most themes with `column`."""
        return (
            self.published()
            .exclude(pk=column.pk)
            .filter(themes__in=column.themes.all())
            .annotate(shared_themes=Count("themes"))
            .order_by("-shared_themes", "-published_at")
            .with_related()[:limit]
        )

    def years(self):
        """The years that have published columns, newest first, with counts."""
        return (
            self.published()
            .values("published_at__year")
            .annotate(count=Count("pk"))
            .order_by("-published_at__year")
        )


class Column(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Concept"
        PUBLISHED = "published", "Gepubliceerd"

    title = models.CharField("titel", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True)
    lead = models.TextField(
        "inleiding", max_length=500, help_text="Eén of twee zinnen die de column samenvatten."
    )
    body = models.TextField(
        "tekst", help_text="Markdown: ## voor een tussenkop, > voor een citaat."
    )
    body_html = models.TextField(blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="columns", verbose_name="auteur"
    )
    # Themes in alphabetical order wherever they are read, prefetched or not (taggit
    # refuses a Prefetch with a queryset, and orders by insertion when not told).
    themes = TaggableManager(
        "thema's",
        through=ThemedColumn,
        blank=True,
        help_text="Kommagescheiden, in kleine letters.",
        ordering=["name"],
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publicatiemoment",
        null=True,
        blank=True,
        db_index=True,
        help_text="Een moment in de toekomst plant de column in. Leeg bij publiceren: nu.",
    )
    source_name = models.CharField("oorspronkelijke publicatie", max_length=200, blank=True)
    source_url = models.URLField("adres van de bron", blank=True)
    reactions_closed = models.BooleanField(
        "reageren gesloten",
        default=False,
        help_text="Lezers kunnen niet (meer) reageren. Reageren sluit ook vanzelf na een "
        "aantal dagen (instelling DJANGO_REACTIONS_CLOSE_AFTER_DAYS).",
    )
    created_at = models.DateTimeField("aangemaakt", auto_now_add=True)
    updated_at = models.DateTimeField("gewijzigd", auto_now=True)

    objects = ColumnQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = "column"
        verbose_name_plural = "columns"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_column_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.body_html = render_markdown(self.body)
        self.word_count = count_words(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:column_detail", kwargs={"slug": self.slug})

    def clean(self):
        # Forms check the constraints before save(): publishing with an empty
        # moment means "now" there too, as the field's help text promises.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def reading_time(self):
        """Minutes to read, at about 200 words a minute, at least 1."""
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def reactions_close_at(self):
        """When reactions close by themselves; None when they never do.

        The days count from when the column appeared on this site: its publication,
        or, for a column added here later with its original (earlier) date, the
        moment it was added.
        """
        days = settings.REACTIONS_CLOSE_AFTER_DAYS
        if days <= 0 or self.published_at is None:
            return None
        appeared = max(self.published_at, self.created_at or self.published_at)
        return appeared + timedelta(days=days)

    @property
    def reactions_open(self):
        """Readers may react: public, not closed by an editor, not closed by age."""
        if self.reactions_closed or not self.is_public:
            return False
        close_at = self.reactions_close_at
        return close_at is None or timezone.now() < close_at


# Reader reactions and their moderation.


def normalise_email(email):
    return email.strip().lower()


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
        KNOWN = "known", "E-mailadres met een eerder goedgekeurde reactie"
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

    class Meta:
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
        self.email = normalise_email(self.email)
        self.body_html = render_plain_text(self.body)
        self.body_digest = text_digest(self.body) if self.body.strip() else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.column.get_absolute_url()}#reactie-{self.pk}"

    def clean(self):
        if self.parent_id is not None:
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": "Een antwoord kan niet op een antwoord."})
            if self.parent.column_id != self.column_id:
                raise ValidationError({"parent": "Het antwoord hoort bij een andere column."})


# The search index tables live with the search package.
from .search.models import SearchIndexInfo, SearchWord  # noqa: E402, F401
