"""The search index's own tables that both databases share (the rest is per backend).

The tables keep the names they had when search lived inside `articles`.
"""

from django.db import models


class SearchWord(models.Model):
    """A word seen in an indexed column, with its stem: the vocabulary "Bedoelde je"
    picks suggestions from."""

    word = models.CharField("woord", max_length=40, primary_key=True)
    stem = models.CharField("stam", max_length=40, db_index=True)

    class Meta:
        db_table = "articles_searchword"
        ordering = ["word"]
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
