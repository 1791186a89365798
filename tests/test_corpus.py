from django.core.management import call_command

from articles.markdown import count_words, render_markdown
from articles.models import Author, Column


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

    call_command("generate_corpus", 5, "--clear", verbosity=0)
    assert Column.objects.filter(slug__startswith="corpus-").count() == 5
    assert Author.objects.filter(slug="john-hermarij").exists()
