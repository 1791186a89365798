from django.contrib.auth.models import Group
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Column

from . import factories


def test_redactie_group_may_curate_columns_authors_and_themes_only(db):
    group = Group.objects.get(name="Redactie")
    codenames = set(group.permissions.values_list("codename", flat=True))

    for model in ["column", "author", "theme"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"{action}_{model}" in codenames
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert labels == {"articles", "reactions", "images"}


def test_editor_sees_the_column_changelist_in_dutch(editor_client, seed):
    response = editor_client.get("/admin/articles/column/")
    assertContains(response, "Ga jij naar de klant?")
    assertContains(response, "Gepubliceerd")
    assertContains(response, "Status")  # filter
    assertContains(response, 'name="q"')  # search


def test_editor_cannot_manage_users(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403


def test_admin_search_and_filters(editor_client, seed):
    response = editor_client.get("/admin/articles/column/", {"q": "Marian"})
    assertContains(response, "Klanten komen altijd van rechts")
    assertNotContains(response, "Ga jij naar de klant?")
    response = editor_client.get("/admin/articles/column/", {"status__exact": "draft"})
    assertContains(response, "0 columns")


def test_editor_writes_a_draft_previews_and_publishes_it(editor_client, client, seed):
    author = factories.AuthorFactory(name="Nieuwe Schrijver", slug="nieuwe-schrijver")
    form = {
        "title": "Een nieuwe column",
        "slug": "een-nieuwe-column",
        "author": author.pk,
        "lead": "Over klanten.",
        "body": "## Kop\n\nDe klant centraal.",
        "themes": "klant centraal, evenwaardigheid",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "source_name": "",
        "source_url": "",
    }
    response = editor_client.post("/admin/articles/column/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    column = Column.objects.get(slug="een-nieuwe-column")
    assert {t.slug for t in column.themes.all()} == {"klant-centraal", "evenwaardigheid"}

    # Hidden from the public, visible to the editor as a preview.
    assert client.get("/columns/een-nieuwe-column/").status_code == 404
    assertContains(editor_client.get("/columns/een-nieuwe-column/"), "Concept")
    assertNotContains(client.get("/"), "Een nieuwe column")

    response = editor_client.post(
        "/admin/articles/column/",
        {"action": "publish", "_selected_action": [column.pk]},
    )
    assert response.status_code == 302

    for url in [
        "/",
        "/themas/klant-centraal/",
        "/auteurs/nieuwe-schrijver/",
        "/columns/een-nieuwe-column/",
    ]:
        assertContains(client.get(url), "Een nieuwe column")

    editor_client.post(
        "/admin/articles/column/", {"action": "unpublish", "_selected_action": [column.pk]}
    )
    assert client.get("/columns/een-nieuwe-column/").status_code == 404
    assertNotContains(client.get("/"), "Een nieuwe column")


def test_publishing_in_the_change_form_with_an_empty_moment_means_now(
    editor_client, client, column_factory
):
    column = column_factory(draft=True, title="Nu meteen")
    form = {
        "title": column.title,
        "slug": column.slug,
        "author": column.author.pk,
        "lead": column.lead,
        "body": column.body,
        "themes": "klant centraal",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "source_name": "",
        "source_url": "",
    }

    response = editor_client.post(f"/admin/articles/column/{column.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:3000]
    column.refresh_from_db()
    assert column.is_public
    assertContains(client.get("/"), "Nu meteen")


def test_editor_schedules_a_column(editor_client, client, author):
    form = {
        "title": "Straks",
        "slug": "straks",
        "author": author.pk,
        "lead": "Later.",
        "body": "Tekst.",
        "themes": "",
        "status": "published",
        "published_at_0": "2999-01-01",
        "published_at_1": "09:00:00",
        "source_name": "",
        "source_url": "",
    }
    assert editor_client.post("/admin/articles/column/add/", form).status_code == 302
    assert Column.objects.get(slug="straks").is_scheduled
    assert client.get("/columns/straks/").status_code == 404
    assertContains(editor_client.get("/columns/straks/"), "Gepland")


def test_add_form_prefills_slug_and_autocompletes_the_author(editor_client):
    response = editor_client.get("/admin/articles/column/add/")
    assertContains(response, "&quot;dependency_list&quot;: [&quot;title&quot;]")
    assertContains(response, "admin-autocomplete")


def test_author_autocomplete(editor_client, seed):
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "Snack", "app_label": "articles", "model_name": "column", "field_name": "author"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Hen Snackers"]


def test_view_on_site_links_to_the_column(editor_client, seed):
    column = Column.objects.get(slug="ga-jij-naar-de-klant")
    response = editor_client.get(f"/admin/articles/column/{column.pk}/change/")
    assertContains(response, "/admin/r/")


def test_author_and_theme_admins_show_column_counts(editor_client, seed):
    response = editor_client.get("/admin/articles/author/")
    assertContains(response, "John Hermarij")
    assert response.context["cl"].result_list[0].column_count >= 1
    response = editor_client.get("/admin/articles/theme/")
    assertContains(response, "klant centraal")
    assert all(theme.column_count >= 0 for theme in response.context["cl"].result_list)


def test_editor_edits_a_theme_description(editor_client, client, seed):
    from articles.models import Theme

    theme = Theme.objects.get(slug="evenwaardigheid")
    response = editor_client.post(
        f"/admin/articles/theme/{theme.pk}/change/",
        {
            "name": "evenwaardigheid",
            "slug": "evenwaardigheid",
            "description": "Gelijkwaardig *en* anders.",
            "featured": "on",
        },
    )
    assert response.status_code == 302
    assertContains(client.get("/themas/evenwaardigheid/"), "<em>en</em>")
