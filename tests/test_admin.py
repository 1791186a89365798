import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.admin import ColumnAdmin
from articles.models import Column, Theme

from . import factories
from .redactie import redactie_group


def test_redactie_group_may_curate_columns_authors_and_themes_only(db):
    group = redactie_group()
    codenames = set(group.permissions.values_list("codename", flat=True))

    for model in ["column", "author", "theme"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"{action}_{model}" in codenames
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert labels == {"articles", "reactions", "images", "feedback", "figures", "search"}
    assert {"view_vote", "delete_vote", "view_columnfeedback", "view_dailyviews"} <= codenames
    assert {"view_searchlog", "add_synonymset", "add_recommendation"} <= codenames
    assert not {"add_vote", "change_vote", "change_dailyviews"} & codenames
    assert not {"add_searchlog", "change_searchlog", "delete_searchlog"} & codenames
    assert not {"add_searchword", "change_searchword"} & codenames


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
    response = editor_client.get("/admin/articles/column/", {"status": "draft"})
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


def test_view_on_site_links_to_the_column(editor_client, seed):
    column = Column.objects.get(slug="ga-jij-naar-de-klant")
    response = editor_client.get(f"/admin/articles/column/{column.pk}/change/")
    assertContains(response, "/admin/r/")


def test_author_and_theme_admins_count_every_column_and_say_what_readers_see(
    editor_client, column_factory
):
    writer = factories.AuthorFactory(name="Schrijver")
    factories.AuthorFactory(name="Rust")
    open_theme = factories.ThemeFactory(name="open")
    hidden = factories.ThemeFactory(name="verborgen")
    factories.ThemeFactory(name="ongebruikt")
    column_factory(author=writer, themes=[open_theme])
    column_factory(author=writer, draft=True, themes=[open_theme, hidden])
    column_factory(author=writer, scheduled=True, themes=[hidden])

    response = editor_client.get("/admin/articles/author/")
    assert {a.name: a.column_count for a in response.context["cl"].result_list} == {
        "Rust": 0,
        "Schrijver": 3,
    }

    response = editor_client.get("/admin/articles/theme/")
    themes = response.context["cl"].result_list
    admin_view = response.context["cl"].model_admin
    assert {t.name: (t.column_count, admin_view.on_site(t)) for t in themes} == {
        "ongebruikt": (0, "nee"),
        "open": (2, "ja"),
        "verborgen": (2, "nee"),
    }
    assertContains(response, '<td class="field-on_site">nee</td>', count=2, html=True)


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


def changelist_states(response):
    """{title: state} as the column changelist shows them."""
    return {
        column.title: response.context["cl"].model_admin.state(column)
        for column in response.context["cl"].result_list
    }


def test_the_column_list_shows_scheduled_columns_as_planned(editor_client, column_factory):
    column_factory(title="Al verschenen")
    column_factory(title="Nog een concept", draft=True)
    column_factory(title="Komt volgende week", scheduled=True)

    response = editor_client.get("/admin/articles/column/")

    assert changelist_states(response) == {
        "Al verschenen": "Gepubliceerd",
        "Nog een concept": "Concept",
        "Komt volgende week": "Gepland",
    }
    assertContains(response, '<td class="field-state">Gepland</td>', html=True)


@pytest.mark.parametrize(
    ("state", "titles"),
    [
        ("draft", {"Nog een concept"}),
        ("scheduled", {"Komt volgende week"}),
        ("published", {"Al verschenen"}),
    ],
)
def test_the_column_list_filters_on_state(editor_client, column_factory, state, titles):
    column_factory(title="Al verschenen")
    column_factory(title="Nog een concept", draft=True)
    column_factory(title="Komt volgende week", scheduled=True)

    response = editor_client.get("/admin/articles/column/", {"status": state})

    assert {column.title for column in response.context["cl"].result_list} == titles
    assertContains(response, f'href="?status={state}"')


def run_action(editor_client, action, columns):
    response = editor_client.post(
        "/admin/articles/column/",
        {"action": action, "_selected_action": [column.pk for column in columns]},
        follow=True,
    )
    return [str(message) for message in response.context["messages"]]


def test_publishing_a_scheduled_column_publishes_it_now(editor_client, client, column_factory):
    column = column_factory(title="Komt volgende week", scheduled=True)

    messages = run_action(editor_client, "publish", [column])

    column.refresh_from_db()
    assert column.is_public
    assert timezone.now() - column.published_at < timedelta(minutes=1)
    assert messages == ["1 column gepubliceerd."]
    assertContains(client.get("/"), "Komt volgende week")


def test_publishing_keeps_the_date_of_a_column_that_was_published_before(
    editor_client, column_factory
):
    earlier = timezone.now() - timedelta(days=400)
    withdrawn = column_factory(draft=True, published_at=earlier)
    new = column_factory(draft=True)

    messages = run_action(editor_client, "publish", [withdrawn, new])

    withdrawn.refresh_from_db()
    new.refresh_from_db()
    assert withdrawn.is_public and withdrawn.published_at == earlier
    assert new.is_public and timezone.now() - new.published_at < timedelta(minutes=1)
    assert messages == ["2 columns gepubliceerd."]


def test_publishing_columns_that_are_out_already_says_so(editor_client, column_factory):
    column = column_factory()

    messages = run_action(editor_client, "publish", [column])

    assert messages == ["De geselecteerde column stond al op de site."]


def test_unpublishing_counts_in_dutch(editor_client, column_factory):
    out, planned, draft = (
        column_factory(),
        column_factory(scheduled=True),
        column_factory(draft=True),
    )

    assert run_action(editor_client, "unpublish", [out]) == ["1 column teruggezet naar concept."]
    assert run_action(editor_client, "unpublish", [planned, draft, out]) == [
        "1 column teruggezet naar concept."
    ]
    out.status = planned.status = Column.Status.PUBLISHED
    out.save()
    planned.save()
    assert run_action(editor_client, "unpublish", [out, planned]) == [
        "2 columns teruggezet naar concept."
    ]
    assert run_action(editor_client, "unpublish", [draft]) == [
        "De geselecteerde column was niet gepubliceerd of gepland."
    ]


def test_the_column_list_sorts_on_state(editor_client, column_factory):
    column_factory(title="Al verschenen")
    column_factory(title="Komt volgende week", scheduled=True)
    column_factory(title="Nog een concept", draft=True)
    state = ColumnAdmin.list_display.index("state") + 1

    response = editor_client.get("/admin/articles/column/", {"o": str(state)})

    assert list(changelist_states(response).values()) == ["Concept", "Gepland", "Gepubliceerd"]


def autocomplete_authors(editor_client, term):
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "articles", "model_name": "column", "field_name": "author"},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize(
    ("term", "names"),
    [
        ("Hen", ["Hen Snackers"]),  # not Dirk Boersma, whose role says "coachend"
        ("hen snack", ["Hen Snackers"]),
        ("groothuis", ["Bart Groothuis"]),  # his name, not (also) his role
        (
            "r",
            ["Aileen Nederlof", "Bart Groothuis", "Dirk Boersma", "Hen Snackers", "John Hermarij"],
        ),
    ],
)
def test_the_author_autocomplete_matches_names(editor_client, seed, term, names):
    assert autocomplete_authors(editor_client, term) == names


def test_the_author_autocomplete_falls_back_on_the_role_when_no_name_matches(editor_client, seed):
    assert autocomplete_authors(editor_client, "coachend") == ["Dirk Boersma"]
    assert autocomplete_authors(editor_client, "QNH Consulting") == ["Hen Snackers"]
    assert autocomplete_authors(editor_client, "zeehond") == []


def test_the_author_list_search_matches_names_first(editor_client, seed):
    response = editor_client.get("/admin/articles/author/", {"q": "Hen"})
    assert [author.name for author in response.context["cl"].result_list] == ["Hen Snackers"]


def column_form(column, **changes):
    """The change form of `column` as the browser sends it back."""
    return {
        "title": column.title,
        "slug": column.slug,
        "author": column.author.pk,
        "lead": column.lead,
        "body": column.body,
        "themes": [theme.name for theme in column.themes.all()],
        "status": column.status,
        "published_at_0": "",
        "published_at_1": "",
        "source_name": "",
        "source_url": "",
        **changes,
    }


def test_the_theme_field_is_an_autocomplete_of_the_current_themes(editor_client, column_factory):
    column = column_factory(themes=[factories.ThemeFactory(name="klant centraal", slug="kc")])
    column.themes.add("dienstverlening")

    response = editor_client.get(f"/admin/articles/column/{column.pk}/change/")

    html = response.content.decode()
    select = re.search(r"<select [^>]*name=\"themes\"[^>]*>(.*?)</select>", html, re.S)
    assert select, "no select for the themes"
    assert 'data-ajax--url="/admin/autocomplete/"' in select.group(0)
    assert 'data-field-name="themes"' in select.group(0)
    assert "multiple" in select.group(0)
    assert re.findall(r'<option value="([^"]*)" selected>([^<]*)</option>', select.group(1)) == [
        ("dienstverlening", "dienstverlening"),
        ("klant centraal", "klant centraal"),
    ]
    assert "&quot;klant centraal&quot;" not in html
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    select2 = next(name for name in scripts if "select2/select2.full" in name)
    assert scripts.index(select2) < scripts.index("admin/js/jquery.init.js")
    assert scripts.index("admin/js/jquery.init.js") < scripts.index("kb-admin/theme-field.js")


def test_the_theme_autocomplete_offers_existing_themes(editor_client, seed):
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "klant", "app_label": "articles", "model_name": "column", "field_name": "themes"},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["klant centraal"]


def test_the_editor_picks_existing_themes_and_adds_a_new_one(editor_client, column_factory):
    existing = factories.ThemeFactory(name="klant centraal", slug="klant-centraal")
    column = column_factory()

    response = editor_client.post(
        f"/admin/articles/column/{column.pk}/change/",
        column_form(column, themes=["klant centraal", "Nieuwe Werkvormen ", "KLANT CENTRAAL"]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert [theme.name for theme in column.themes.all()] == ["klant centraal", "nieuwe werkvormen"]
    assert column.themes.get(name="klant centraal") == existing
    assert Theme.objects.get(name="nieuwe werkvormen").slug == "nieuwe-werkvormen"


def test_removing_every_theme_leaves_none(editor_client, column):
    response = editor_client.post(
        f"/admin/articles/column/{column.pk}/change/", column_form(column, themes=[])
    )

    assert response.status_code == 302
    assert not column.themes.exists()


@pytest.mark.parametrize("name", ["!!!", "x" * 101])
def test_an_impossible_theme_name_is_a_dutch_form_error(editor_client, column, name):
    response = editor_client.post(
        f"/admin/articles/column/{column.pk}/change/",
        column_form(column, title="Mijn nieuwe titel", themes=["klant centraal", name]),
    )

    assert response.status_code == 200
    assertContains(response, "errorlist")
    assertContains(response, "thema")
    assertContains(response, 'value="Mijn nieuwe titel"')  # nothing the editor typed is lost
    column.refresh_from_db()
    assert column.title != "Mijn nieuwe titel"


def test_the_column_list_filters_columns_without_a_theme(editor_client, column_factory, theme):
    column_factory(title="Met thema", themes=[theme])
    column_factory(title="Zonder")

    response = editor_client.get("/admin/articles/column/")
    assertContains(response, '<a href="?themes__isnull=True">Zonder thema</a>', html=True)
    response = editor_client.get("/admin/articles/column/", {"themes__isnull": "True"})
    assert [column.title for column in response.context["cl"].result_list] == ["Zonder"]
