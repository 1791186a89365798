import hashlib
import io
import re
import statistics
from collections import Counter

from django.core.management import call_command

import search
from articles.markdown import count_words, render_markdown
from articles.models import Author, Column

# What `generate_corpus 20 --seed 42` wrote before there were profiles: the benchmark
# tables so far were measured on this corpus, so the default must keep writing it. (If
# the seed columns change on purpose, their vocabulary does too: then update this.)
UNIFORM_FIRST_TITLE = "Mij alleen zij"
UNIFORM_FINGERPRINT = "df1c536e2c5b95a480c8990758783257e54a69db09851f1e394d1fcbc04f9600"


def generate(count, **options):
    """The columns `generate_corpus count` adds (to those there are)."""
    before = Column.objects.filter(slug__startswith="corpus-").count()
    options.setdefault("no_index", True)  # these tests read the columns, not the index
    call_command("generate_corpus", count, stdout=io.StringIO(), **options)
    return list(
        Column.objects.filter(slug__startswith="corpus-")
        .order_by("pk")
        .select_related("author")
        .prefetch_related("themes")[before:]
    )


def fingerprint(columns):
    """What the columns say (the slug's number is their place in the corpus)."""
    text = repr(
        [
            (
                column.title,
                column.lead,
                column.body,
                column.author.slug,
                column.published_at.isoformat(),
                sorted(theme.name for theme in column.themes.all()),
            )
            for column in columns
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def words_of(column):
    return set(re.findall(r"[^\W\d_]+", column.body.lower()))


def test_generate_corpus_adds_published_columns_from_the_seed_vocabulary(seed):
    call_command("generate_corpus", 30, verbosity=0, stdout=None)
    generated = Column.objects.filter(slug__startswith="corpus-")

    assert generated.count() == 30
    assert Column.objects.published().count() == 35
    # Written in bulk, without save(): the derived fields are filled in all the same.
    for column in generated:
        assert column.themes.exists()
        assert column.body_html == render_markdown(column.body)
        assert column.word_count == count_words(column.body) > 0
    # ...and the search index: a search finds them without a rebuild.
    newest = generated.order_by("-published_at").first()
    assert newest in [hit.column for hit in search.search(f'"{newest.title}"').hits]

    call_command("generate_corpus", 5, "--clear", verbosity=0)
    assert Column.objects.filter(slug__startswith="corpus-").count() == 5
    assert Author.objects.filter(slug="john-hermarij").exists()


def test_the_default_profile_writes_the_corpus_of_the_earlier_benchmarks(seed):
    columns = generate(20, seed=42)
    assert columns[0].title == UNIFORM_FIRST_TITLE
    assert fingerprint(columns) == UNIFORM_FINGERPRINT
    # Asked for by name, and added to a corpus: the same columns again.
    assert fingerprint(generate(20, seed=42, profile="uniform")) == UNIFORM_FINGERPRINT


def test_realistic_columns_are_short_middling_and_long(seed):
    columns = generate(300, profile="realistic", seed=1)
    lengths = [column.word_count for column in columns]

    assert min(lengths) >= 120 and max(lengths) <= 2500
    assert sum(length <= 300 for length in lengths) >= 0.1 * len(lengths)
    assert sum(500 <= length <= 900 for length in lengths) >= 0.4 * len(lengths)
    assert sum(length >= 1000 for length in lengths) >= 0.05 * len(lengths)
    assert 500 <= statistics.median(lengths) <= 800
    for column in columns[:5]:
        assert column.body_html == render_markdown(column.body)
        assert column.word_count == count_words(column.body)


def test_realistic_columns_share_a_few_words_and_have_a_long_tail(seed):
    columns = generate(300, profile="realistic", seed=1)
    in_columns = Counter(word for column in columns for word in words_of(column))

    def share(word):
        return in_columns[word] / len(columns)

    assert share("klant") >= 0.95
    for word in ["klanten", "organisatie", "medewerkers", "medewerker"]:
        assert 0.5 <= share(word) <= 0.95, word
    # A Zipf tail: most words occur in 1–5 columns, many of them in a single one.
    rare = [word for word, count in in_columns.items() if count <= 5]
    assert len(rare) >= 0.75 * len(in_columns)
    assert sum(count == 1 for count in in_columns.values()) >= 10_000
    # Some themes are on many columns, others on few.
    themes = Counter(theme.name for column in columns for theme in column.themes.all())
    (_, most), *_, (_, fewest) = themes.most_common()
    assert most >= 0.4 * len(columns)
    assert most >= 5 * fewest


def test_realistic_corpus_is_the_same_for_the_same_seed(seed):
    first = fingerprint(generate(40, profile="realistic", seed=5))

    assert fingerprint(generate(40, profile="realistic", seed=5)) == first
    assert fingerprint(generate(40, profile="realistic", seed=6)) != first
