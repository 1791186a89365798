"""Views of columns per day. Nothing about the reader: a count per column and day."""

from django.db import models

from articles.models import Column


class DailyViews(models.Model):
    column = models.ForeignKey(
        Column, on_delete=models.CASCADE, related_name="daily_views", verbose_name="column"
    )
    day = models.DateField("dag")
    views = models.PositiveIntegerField("weergaven", default=0)
    # Views of readers who came from the site's own search page (the Referer).
    from_search = models.PositiveIntegerField("via zoeken", default=0)

    class Meta:
        verbose_name = "Columns in cijfers"
        verbose_name_plural = "Columns in cijfers"
        constraints = [
            models.UniqueConstraint(fields=["column", "day"], name="figures_one_row_per_day")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.column} op {self.day}: {self.views}"
