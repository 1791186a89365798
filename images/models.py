"""The media library: images with the texts that go with them, and their renditions."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from . import signals


class Image(models.Model):
    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"

    file = models.FileField("bestand", max_length=255, editable=False)
    original_filename = models.CharField(
        "oorspronkelijke bestandsnaam", max_length=255, blank=True, editable=False
    )
    alt_text = models.CharField(
        "alt-tekst",
        max_length=250,
        help_text="Wat iemand die het beeld niet ziet moet weten, in één zin. "
        "Begin niet met ‘foto van’; noem tekst die in het beeld staat.",
    )
    caption = models.CharField(
        "onderschrift", max_length=300, blank=True, help_text="Staat onder het beeld."
    )
    credit = models.CharField(
        "maker of bron",
        max_length=200,
        blank=True,
        help_text="Fotograaf, illustrator of beeldbank, bijvoorbeeld ‘Anna de Vries’.",
    )
    format = models.CharField("soort", max_length=4, choices=Format.choices, editable=False)
    width = models.PositiveIntegerField("breedte", editable=False)
    height = models.PositiveIntegerField("hoogte", editable=False)
    file_size = models.PositiveIntegerField("grootte in bytes", editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name="geüpload door",
    )
    uploaded_at = models.DateTimeField("geüpload", auto_now_add=True)
    updated_at = models.DateTimeField("gewijzigd", auto_now=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "beeld"
        verbose_name_plural = "beelden"
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="image_has_alt_text"),
            models.CheckConstraint(
                condition=Q(width__gt=0) & Q(height__gt=0), name="image_has_dimensions"
            ),
        ]

    def __str__(self):
        text = self.alt_text if len(self.alt_text) <= 60 else f"{self.alt_text[:59]}…"
        return f"{text} (beeld {self.pk})" if self.pk else text

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # Pages that show this image (columns render it into their text) catch up.
            signals.image_changed.send(sender=Image, image=self)

    @property
    def mime_type(self):
        return f"image/{self.format.lower()}"

    @property
    def reference(self):
        """What an editor puts in a column's Markdown to show this image."""
        return f"[[beeld:{self.pk}]]"


class Rendition(models.Model):
    """A resized copy of an image in one format, made once and kept in storage."""

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions", verbose_name="beeld"
    )
    format = models.CharField("soort", max_length=4, choices=Image.Format.choices)
    width = models.PositiveIntegerField("breedte")
    height = models.PositiveIntegerField("hoogte")
    file = models.FileField("bestand", max_length=255)

    class Meta:
        ordering = ["image", "format", "width"]
        verbose_name = "versie op maat"
        verbose_name_plural = "versies op maat"
        constraints = [
            models.UniqueConstraint(fields=["image", "format", "width"], name="unique_rendition"),
        ]

    def __str__(self):
        return f"{self.image_id}: {self.format} {self.width}×{self.height}"

    @property
    def mime_type(self):
        return f"image/{self.format.lower()}"
