"""Revisions: every save of a column (admin, bulk action, import, restore) and of an
author or theme is kept; editors compare any two and restore one as a new revision."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Revision, Version

from articles import revisions
from articles.models import Column, Theme

from . import factories


def column_form(column, **changes):
    data = {
        "title": column.title,
        "slug": column.slug,
        "author": column.author.pk,
        "lead": column.lead,
        "body": column.body,
        "themes": ", ".join(theme.name for theme in column.themes.all()),
        "status": column.status,
        "published_at_0": "",
        "published_at_1": "",
        "source_name": column.source_name,
        "source_url": column.source_url,
        "revision_note": "",
    }
    if column.published_at:
        local = timezone.localtime(column.published_at)
        data["published_at_0"] = local.strftime("%d-%m-%Y")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    data.update(changes)
    return data


@pytest.fixture
def themes(db):
    return {
        name: factories.ThemeFactory(name=name, slug=name.replace(" ", "-"))
        for name in ("klant centraal", "medewerkers eerst", "evenwaardigheid")
    }


@pytest.fixture
def draft(editor_client, themes):
    """A column written in the admin: its first revision."""
    author = factories.AuthorFactory(name="Dirk Boersma")
    response = editor_client.post(
        reverse("admin:articles_column_add"),
        {
            "title": "Luisteren aan de balie",
            "slug": "luisteren-aan-de-balie",
            "author": author.pk,
            "lead": "Wie de klant wil begrijpen, begint bij de balie.",
            "body": "De medewerker aan de balie hoort elke dag wat klanten willen.",
            "themes": "klant centraal, medewerkers eerst",
            "status": "draft",
            "revision_note": "Eerste opzet",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Column.objects.get(slug="luisteren-aan-de-balie")


def test_an_admin_save_stores_a_revision_with_who_when_and_the_note(draft, editor):
    [version] = revisions.versions_of(draft)
    assert version.revision.user == editor
    assert version.revision.comment == "Eerste opzet"
    values = version.field_dict
    assert values["title"] == "Luisteren aan de balie"
    assert values["status"] == "draft"
    assert values["author_id"] == draft.author_id
    assert sorted(revisions.themes_in(version).values()) == ["klant centraal", "medewerkers eerst"]


def test_an_edit_stores_a_second_revision_and_keeps_the_first(draft, editor_client):
    response = editor_client.post(
        reverse("admin:articles_column_change", args=[draft.pk]),
        column_form(draft, body="De medewerker aan het loket hoort wat klanten willen."),
    )
    assert response.status_code == 302
    newest, first = revisions.versions_of(draft)
    assert "loket" in newest.field_dict["body"] and "balie" in first.field_dict["body"]
    assert newest.revision.comment == ""


def test_bulk_actions_store_a_revision_per_column(editor_client, column_factory):
    columns = [column_factory(draft=True) for _ in range(2)]
    response = editor_client.post(
        reverse("admin:articles_column_changelist"),
        {"action": "publish", "_selected_action": [c.pk for c in columns]},
    )
    assert response.status_code == 302
    for column in columns:
        [version] = revisions.versions_of(column)
        assert version.field_dict["status"] == "published"
        assert version.revision.comment.startswith("Bulkactie: ")
        assert version.revision.user.username == "redacteur"


def test_an_import_in_a_recording_block_stores_one_revision_with_its_themes(db, themes):
    with revisions.recording(note="Import uit het archief"):
        column = factories.ColumnFactory(themes=[themes["evenwaardigheid"]])
    [version] = revisions.versions_of(column)
    assert version.revision.comment == "Import uit het archief"
    assert list(revisions.themes_in(version).values()) == ["evenwaardigheid"]


def test_saves_elsewhere_are_recorded_when_they_commit_and_only_when_changed(
    db, themes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        column = factories.ColumnFactory(themes=[themes["klant centraal"]])
    [version] = revisions.versions_of(column)
    assert version.revision.user is None
    assert list(revisions.themes_in(version).values()) == ["klant centraal"]
    with django_capture_on_commit_callbacks(execute=True):
        column.save()  # nothing changed
    assert revisions.versions_of(column).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        column.themes.add(themes["evenwaardigheid"])
    assert revisions.versions_of(column).count() == 2


def test_the_diff_is_word_by_word():
    diff = revisions.word_diff(
        "De klant staat centraal, altijd.", "De klant staat echt centraal, soms."
    )
    assert diff == ("De klant staat <ins>echt </ins>centraal, <del>altijd</del><ins>soms</ins>.")
    assert revisions.word_diff("a <b>", "a <i>") == "a &lt;<del>b</del><ins>i</ins>&gt;"


def test_long_unchanged_stretches_are_shortened_in_a_diff():
    before = "Begin. " + "Een lange zin die niet verandert. " * 40 + "Einde oud."
    after = before.replace("Einde oud.", "Einde nieuw.")
    diff = revisions.word_diff(before, after)
    assert diff.startswith('<span class="diff__skip">[… ')
    assert "tekens ongewijzigd …]</span> " in diff
    assert diff.endswith("Einde <del>oud</del><ins>nieuw</ins>.")
    assert len(diff) < 600


def test_comparing_lists_themes_added_and_removed_status_and_dates(draft, editor_client, themes):
    editor_client.post(
        reverse("admin:articles_column_change", args=[draft.pk]),
        column_form(
            draft,
            title="Luisteren aan de balie, elke dag",
            themes="klant centraal, evenwaardigheid",
            status="published",
            published_at_0="03-12-2026",
            published_at_1="09:00:00",
        ),
    )
    newest, first = revisions.versions_of(draft)
    changes = {change.label: change for change in revisions.compare(first, newest)}
    assert set(changes) == {"Titel", "Status", "Publicatiemoment", "Thema's"}
    assert changes["Titel"].diff == "Luisteren aan de balie<ins>, elke dag</ins>"
    assert (changes["Status"].before, changes["Status"].after) == ("Concept", "Gepubliceerd")
    assert (changes["Publicatiemoment"].before, changes["Publicatiemoment"].after) == (
        "—",
        "3 december 2026 09:00",
    )
    assert changes["Thema's"].added == ["evenwaardigheid"]
    assert changes["Thema's"].removed == ["medewerkers eerst"]


def test_history_compare_and_restore_in_the_admin(draft, editor_client, client, themes):
    editor_client.post(
        reverse("admin:articles_column_change", args=[draft.pk]),
        column_form(
            draft,
            body="Een heel andere tekst.",
            themes="evenwaardigheid",
            status="published",
            revision_note="Herschreven",
        ),
    )
    newest, first = revisions.versions_of(draft)

    history = editor_client.get(reverse("admin:articles_column_history", args=[draft.pk]))
    assertContains(history, "2 versies")
    assertContains(history, "Herschreven")
    assertContains(history, "Tekst, Status, Publicatiemoment en Thema&#x27;s")
    assertContains(history, "eerste versie")

    compare = editor_client.get(
        reverse("admin:articles_column_compare", args=[draft.pk]),
        {"van": newest.pk, "naar": first.pk},  # either order: old to new
    )
    assertContains(compare, "<ins>Een heel andere tekst</ins>", html=False)
    assertContains(compare, "Toegevoegd: <ins>evenwaardigheid</ins>", html=False)

    restore_url = reverse("admin:articles_column_restore", args=[draft.pk, first.pk])
    confirm = editor_client.get(restore_url)
    assertContains(confirm, "Ja, zet deze versie terug")
    assertContains(confirm, "gehouden zoals nu: Slug, Status, Publicatiemoment")
    response = editor_client.post(restore_url)
    assert response.status_code == 302

    draft.refresh_from_db()
    assert draft.body == "De medewerker aan de balie hoort elke dag wat klanten willen."
    assert sorted(t.name for t in draft.themes.all()) == ["klant centraal", "medewerkers eerst"]
    assert draft.status == "published"  # the publication is not undone
    restored, *older = revisions.versions_of(draft)
    assert [v.pk for v in older] == [newest.pk, first.pk]  # history kept
    assert restored.revision.comment.startswith("Teruggezet naar de versie van ")
    assert client.get(draft.get_absolute_url()).content.decode().count("hoort elke dag") == 1


def test_revisions_are_for_staff_only(draft, client, django_user_model):
    for url in (
        reverse("admin:articles_column_history", args=[draft.pk]),
        reverse("admin:articles_column_restore", args=[draft.pk, 1]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    viewer = django_user_model.objects.create_user("kijker", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_column"))
    viewer_client = Client()
    viewer_client.force_login(viewer)
    version = revisions.versions_of(draft).first()
    assert (
        viewer_client.get(reverse("admin:articles_column_history", args=[draft.pk])).status_code
        == 200
    )
    restore = reverse("admin:articles_column_restore", args=[draft.pk, version.pk])
    assert viewer_client.post(restore).status_code == 403


def test_public_pages_show_nothing_of_revisions(draft, editor_client, client):
    editor_client.post(
        reverse("admin:articles_column_change", args=[draft.pk]),
        column_form(draft, status="published", body="Nieuwe tekst."),
    )
    page = client.get(draft.get_absolute_url())
    assertNotContains(page, "De medewerker aan de balie hoort")
    assertNotContains(page, "Eerste opzet")


def test_authors_and_themes_get_revisions_too(editor_client, theme):
    author = factories.AuthorFactory(name="Marian de Groot", slug="marian-de-groot")
    editor_client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {
            "name": author.name,
            "slug": author.slug,
            "role": "adviseur",
            "bio": "Nieuwe bio.",
            "website": "",
            "revision_note": "Bio bijgewerkt",
        },
    )
    editor_client.post(
        reverse("admin:articles_theme_change", args=[theme.pk]),
        {
            "name": theme.name,
            "slug": theme.slug,
            "description": "Beter uitgelegd.",
            "revision_note": "",
        },
    )
    [author_version] = revisions.versions_of(author)
    assert author_version.field_dict["bio"] == "Nieuwe bio."
    assert author_version.revision.comment == "Bio bijgewerkt"
    [theme_version] = revisions.versions_of(theme)
    assert theme_version.field_dict["description"] == "Beter uitgelegd."
    history = editor_client.get(reverse("admin:articles_author_history", args=[author.pk]))
    assertContains(history, "Bio bijgewerkt")


def test_restoring_a_theme_name_taken_since_is_refused_in_dutch(editor_client, theme):
    editor_client.post(
        reverse("admin:articles_theme_change", args=[theme.pk]),
        {"name": "klantgericht", "slug": theme.slug, "description": ""},
    )
    editor_client.post(
        reverse("admin:articles_theme_change", args=[theme.pk]),
        {"name": "klant voorop", "slug": theme.slug, "description": ""},
    )
    factories.ThemeFactory(name="klantgericht", slug="klantgericht")
    oldest = revisions.versions_of(theme).last()
    response = editor_client.post(
        reverse("admin:articles_theme_restore", args=[theme.pk, oldest.pk]), follow=True
    )
    assertContains(response, "Terugzetten lukte niet")
    theme.refresh_from_db()
    assert theme.name == "klant voorop"


def test_prune_keeps_the_newest_and_the_recent(db, themes):
    column = factories.ColumnFactory()
    other = factories.ColumnFactory()
    for number in range(6):
        with revisions.recording():
            column.title = f"Titel {number}"
            column.save()
            if number == 0:
                other.save()  # one revision with both columns
            column.themes.set([themes["klant centraal"]])
    # The four oldest are a year old.
    old = timezone.now() - timedelta(days=400)
    for version in list(revisions.versions_of(column))[2:]:
        Revision.objects.filter(pk=version.revision_id).update(date_created=old)
    call_command("prune_revisions", "--days", "365", "--keep", "3", verbosity=0)
    titles = [v.field_dict["title"] for v in revisions.versions_of(column)]
    assert titles == ["Titel 5", "Titel 4", "Titel 3"]
    assert revisions.versions_of(other).count() == 1  # shared revision, other column kept
    # The themes kept with the deleted versions went with them.
    assert Version.objects.filter(content_type__model="themedcolumn").count() == 3
    assert Revision.objects.count() == 3 + 1  # the kept three, and the shared one
    assert Theme.objects.count() == 3
