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
            # The typo candidates' windows, and the floor of each (search.fuzzy._window).
            models.Index(
                fields=["initial", "length", "frequency"], name="articles_searchword_window"
            ),
        ]
        verbose_name = "zoekwoord"
        verbose_name_plural = "zoekwoorden"

    def __str__(self):
        return self.word


class SearchIndexInfo(models.Model):
    """One row: the analyzer version the index was built with, and the number of
    indexed columns and their total body length in words (for search.bm25), kept
    current with the index."""

    analyzer_version = models.PositiveIntegerField("versie van de analyse")
    built_at = models.DateTimeField("opgebouwd", auto_now=True)
    columns = models.PositiveIntegerField("columns", default=0)
    body_words = models.PositiveBigIntegerField("woorden in de tekst", default=0)

    class Meta:
        db_table = "articles_searchindexinfo"
        ordering = ["pk"]
        verbose_name = "zoekindex"
        verbose_name_plural = "zoekindex"

    def __str__(self):
        return f"zoekindex (analyse v{self.analyzer_version})"


class SearchLog(models.Model):
    """One search a reader made on the site or through the JSON API (search.log).

    Nothing about the reader: no address, cookie, user agent or account; the query is
    masked before it is stored (e-mail addresses, telephone numbers, long numbers,
    postcodes with a house number), the time kept to the minute. Kept
    `SEARCH_LOG_DAYS` days (`purge_search_log`)."""

    query = models.CharField("zoekopdracht", max_length=200)
    # The query's stems, sorted and distinct: "klanten centraal" and "centraal klant"
    # share one, so Zoekinzicht groups them.
    stem_key = models.CharField("stammen", max_length=200, db_index=True)
    results = models.PositiveIntegerField("resultaten")
    page = models.PositiveIntegerField("pagina", default=1)
    filters = models.CharField("filters", max_length=300, blank=True)
    sort = models.CharField("sortering", max_length=20)
    searched_at = models.DateTimeField("gezocht om", db_index=True)
    # The rank of the result a reader then opened (0: a recommended column), if any.
    opened_rank = models.PositiveSmallIntegerField("geopend op plaats", null=True, blank=True)
    opened_column = models.ForeignKey(
        "articles.Column",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="geopende column",
    )

    class Meta:
        ordering = ["-searched_at", "-pk"]
        verbose_name = "Zoekinzicht"
        verbose_name_plural = "Zoekinzicht"

    def __str__(self):
        return f"{self.query} ({self.searched_at:%Y-%m-%d %H:%M})"


class SynonymSet(models.Model):
    """Words a search treats alike (search.synonyms): two-way ("klantgericht,
    klantgerichtheid, klantfocus": each finds the others) or, with `also_find`,
    one-way ("KC" also finds "klant centraal", not the other way round)."""

    words = models.CharField(
        "woorden",
        max_length=300,
        help_text="Woorden of woordgroepen, gescheiden door komma’s, zoals: klantgericht,"
        " klantgerichtheid, klantfocus.",
    )
    also_find = models.CharField(
        "vindt ook (alleen deze kant op)",
        max_length=300,
        blank=True,
        help_text="Leeg: alle woorden hierboven vinden elkaar. Ingevuld: wie een van de"
        " woorden hierboven zoekt, vindt ook deze (niet andersom), zoals KC → klant centraal.",
    )
    updated_at = models.DateTimeField("gewijzigd", auto_now=True)

    class Meta:
        ordering = ["words"]
        verbose_name = "groep synoniemen"
        verbose_name_plural = "groepen synoniemen"

    def __str__(self):
        if self.also_find:
            return f"{self.words} → {self.also_find}"
        return self.words


class Recommendation(models.Model):
    """Columns the editors put on top of the results of a query ("Aanbevolen"),
    matched after stemming and synonyms (search.recommend), optionally until a day."""

    query = models.CharField(
        "zoekopdracht", max_length=200, help_text="Zoals een lezer het typt, zoals: klantfocus."
    )
    until = models.DateField(
        "tot en met", null=True, blank=True, help_text="Leeg: zonder einddatum."
    )
    updated_at = models.DateTimeField("gewijzigd", auto_now=True)

    class Meta:
        ordering = ["query"]
        verbose_name = "aanbeveling"
        verbose_name_plural = "aanbevelingen"

    def __str__(self):
        return self.query


class RecommendedColumn(models.Model):
    """One of at most three columns of a `Recommendation`, in the editors' order."""

    MAX_PER_QUERY = 3

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="columns"
    )
    column = models.ForeignKey(
        "articles.Column", on_delete=models.CASCADE, related_name="+", verbose_name="column"
    )
    position = models.PositiveSmallIntegerField("volgorde", default=1)

    class Meta:
        ordering = ["recommendation", "position", "pk"]
        verbose_name = "aanbevolen column"
        verbose_name_plural = "aanbevolen columns"
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "column"], name="search_recommended_once"
            )
        ]

    def __str__(self):
        return str(self.column)
