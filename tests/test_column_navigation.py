"""Long columns: anchors on every subheading, a table of contents from three on, and
breadcrumbs Home › theme › column with their structured data."""

import json
import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.markdown import render_markdown, table_of_contents

from . import factories

LONG = (
    "Inleiding.\n\n## Vertrouwen\n\nTekst.\n\n### Wat klanten merken\n\nMeer.\n\n"
    "## Perceptie & beeld\n\nTekst.\n\n## Protocollen\n\nTekst."
)


def anchors(html):
    return re.findall(r'<h[2-4] id="([^"]+)">', html)


def json_ld(html, kind):
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data["@type"] == kind:
            return data
    raise AssertionError(f"no {kind} in the page")


def test_every_subheading_gets_an_anchor_from_its_words():
    html = render_markdown(LONG)
    assert anchors(html) == ["vertrouwen", "wat-klanten-merken", "perceptie-beeld", "protocollen"]


def test_anchors_stay_the_same_after_an_unrelated_edit():
    before = anchors(render_markdown(LONG))
    edited = LONG.replace("Inleiding.", "## Een nieuwe eerste kop\n\nEen andere inleiding.")
    edited = edited.replace("Tekst.", "Heel andere tekst, veel langer dan eerst.")
    after = anchors(render_markdown(edited))
    assert after == ["een-nieuwe-eerste-kop", *before]


def test_repeated_headings_and_the_pages_own_ids_get_their_own_anchor():
    html = render_markdown("## Reacties\n\n## Samenvatting\n\n## Samenvatting\n\n## Inhoud")
    assert anchors(html) == ["reacties-2", "samenvatting", "samenvatting-2", "inhoud-2"]


def test_an_editor_cannot_set_ids_with_raw_html():
    html = render_markdown('<h2 id="reageer">Kop</h2>\n\n<p id="x">Tekst</p>')
    assert 'id="reageer"' not in html and 'id="x"' not in html


def test_the_table_of_contents_nests_h3_under_h2():
    entries = table_of_contents(render_markdown(LONG))
    assert entries == [
        ("vertrouwen", "Vertrouwen", [("wat-klanten-merken", "Wat klanten merken")]),
        ("perceptie-beeld", "Perceptie & beeld", []),
        ("protocollen", "Protocollen", []),
    ]


def test_a_column_with_three_subheadings_shows_a_table_of_contents(client, column_factory):
    column = column_factory(body=LONG)
    response = client.get(column.get_absolute_url())
    assertContains(response, '<nav class="toc" aria-labelledby="in-deze-column">')
    assertContains(response, '<a href="#perceptie-beeld">Perceptie &amp; beeld</a>', html=False)
    assertContains(response, '<a href="#wat-klanten-merken">Wat klanten merken</a>')
    assertContains(response, '<h2 id="protocollen">Protocollen</h2>')


def test_a_column_with_two_subheadings_has_none(client, column_factory):
    column = column_factory(body="## Een\n\nTekst.\n\n## Twee\n\nTekst.")
    assertNotContains(client.get(column.get_absolute_url()), 'class="toc"')


def test_breadcrumbs_lead_through_the_first_theme_by_name(client, column_factory):
    themes = [
        factories.ThemeFactory(name="medewerkers eerst", slug="medewerkers-eerst"),
        factories.ThemeFactory(name="evenwaardigheid", slug="evenwaardigheid"),
    ]
    column = column_factory(title="Luisteren", themes=themes)
    html = client.get(column.get_absolute_url()).content.decode()
    trail = re.search(r'<nav class="breadcrumbs" aria-label="Kruimelpad">(.*?)</nav>', html, re.S)
    assert re.findall(r">([^<>]+)</(?:a|span)>", trail.group(1)) == [
        "Home",
        "Evenwaardigheid",
        "Luisteren",
    ]
    assert '<span aria-current="page">Luisteren</span>' in trail.group(1)
    data = json_ld(html, "BreadcrumbList")
    assert [(item["position"], item["name"], item["item"]) for item in data["itemListElement"]] == [
        (1, "Home", "http://testserver/"),
        (2, "Evenwaardigheid", "http://testserver/themas/evenwaardigheid/"),
        (3, "Luisteren", f"http://testserver{column.get_absolute_url()}"),
    ]


def test_without_themes_the_breadcrumbs_lead_through_all_columns(client, column_factory):
    column = column_factory(title="Zonder thema")
    html = client.get(column.get_absolute_url()).content.decode()
    names = [item["name"] for item in json_ld(html, "BreadcrumbList")["itemListElement"]]
    assert names == ["Home", "Columns", "Zonder thema"]


@pytest.mark.parametrize("body", [LONG, "Kort."])
def test_the_column_page_runs_a_fixed_number_of_queries(
    client, column_factory, image_factory, body, django_assert_max_num_queries
):
    column = column_factory(
        body=body, header_image=image_factory(), themes=[factories.ThemeFactory()]
    )
    client.get(column.get_absolute_url())
    with django_assert_max_num_queries(8):
        client.get(column.get_absolute_url())
