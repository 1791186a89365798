"""A theme is public once a published column has it. Themes typed on a draft or a
scheduled column stay out of every list, page, feed, sitemap and search facet until
then; staff see them, with a banner."""

from xml.etree import ElementTree

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from . import factories

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def themes(column_factory):
    """A public theme with one published column, and three that are not public: one
    on a draft only, one on a scheduled column only, one on no column at all. All
    featured, so the home page would show them; each also on the draft, so a count
    that took drafts along would show."""
    public, draft, planned, unused = (
        factories.ThemeFactory(name=name, slug=name.replace(" ", "-"), featured=True)
        for name in ("openbaar thema", "concept thema", "gepland thema", "leeg thema")
    )
    column_factory(title="Gepubliceerde column over de balie", themes=[public])
    column_factory(title="Concept over de balie", draft=True, themes=[public, draft])
    column_factory(title="Geplande column over de balie", scheduled=True, themes=[planned])
    return {"public": public, "draft": draft, "planned": planned, "unused": unused}


HIDDEN = ["draft", "planned", "unused"]


def test_the_public_lists_only_themes_with_a_published_column(client, themes):
    for url in ["/themas/", "/"]:
        response = client.get(url)
        assertContains(response, 'href="/themas/openbaar-thema/"')
        for name in HIDDEN:
            assertNotContains(response, f'href="{themes[name].get_absolute_url()}"')
    assertContains(client.get("/themas/"), "1 column<")


@pytest.mark.parametrize("name", HIDDEN)
def test_the_page_and_feed_of_a_theme_without_a_published_column_are_404(client, themes, name):
    theme = themes[name]
    assert client.get(theme.get_absolute_url()).status_code == 404
    assert client.get(f"{theme.get_absolute_url()}feed/").status_code == 404


def test_the_page_and_feed_of_a_public_theme_are_there(client, themes):
    response = client.get("/themas/openbaar-thema/")
    assertContains(response, "Gepubliceerde column over de balie")
    assertNotContains(response, "Concept over de balie")
    assertNotContains(response, 'class="banner"')
    assert client.get("/themas/openbaar-thema/feed/").status_code == 200


@pytest.mark.parametrize("name", HIDDEN)
def test_staff_see_a_hidden_theme_with_a_banner(editor_client, themes, name):
    theme = themes[name]

    response = editor_client.get(theme.get_absolute_url())

    assertContains(response, '<p class="banner" role="note">')
    assertContains(response, "Alleen de redactie ziet het")
    assertContains(response, '<meta name="robots" content="noindex">')
    assert editor_client.get(f"{theme.get_absolute_url()}feed/").status_code == 200


def test_staff_see_hidden_themes_in_the_lists_marked_as_such(editor_client, themes):
    response = editor_client.get("/themas/")

    for name in HIDDEN:
        assertContains(response, f'href="{themes[name].get_absolute_url()}"')
    assertContains(response, "niet zichtbaar voor lezers", count=len(HIDDEN))


def test_the_sitemap_leaves_out_themes_without_a_published_column(client, themes):
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locations = {
        url.findtext("s:loc", namespaces=SITEMAP_NS) for url in root.findall("s:url", SITEMAP_NS)
    }

    assert "http://testserver/themas/openbaar-thema/" in locations
    for name in HIDDEN:
        assert f"http://testserver{themes[name].get_absolute_url()}" not in locations


def test_search_facets_count_only_published_columns(client, themes):
    response = client.get("/zoeken/", {"q": "balie"})

    facets = {facet.label: facet.count for facet in response.context["results"].facets["thema"]}
    assert facets == {"openbaar thema": 1}
    for name in HIDDEN:
        assertNotContains(response, f"thema={themes[name].slug}")


def test_a_theme_appears_when_its_first_column_is_published(client, editor_client, themes):
    column = themes["draft"].themed_columns.get().content_object

    editor_client.post(
        "/admin/articles/column/", {"action": "publish", "_selected_action": [column.pk]}
    )

    assert client.get("/themas/concept-thema/").status_code == 200
    assertContains(client.get("/themas/"), 'href="/themas/concept-thema/"')


def test_a_theme_with_accents_gets_a_plain_address(client, column_factory):
    column = column_factory()
    column.themes.add("Ideeën over coöperatie")

    theme = column.themes.get()
    assert theme.name == "ideeën over coöperatie"
    assert theme.slug == "ideeen-over-cooperatie"
    assertContains(client.get("/themas/"), 'href="/themas/ideeen-over-cooperatie/"')
    assertContains(client.get(theme.get_absolute_url()), "Ideeën over coöperatie")
