"""Generate a synthetic corpus of columns for benchmarks.

The words come from the seed columns, drawn with a Zipf-like spread: the words that
are common in the seed are common in most generated columns, rare ones appear in few.
Generated rows are recognisable by their slug prefix, so they can be removed again.
"""

import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from articles.models import Author, Column, Theme, ThemedColumn

PREFIX = "corpus-"
FIRST_NAMES = [
    "Anna",
    "Bram",
    "Carla",
    "Daan",
    "Eva",
    "Femke",
    "Gijs",
    "Hanna",
    "Ivo",
    "Joost",
    "Karin",
    "Lars",
    "Marloes",
    "Niels",
    "Olga",
    "Pieter",
    "Roos",
    "Sander",
    "Tessa",
    "Wouter",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
]
EXTRA_THEMES = [
    "klantreis",
    "teamwork",
    "communicatie",
    "verandermanagement",
    "cultuur",
    "innovatie",
    "projectmanagement",
    "coaching",
    "verkoop",
    "kwaliteit",
]


def seed_vocabulary():
    """Words of the seed columns, most frequent first, with their counts."""
    text = " ".join(Column.objects.exclude(slug__startswith=PREFIX).values_list("body", flat=True))
    words = re.findall(r"[^\W\d_]+", text.lower())
    return Counter(words).most_common()


class Command(BaseCommand):
    help = "Add N synthetic columns made of the seed vocabulary (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=42, help="random seed (repeatable)")
        parser.add_argument("--clear", action="store_true", help="remove generated rows first")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, count, seed, clear, batch_size, **options):
        if clear:
            self.clear()
        vocabulary = seed_vocabulary()
        if not vocabulary:
            self.stderr.write("No seed columns: run `manage.py load_seed` first.")
            return
        rng = random.Random(seed)
        words = [word for word, _ in vocabulary]
        # Zipf: the word of rank r is drawn with weight 1 / r.
        weights = [1 / rank for rank in range(1, len(words) + 1)]
        authors = self.authors(rng)
        themes = list(Theme.objects.all()) + self.extra_themes()
        start = Column.objects.filter(slug__startswith=PREFIX).count()
        created = 0
        while created < count:
            size = min(batch_size, count - created)
            self.make_batch(rng, start + created, size, words, weights, authors, themes)
            created += size
            self.stdout.write(f"{created}/{count} columns", ending="\r")
            self.stdout.flush()
        self.stdout.write(self.style.SUCCESS(f"Generated {count} columns."))

    def clear(self):
        with transaction.atomic():
            Column.objects.filter(slug__startswith=PREFIX).delete()
            Author.objects.filter(slug__startswith=PREFIX).delete()
            Theme.objects.filter(slug__startswith=PREFIX).delete()

    def authors(self, rng):
        authors = list(Author.objects.exclude(slug__startswith=PREFIX))
        generated = []
        names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES[:5]]
        for first, last in names:
            slug = f"{PREFIX}{slugify(f'{first} {last}')}"
            author = Author.objects.filter(slug=slug).first()
            if author is None:
                author = Author(
                    name=f"{first} {last}",
                    slug=slug,
                    role="gastauteur",
                    bio=f"{first} schrijft over klanten en medewerkers.",
                )
                author.save()
            generated.append(author)
        return authors + generated

    def extra_themes(self):
        themes = []
        for name in EXTRA_THEMES:
            theme, _ = Theme.objects.get_or_create(
                slug=f"{PREFIX}{slugify(name)}",
                defaults={"name": name, "description": f"Columns over {name}."},
            )
            themes.append(theme)
        return themes

    def make_batch(self, rng, offset, size, words, weights, authors, themes):
        epoch = datetime(2005, 1, 1, tzinfo=UTC)
        span = (datetime(2026, 11, 1, tzinfo=UTC) - epoch).total_seconds()
        columns = []
        for number in range(offset, offset + size):
            title_words = rng.choices(words[50:], weights=weights[50:], k=rng.randint(3, 7))
            title = " ".join(title_words).capitalize()
            paragraphs = [
                " ".join(rng.choices(words, weights=weights, k=rng.randint(40, 90))).capitalize()
                + "."
                for _ in range(rng.randint(3, 8))
            ]
            body = "\n\n".join(paragraphs)
            published = epoch + timedelta(seconds=rng.random() * span)
            columns.append(
                Column(
                    title=title,
                    slug=f"{PREFIX}{number}-{slugify(title)[:80]}",
                    lead=paragraphs[0].split(".")[0][:300] + ".",
                    body=body,
                    body_html="\n".join(f"<p>{escape(p)}</p>" for p in paragraphs),
                    word_count=len(body.split()),
                    author=rng.choice(authors),
                    status=Column.Status.PUBLISHED,
                    published_at=published,
                    created_at=published,
                    updated_at=published,
                )
            )
        with transaction.atomic():
            Column.objects.bulk_create(columns)
            ThemedColumn.objects.bulk_create(
                [
                    ThemedColumn(content_object=column, tag=theme)
                    for column in columns
                    for theme in rng.sample(themes, rng.randint(1, 4))
                ]
            )
