"""What an import remembers: where each imported thing came from, and the old addresses
that now lead to the columns."""

from django.conf import settings
from django.db import models


class ImportRecord(models.Model):
    """One thing brought in by an import, under the key it has at its source: a
    WordPress post's GUID, a comment's id, an author's login, a Markdown file's slug,
    an image file's SHA-256. A second run finds it again by that key; `fingerprint`
    (a hash of what the source said) tells whether anything changed since."""

    class Kind(models.TextChoices):
        COLUMN = "column", "column"
        REACTION = "reaction", "reactie"
        AUTHOR = "author", "auteur"
        IMAGE = "image", "beeld"

    kind = models.CharField("soort", max_length=10, choices=Kind.choices)
    key = models.CharField("sleutel bij de bron", max_length=255)
    object_id = models.PositiveBigIntegerField("id hier")
    fingerprint = models.CharField("vingerafdruk", max_length=64, blank=True)
    imported_at = models.DateTimeField("geïmporteerd", auto_now=True)

    class Meta:
        ordering = ["kind", "key"]
        verbose_name = "geïmporteerd item"
        verbose_name_plural = "geïmporteerde items"
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="import_record_unique_key"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"


class LegacyAddress(models.Model):
    """An address a column had on the old site: its path ("/2012/01/07/titel/") or its
    WordPress post number (`?p=1241`). It answers with a permanent redirect."""

    path = models.CharField("oud pad", max_length=255, blank=True, db_index=True)
    post_id = models.PositiveBigIntegerField("WordPress-nummer", null=True, blank=True)
    column = models.ForeignKey(
        "articles.Column",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="column",
    )

    class Meta:
        ordering = ["path"]
        verbose_name = "oud adres"
        verbose_name_plural = "oude adressen"
        constraints = [
            models.UniqueConstraint(
                fields=["path"], condition=~models.Q(path=""), name="legacy_path_unique"
            ),
            models.UniqueConstraint(fields=["post_id"], name="legacy_post_id_unique"),
            models.CheckConstraint(
                condition=~models.Q(path="") | models.Q(post_id__isnull=False),
                name="legacy_address_has_path_or_id",
            ),
        ]

    def __str__(self):
        return self.path or f"?p={self.post_id}"


class PendingImport(models.Model):
    """A WordPress export uploaded in the admin, kept (compressed, in the database, so
    any app server can finish it) between its dry run and the editor's confirmation."""

    filename = models.CharField("bestandsnaam", max_length=255)
    data = models.BinaryField("inhoud (gecomprimeerd)")
    size = models.PositiveBigIntegerField("grootte in bytes")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="geüpload door",
    )
    uploaded_at = models.DateTimeField("geüpload", auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "WordPress-import"
        verbose_name_plural = "WordPress-imports"
        permissions = [("import_wordpress", "Mag een WordPress-export importeren")]

    def __str__(self):
        return self.filename
