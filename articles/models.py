from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from images import html as image_html
from images.models import Image

from . import extensions
from .markdown import count_words, image_references, render_markdown, table_of_contents

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

    def with_visibility(self):
        """Annotate `is_public`: a published column has the theme. Themes typed on a
        draft or a scheduled column stay out of sight until that column appears."""
        published = ThemedColumn.objects.filter(
            tag=OuterRef("pk"), content_object__in=Column.objects.published()
        )
        return self.annotate(is_public=Exists(published))

    def public(self):
        """The themes the public may see: those with a published column."""
        return self.with_visibility().filter(is_public=True)

    def visible_to(self, user):
        """Staff see every theme (`is_public` tells which readers see too)."""
        return self.with_visibility() if user.is_staff else self.public()


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

    def slugify(self, tag, i=None):
        """The address of a new theme in plain letters ("ideeën" becomes "ideeen"):
        taggit keeps accents, which the site's <slug:…> addresses do not match."""
        slug = slugify(tag)
        return slug if i is None else f"{slug}_{i}"


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

    def __str__(self):
        # The theme's name: what the admin lists under a column being deleted (taggit's
        # "<column> tagged with <theme>" is half English), and what a revision
        # remembers of a column's theme.
        return self.tag.name


class ColumnQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: the columns that meet `Column.public_lookups()`."""
        return self.filter(**Column.public_lookups())

    def scheduled(self):
        """Planned columns: published, with a publication time still to come."""
        return self.filter(status=Column.Status.PUBLISHED, published_at__gt=timezone.now())

    def next_scheduled_at(self):
        """When the next planned column appears (None when none is planned)."""
        return self.scheduled().aggregate(moment=Min("published_at"))["moment"]

    def visible_to(self, user):
        """Staff preview drafts and scheduled columns; everyone else sees published ones."""
        return self.all() if user.is_staff else self.published()

    def with_related(self):
        """What listings show, fetched in a fixed number of queries: the author, the
        themes and what other apps annotate (see `with_annotations`)."""
        return self.select_related("author").prefetch_related("themes").with_annotations()

    def with_annotations(self):
        """The annotations other apps register for listings (reactions: the number
        of approved reactions), each computed in the same query."""
        return extensions.annotate_listing(self)

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
        help_text="Kies bestaande thema’s, of typ een nieuw thema en druk op Enter.",
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
    header_image = models.ForeignKey(
        Image,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="kopbeeld",
        help_text="Staat boven de tekst, en bij gedeelde links (Open Graph).",
    )
    # The library images the text shows ([[beeld:N]]), kept at save time: an image a
    # column shows cannot be deleted, and a change to it renders those columns again.
    inline_images = models.ManyToManyField(
        Image,
        through="ColumnImage",
        related_name="+",
        blank=True,
        editable=False,
        verbose_name="beelden in de tekst",
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
        shown = self.render_body()
        self.word_count = count_words(self.body)
        super().save(*args, **kwargs)
        self.inline_images.set(shown)

    def get_absolute_url(self):
        return reverse("articles:column_detail", kwargs={"slug": self.slug})

    def render_body(self):
        """Render the text into `body_html`; returns the library images it shows."""
        wanted = image_references(self.body)
        found = Image.objects.prefetch_related("renditions").in_bulk(wanted) if wanted else {}
        figures = {pk: image_html.figure(image) for pk, image in found.items()}
        self.body_html = render_markdown(self.body, figures=figures.get)
        return list(found.values())

    def clean(self):
        # Forms check the constraints before save(): publishing with an empty
        # moment means "now" there too, as the field's help text promises.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        wanted = image_references(self.body)
        known = Image.objects.filter(pk__in=wanted).values_list("pk", flat=True)
        missing = sorted(set(wanted) - set(known))
        if missing:
            numbers = ", ".join(str(number) for number in missing)
            raise ValidationError(
                {
                    "body": f"Beeld {numbers} bestaat niet in de beeldbank. Kies het beeld "
                    "met ‘Beeld invoegen’, of haal de regel weg."
                    if len(missing) == 1
                    else f"De beelden {numbers} bestaan niet in de beeldbank. Kies ze met "
                    "‘Beeld invoegen’, of haal de regels weg."
                }
            )

    @property
    def table_of_contents(self):
        """The subheadings, for a contents list: only for three or more."""
        entries = table_of_contents(self.body_html)
        return entries if sum(1 + len(sub) for _, _, sub in entries) >= 3 else []

    @property
    def breadcrumb_theme(self):
        """The theme in the breadcrumbs: the first by name, the same on every visit."""
        themes = list(self.themes.all())
        return themes[0] if themes else None

    @classmethod
    def public_lookups(cls):
        """The one rule for what the public may see, as field lookups: published, and
        its time has come. `published()` filters by it, and the search compiles it into
        SQL on its own rows (search/rows.py), so it names plain comparisons of fields
        only (`field`, `field__lte`, `field__in`, ...; no joins, no transforms)."""
        return {"status": cls.Status.PUBLISHED, "published_at__lte": timezone.now()}

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
    def state(self):
        """What an editor calls it: "Concept", "Gepland" or "Gepubliceerd"."""
        return "Gepland" if self.is_scheduled else self.get_status_display()

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


def render_columns_showing(sender, image, **kwargs):
    """images.signals.image_changed: the columns whose text shows `image` render it
    again (its alt text, caption, credit or file changed). No new revision: the text
    the editors wrote is the same."""
    for column in Column.objects.filter(inline_images=image).select_related(None):
        column.save(update_fields=["body_html"])


class ColumnImage(models.Model):
    """A library image that a column's text shows."""

    column = models.ForeignKey(Column, on_delete=models.CASCADE, verbose_name="column")
    image = models.ForeignKey(
        Image, on_delete=models.PROTECT, related_name="+", verbose_name="beeld"
    )

    class Meta:
        ordering = ["column", "image"]
        verbose_name = "beeld in een column"
        verbose_name_plural = "beelden in columns"
        constraints = [
            models.UniqueConstraint(fields=["column", "image"], name="unique_image_per_column"),
        ]

    def __str__(self):
        return f"In de tekst van ‘{self.column}’"
