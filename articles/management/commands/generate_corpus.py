"""Generate a synthetic corpus of columns for benchmarks.

The words come from the seed columns, drawn with a Zipf-like spread: the words that
are common in the seed are common in most generated columns, rare ones appear in few.
Generated rows are recognisable by their slug prefix, so they can be removed again.

Two profiles (`--profile`):

- `uniform` (the default, and the corpus of the benchmark tables so far): every column
  3–8 paragraphs of 40–90 words, drawn with weight 1/rank; 1–4 themes, all alike.
- `realistic`: short, middling and long columns; a handful of domain words in nearly
  every column; a Zipf tail of made-up compounds that each occur in a few columns;
  some themes far more popular than others.
"""

import math
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from articles.models import Author, Column, Theme, ThemedColumn
from articles.signals import columns_loaded

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

# The realistic profile.
LENGTHS = [  # (share of the columns, median length in words, spread: lognormal sigma)
    (0.20, 220, 0.20),  # short notes, about 150–300 words
    (0.72, 680, 0.25),  # the bulk, about 500–900
    (0.08, 1400, 0.30),  # long reads, up to LONGEST
]
SHORTEST, LONGEST = 120, 2500
# Words a column on customer service can hardly do without: (word, share of the
# columns that have it, occurrences per 1,000 words in those). They are left out of
# the Zipf draw, so the share is what is written here.
DOMAIN_WORDS = [
    ("klant", 0.99, 6),
    ("klanten", 0.85, 3),
    ("organisatie", 0.80, 2),
    ("medewerkers", 0.75, 2),
    ("medewerker", 0.60, 1),
]
ZIPF_EXPONENT = 1.07  # over the seed words and then the made-up ones
MADE_UP_WORDS = 300_000
# The sounds of made-up Dutch-looking words and compounds.
ONSETS = (
    "b d f g h j k l m n p r s t v w z bl br dr fl gr kl kn kr pl pr sch sl sp st tr vl vr zw"
).split()
VOWELS = "a e i o u a e i o aa ee oo uu ie oe ei ij ui ou eu".split()
CODAS = ["", "", "", "n", "r", "l", "k", "t", "s", "m", "nd", "rt", "ng", "ld", "cht", "rk", "st"]
SUFFIXES = ["", "", "", "ing", "heid", "lijk", "schap", "baar", "atie", "er", "en", "te", "ig"]


def seed_vocabulary():
    """Words of the seed columns, most frequent first, with their counts."""
    text = " ".join(Column.objects.exclude(slug__startswith=PREFIX).values_list("body", flat=True))
    words = re.findall(r"[^\W\d_]+", text.lower())
    return Counter(words).most_common()


def made_up_word(rng, parts, taken):
    """A new word that looks Dutch, not in `taken` (and then added to it): an invented
    stem with a suffix ("zwoorzoking"), or a compound of a seed word and an invented
    stem ("klantvloering", "brietbeleid")."""
    while True:
        stem = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
            for _ in range(rng.randint(1, 2))
        )
        kind = rng.random()
        if kind < 0.4:
            word = stem + rng.choice(SUFFIXES)
        elif kind < 0.7:
            word = rng.choice(parts) + stem + rng.choice(SUFFIXES)
        else:
            word = stem + rng.choice(parts)
        if len(word) >= 4 and word not in taken:
            taken.add(word)
            return word


class Uniform:
    """The default profile: every column 3–8 paragraphs of 40–90 words, each word drawn
    from the seed vocabulary with weight 1/rank; 1–4 themes, each as likely."""

    def __init__(self, vocabulary, themes):
        self.words = [word for word, _ in vocabulary]
        # Zipf: the word of rank r is drawn with weight 1 / r.
        self.weights = [1 / rank for rank in range(1, len(self.words) + 1)]
        self.themes = themes

    def title(self, rng):
        words = rng.choices(self.words[50:], weights=self.weights[50:], k=rng.randint(3, 7))
        return " ".join(words).capitalize()

    def paragraphs(self, rng):
        return [
            " ".join(
                rng.choices(self.words, weights=self.weights, k=rng.randint(40, 90))
            ).capitalize()
            + "."
            for _ in range(rng.randint(3, 8))
        ]

    def column_themes(self, rng):
        return rng.sample(self.themes, rng.randint(1, 4))


class Realistic(Uniform):
    """Columns of skewed lengths (LENGTHS), DOMAIN_WORDS in nearly all of them, the
    other words drawn with weight 1/rank**ZIPF_EXPONENT from the seed vocabulary
    followed by MADE_UP_WORDS rare ones, and themes drawn with weight 1/rank. Titles
    as in the default profile."""

    def __init__(self, vocabulary, themes):
        super().__init__(vocabulary, themes)
        planted = {word for word, _, _ in DOMAIN_WORDS}
        # The word of each rank: the seed's, then MADE_UP_WORDS that are named when
        # they are first drawn (most of them never are in a corpus of 10,000 columns).
        self.names = [word for word in self.words if word not in planted]
        self.names += [None] * MADE_UP_WORDS
        self.ranks = range(len(self.names))
        self.rank_weights = list(accumulate((rank + 1) ** -ZIPF_EXPONENT for rank in self.ranks))
        self.taken = set(self.words)
        self.parts = [word for word in self.words if 5 <= len(word) <= 10]
        self.theme_weights = list(accumulate(1 / rank for rank in range(1, len(themes) + 1)))

    def name(self, rng, rank):
        self.names[rank] = made_up_word(rng, self.parts, self.taken)
        return self.names[rank]

    def length(self, rng):
        _, median, sigma = rng.choices(LENGTHS, weights=[share for share, _, _ in LENGTHS])[0]
        length = rng.lognormvariate(math.log(median), sigma)
        return round(min(LONGEST, max(SHORTEST, length)))

    def paragraphs(self, rng):
        length = self.length(rng)
        planted = []
        for word, share, per_thousand in DOMAIN_WORDS:
            if rng.random() < share:
                planted += [word] * (1 + rng.binomialvariate(length, per_thousand / 1000))
        ranks = rng.choices(self.ranks, cum_weights=self.rank_weights, k=length - len(planted))
        words = [self.names[rank] or self.name(rng, rank) for rank in ranks]
        for word in planted:
            words.insert(rng.randrange(len(words) + 1), word)
        paragraphs = []
        while words:
            size = rng.randint(40, 110)
            if len(words) - size < 25:  # no stub of a paragraph at the end
                size = len(words)
            paragraphs.append(" ".join(words[:size]).capitalize() + ".")
            words = words[size:]
        return paragraphs

    def column_themes(self, rng):
        chosen = []
        for _ in range(rng.randint(1, 4)):
            theme = rng.choices(self.themes, cum_weights=self.theme_weights)[0]
            while theme in chosen:
                theme = rng.choices(self.themes, cum_weights=self.theme_weights)[0]
            chosen.append(theme)
        return chosen


PROFILES = {"uniform": Uniform, "realistic": Realistic}


class Command(BaseCommand):
    help = "Add N synthetic columns made of the seed vocabulary (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=42, help="random seed (repeatable)")
        parser.add_argument("--clear", action="store_true", help="remove generated rows first")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--profile",
            choices=PROFILES,
            default="uniform",
            help="uniform: all columns alike (default); realistic: see the module's docstring",
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="leave derived data such as the search index to the caller (who rebuilds it)",
        )

    def handle(self, *args, count, seed, clear, batch_size, profile, no_index, **options):
        if clear:
            self.clear()
        vocabulary = seed_vocabulary()
        if not vocabulary:
            self.stderr.write("No seed columns: run `manage.py load_seed` first.")
            return
        rng = random.Random(seed)
        authors = self.authors(rng)
        themes = list(Theme.objects.exclude(slug__startswith=PREFIX)) + self.extra_themes()
        text = PROFILES[profile](vocabulary, themes)
        start = Column.objects.filter(slug__startswith=PREFIX).count()
        created = 0
        while created < count:
            size = min(batch_size, count - created)
            self.make_batch(rng, start + created, size, text, authors)
            created += size
            self.stdout.write(f"{created}/{count} columns", ending="\r")
            self.stdout.flush()
        if not no_index:
            # Written in bulk, without their post_save signals: the search index and
            # other derived data catch up in one go.
            columns_loaded.send(sender=self.__class__)
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

    def make_batch(self, rng, offset, size, text, authors):
        epoch = datetime(2005, 1, 1, tzinfo=UTC)
        span = (datetime(2026, 11, 1, tzinfo=UTC) - epoch).total_seconds()
        columns = []
        for number in range(offset, offset + size):
            title = text.title(rng)
            paragraphs = text.paragraphs(rng)
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
                    for theme in text.column_themes(rng)
                ]
            )
