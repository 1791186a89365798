"""WordPress and Markdown import and export (transfer/): docs/transfer.md."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Author, Column, Theme
from images.models import Image
from reactions.models import Reaction
from transfer import importer as importer_module
from transfer.models import ImportRecord, LegacyAddress

from . import images
from .browser import tools

WXR = Path(settings.BASE_DIR).parent / "shared" / "import" / "themeunittestdata.wordpress.xml"


@pytest.fixture(autouse=True)
def _shared_import_data():
    """The WordPress test export lives next to the repository (../shared/import/): a
    skip where it is missing, a failure under CI."""
    tools.require(WXR.exists(), str(WXR), "the shared import test data (../shared/import/)")


def run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def snapshot():
    """Everything an import may change, counted."""
    return {
        model.__name__: model.objects.count()
        for model in (Column, Author, Theme, Reaction, Image, ImportRecord, LegacyAddress)
    }


def wipe():
    Reaction.objects.all().delete()
    LegacyAddress.objects.all().delete()
    ImportRecord.objects.all().delete()
    Column.objects.all().delete()
    Author.objects.all().delete()
    Theme.objects.all().delete()


def contents():
    """The columns as the readers and editors know them, by slug."""
    return {
        c.slug: (
            c.title,
            c.lead,
            c.body,
            c.status,
            c.published_at,
            (c.author.name, c.author.slug, c.author.role, c.author.bio),
            sorted(t.name for t in c.themes.all()),
            c.source_name,
            c.source_url,
        )
        for c in Column.objects.select_related("author")
    }


@pytest.fixture
def imported(db):
    out = run("import_wordpress", str(WXR))
    return out


def test_wordpress_posts_become_columns_field_by_field(imported):
    column = Column.objects.get(slug="template-comments")
    assert column.title == "Template: Comments"
    assert column.status == Column.Status.PUBLISHED
    assert column.published_at == datetime(2012, 1, 3, 17, 11, 37, tzinfo=UTC)
    assert column.author.name == "Theme Buster"
    assert column.author.slug == "themedemos"
    assert column.lead == "This post tests comments in the following ways."
    assert "- Threaded comments up to 10 levels deep" in column.body
    assert "<li>Threaded comments up to 10 levels deep</li>" in column.body_html
    assert {"classic", "template"} <= {t.name for t in column.themes.all()}
    assert all(t.name == t.name.lower() for t in Theme.objects.all())

    excerpt = Column.objects.get(slug="template-excerpt-defined")
    assert excerpt.lead.startswith("This is a user-defined post excerpt.")

    markup = Column.objects.get(slug="markup-html-tags-and-formatting")
    assert "## Header one" in markup.body and "<h2" in markup.body_html
    assert "<script" not in markup.body_html and "<h1" not in markup.body_html

    caption = Column.objects.get(slug="post-format-image-caption")
    assert "[Bell on Wharf](https://wpthemetestdata.files.wordpress.com" in caption.body

    scheduled = Column.objects.get(slug="scheduled")
    assert scheduled.is_scheduled
    assert Column.objects.get(slug="draft").status == Column.Status.DRAFT
    protected = Column.objects.get(slug="template-password-protected")
    assert protected.status == Column.Status.DRAFT
    # No text: skipped with its reason; pages, menus and attachments are not columns.
    assert not Column.objects.filter(slug="edge-case-no-content").exists()
    assert "Edge Case: No Content — Geen tekst." in imported
    assert Column.objects.count() == 50
    assert "pagina's" in imported and "menu-items" in imported and "bijlagen" in imported


def test_wordpress_comments_become_reactions_one_level_deep(imported):
    column = Column.objects.get(slug="template-comments")
    reactions = Reaction.objects.filter(column=column)
    assert reactions.filter(status=Reaction.Status.APPROVED).exists()
    assert reactions.filter(parent__isnull=False).exists()
    # Replies to replies hang under the thread's first reaction.
    assert not reactions.filter(parent__parent__isnull=False).exists()
    anonymous = reactions.get(name="Anonymous User")
    assert anonymous.email == "fake@example.com"
    assert anonymous.created_at == datetime(2013, 3, 12, 4, 45, 54, tzinfo=UTC)
    assert "should be no Gravatar associated with it." in anonymous.body
    # Pingbacks and trackbacks are not reader reactions.
    pingbacks = Column.objects.get(slug="template-pingbacks-an-trackbacks")
    assert Reaction.objects.filter(column=pingbacks).count() == 1  # of 5: one comment
    assert "pingback: geen reactie van een lezer" in imported
    assert Reaction.objects.filter(status=Reaction.Status.PENDING).exists()


def test_old_addresses_answer_301(imported, client, settings):
    settings.PAGE_CACHE_SECONDS = 600  # the redirect works with the page cache on
    column = Column.objects.get(slug="template-comments")
    for _ in range(2):
        response = client.get("/2012/01/03/template-comments/")
        assert response.status_code == 301
        assert response["Location"] == column.get_absolute_url()
        response = client.get("/?p=1148")
        assert response.status_code == 301
        assert response["Location"] == column.get_absolute_url()
    assert client.get("/?p=999999").status_code == 200  # the home page as ever
    assert client.get("/2012/01/03/nothing-here/").status_code == 404


def test_second_run_changes_nothing(imported, django_assert_max_num_queries):
    before = snapshot()
    with django_assert_max_num_queries(40):
        out = run("import_wordpress", str(WXR))
    assert snapshot() == before
    assert "[nieuw]" not in out and "[bijgewerkt]" not in out


def test_second_run_updates_what_changed(imported, tmp_path):
    changed = WXR.read_text().replace(
        "This post tests comments in the following ways.",
        "This post tests comments in these ways.",
    )
    path = tmp_path / "changed.xml"
    path.write_text(changed)
    before = snapshot()
    out = run("import_wordpress", str(path))
    assert "[bijgewerkt] column: Template: Comments" in out
    assert snapshot() == before
    assert Column.objects.get(slug="template-comments").lead.endswith("in these ways.")


def test_dry_run_reports_and_changes_nothing(db):
    before = snapshot()
    out = run("import_wordpress", str(WXR), dry_run=True)
    assert snapshot() == before
    assert "[nieuw] column: Template: Comments" in out
    assert "Proefdraai" in out


HOSTILE = {
    "billion laughs": """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><title>&lol3;</title></channel></rss>""",
    "external entity": """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&xxe;</title></channel></rss>""",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused(db, tmp_path, name):
    path = tmp_path / "hostile.xml"
    path.write_text(HOSTILE[name])
    with pytest.raises(CommandError, match="niet veilig"):
        run("import_wordpress", str(path))
    assert snapshot()["Column"] == 0


@pytest.mark.parametrize(
    "text, message",
    [
        ("<html><body>Hallo</body></html>", "geen WordPress-export"),
        ("<rss><channel><title>x</title></channel></rss>", "wxr_version"),
        (
            WXR.read_text()[: len(WXR.read_text()) * 2 // 3] if WXR.exists() else "",
            "geen geldige XML",
        ),
    ],
    ids=["html", "rss without wxr", "broken halfway"],
)
def test_unusable_file_changes_nothing(db, tmp_path, text, message):
    path = tmp_path / "file.xml"
    path.write_text(text)
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        run("import_wordpress", str(path))
    assert snapshot() == before


def test_a_failing_item_is_skipped_whole(db, monkeypatch):
    original = importer_module.Importer._column

    def failing(self, plan, column=None):
        if plan.item.slug == "template-comments":
            raise ValueError("kapot")
        return original(self, plan, column)

    monkeypatch.setattr(importer_module.Importer, "_column", failing)
    out = run("import_wordpress", str(WXR))
    assert "[overgeslagen] column: Template: Comments — Fout bij opslaan: kapot" in out
    assert not Column.objects.filter(slug="template-comments").exists()
    assert not ImportRecord.objects.filter(key__endswith="?p=1148").exists()
    assert not Reaction.objects.filter(body__contains="Anonymous").exists()
    assert Column.objects.count() == 49


def test_images_come_from_the_media_dir(db, tmp_path):
    folder = tmp_path / "uploads" / "2008" / "06"
    folder.mkdir(parents=True)
    (folder / "100_5478.jpg").write_bytes(images.picture_bytes(width=640, height=480))
    run("import_wordpress", str(WXR), media_dir=str(tmp_path / "uploads"))
    column = Column.objects.get(slug="post-format-image-caption")
    image = Image.objects.get()
    assert f"[[beeld:{image.pk}]]" in column.body
    # The first post that shows it (a gallery, without texts) gave it its alt text.
    assert image.alt_text
    assert "<picture" in column.body_html or "<img" in column.body_html
    assert list(column.inline_images.all()) == [image]
    # Used again by other posts and by a second run: still one image.
    run("import_wordpress", str(WXR), media_dir=str(tmp_path / "uploads"))
    assert Image.objects.count() == 1


def test_search_finds_imported_columns(imported):
    import search

    results = search.search("threaded comments")
    assert any(hit.column.slug == "template-comments" for hit in results.hits)


def test_markdown_round_trip_of_the_seed(seed, tmp_path):
    before = contents()
    run("export_markdown", str(tmp_path / "export"))
    wipe()
    run("import_markdown", str(tmp_path / "export"))
    assert contents() == before
    # And once more: nothing changes.
    out = run("import_markdown", str(tmp_path / "export"))
    assert "[nieuw]" not in out and "[bijgewerkt]" not in out


def test_markdown_round_trip_of_the_wordpress_file(imported, tmp_path):
    before = contents()
    run("export_markdown", str(tmp_path / "export"))
    wipe()
    run("import_markdown", str(tmp_path / "export"))
    assert contents() == before


def test_markdown_round_trip_keeps_images(db, tmp_path, image_factory, column_factory):
    image = image_factory(alt_text="Een volle zaal", caption="De zaal om negen uur")
    column_factory(slug="met-beeld", body=f"Tekst.\n\n[[beeld:{image.pk}]]\n\nMeer tekst.\n")
    run("export_markdown", str(tmp_path / "export"))
    assert (tmp_path / "export" / "met-beeld.md").read_text().count("](media/") == 1
    wipe()
    Image.objects.all().delete()
    run("import_markdown", str(tmp_path / "export"))
    column = Column.objects.get(slug="met-beeld")
    new = Image.objects.get()
    assert new.alt_text == "Een volle zaal" and new.caption == "De zaal om negen uur"
    assert column.body == f"Tekst.\n\n[[beeld:{new.pk}]]\n\nMeer tekst.\n"


def test_markdown_import_front_matter_and_bad_files(db, tmp_path):
    (tmp_path / "goed.md").write_text(
        "---\ntitle: Luisteren loont\ndate: 2024-03-05 09:00\nauthor: Anna de Vries\n"
        "themes: [Klant Centraal, service]\nstatus: published\nlead: Kort.\n"
        "source: https://example.org/luisteren\n---\n\nDe tekst.\n"
    )
    (tmp_path / "kapot.md").write_text("---\ntitle: [niet af\n---\nTekst\n")
    (tmp_path / "zonder.md").write_text("Geen front matter.\n")
    out = run("import_markdown", str(tmp_path))
    column = Column.objects.get()
    assert column.slug == "goed"
    assert column.author.name == "Anna de Vries"
    assert sorted(t.name for t in column.themes.all()) == ["klant centraal", "service"]
    assert column.source_url == "https://example.org/luisteren"
    assert column.published_at == datetime(2024, 3, 5, 8, 0, tzinfo=UTC)  # 09:00 Amsterdam
    assert "kapot.md — Front matter is geen geldige YAML" in out
    assert "zonder.md — Geen front matter" in out


def test_markdown_unreadable_folder_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="Map niet gevonden"):
        run("import_markdown", str(tmp_path / "bestaat-niet"))


def test_wordpress_export_is_read_back_by_the_import(seed, tmp_path, reaction_factory):
    column = Column.objects.published().first()
    top = reaction_factory(column=column, name="Piet")
    reaction_factory(column=column, parent=top, name="Marie")
    reaction_factory(column=column, status=Reaction.Status.PENDING, name="Wacht")
    before = {
        c.slug: (c.title, c.lead, c.status, c.published_at, sorted(t.name for t in c.themes.all()))
        for c in Column.objects.all()
    }
    path = tmp_path / "export.xml"
    run("export_wordpress", str(path))
    wipe()
    run("import_wordpress", str(path))
    after = {
        c.slug: (c.title, c.lead, c.status, c.published_at, sorted(t.name for t in c.themes.all()))
        for c in Column.objects.all()
    }
    assert after == before
    reactions = Reaction.objects.filter(column__slug=column.slug)
    assert sorted(reactions.values_list("name", flat=True)) == ["Marie", "Piet"]
    assert reactions.get(name="Marie").parent == reactions.get(name="Piet")


def test_a_404_stays_a_404_when_old_addresses_cannot_be_looked_up(db, client, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("no such table: transfer_legacyaddress")

    monkeypatch.setattr(LegacyAddress.objects, "filter", broken)
    assert client.get("/2012/01/03/template-comments/").status_code == 404
    assert client.get("/?p=1148").status_code == 200
