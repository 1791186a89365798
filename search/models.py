"""The search index's own tables that both databases share (the rest is per backend).

The tables keep the names they had when search lived inside `articles`.
"""

from django.db import models


class SearchWord(models.Model):
    """A word seen in an indexed column, with its stem: the vocabulary that typos are
    corrected against, compounds joined and split with, and "Bedoelde je" picks from.

    `frequency` is the number of indexed columns whose text holds the word's stem (so
    every word of one stem has the same frequency; 0 once no column holds it). `kind`
    says whether the word occurs in an author's or theme's name. `length` and `initial`
    narrow the candidates of a typo to a small window, and `backwards` finds the
    compounds that end in a typed word (search.fuzzy)."""

    class Kind(models.TextChoices):
        TEXT = "tekst", "tekst"
        NAME = "naam", "naam van auteur of thema"

    word = models.CharField("woord", max_length=40, primary_key=True)
    stem = models.CharField("stam", max_length=40, db_index=True)
    frequency = models.PositiveIntegerField("aantal columns", default=0)
    kind = models.CharField("soort", max_length=5, choices=Kind.choices, default=Kind.TEXT)
    length = models.PositiveSmallIntegerField("lengte", default=0)
    initial = models.CharField("beginletter", max_length=1, default="")
    # The word backwards: the words that end in a typed word are a range of these.
    backwards = models.CharField("achterstevoren", max_length=40, default="", db_index=True)

    class Meta:
        db_table = "articles_searchword"
        ordering = ["word"]
        indexes = [
            models.Index(fields=["initial", "length"], name="articles_searchword_window"),
        ]
        verbose_name = "zoekwoord"
        verbose_name_plural = "zoekwoorden"

    def __str__(self):
        return self.word


class SearchIndexInfo(models.Model):
    """One row: the analyzer version the index was built with."""

    analyzer_version = models.PositiveIntegerField("versie van de analyse")
    built_at = models.DateTimeField("opgebouwd", auto_now=True)

    class Meta:
        db_table = "articles_searchindexinfo"
        ordering = ["pk"]
        verbose_name = "zoekindex"
        verbose_name_plural = "zoekindex"

    def __str__(self):
        return f"zoekindex (analyse v{self.analyzer_version})"
