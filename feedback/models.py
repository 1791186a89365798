"""Readers' answers to "Was dit nuttig?".

An answer holds no personal data: no IP address, no cookie, no account. How one
reader's repeated clicks count once is in services.py.
"""

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Column


class Vote(models.Model):
    class Reason(models.TextChoices):
        UNCLEAR = "onduidelijk", "Onduidelijk"
        OUTDATED = "verouderd", "Verouderd"
        NOT_WHAT_I_SOUGHT = "niet-gezocht", "Niet wat ik zocht"
        OTHER = "anders", "Anders"

    column = models.ForeignKey(
        Column, on_delete=models.CASCADE, related_name="votes", verbose_name="column"
    )
    useful = models.BooleanField("nuttig")
    reason = models.CharField("reden", max_length=20, choices=Reason.choices, blank=True)
    comment = models.TextField("toelichting", max_length=500, blank=True)
    created_at = models.DateTimeField("gegeven op", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "antwoord"
        verbose_name_plural = "antwoorden"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{'Ja' if self.useful else 'Nee'} — {self.column}"


def score(yes, no):
    """The share of "Ja" answers as a whole percentage, or None without answers."""
    return round(100 * yes / (yes + no)) if yes + no else None


def vote_counts():
    """Annotations for a Column queryset: its yes and no answers."""
    return {
        "useful_yes": Count("votes", filter=Q(votes__useful=True)),
        "useful_no": Count("votes", filter=Q(votes__useful=False)),
    }


class ColumnFeedback(Column):
    """The columns as the admin lists them with their answers (a proxy: no table)."""

    class Meta:
        proxy = True
        verbose_name = "nuttig-score van een column"
        verbose_name_plural = "nuttig-score per column"
