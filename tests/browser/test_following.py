"""A reader answers "Was dit nuttig?" under a column with "Nee" and a reason, then
follows a theme by e-mail: subscribes on the theme page (served by the page cache),
confirms from the mail that a real SMTP server received, an editor publishes a column
in that theme, the digest command sends it once, and the one-click unsubscribe
(RFC 8058) ends it."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Author, Theme
from feedback.models import Vote
from subscriptions.models import Subscription
from tests.factories import ColumnFactory
from tests.smtp import parts, smtp_server

from . import tools

THEME = "/themas/klant-centraal/"
TITLE = "De klant belt terug"


@pytest.fixture
def inbox(settings, site):
    settings.SUBSCRIPTIONS_MIN_FORM_SECONDS = 0
    settings.PAGE_CACHE_SECONDS = 600
    settings.SITE_URL = site
    with smtp_server(settings) as inbox:
        yield inbox


def test_reader_answers_no_follows_a_theme_gets_the_new_column_once_and_unsubscribes(
    page, editor_page, site, inbox, playwright
):
    # "Was dit nuttig?" under a (cached) column: "Nee", a reason and a few words.
    page.goto("/columns/ga-jij-naar-de-klant/")
    question = page.locator("section.feedback")
    expect(question.get_by_role("heading")).to_have_text("Was dit nuttig?")
    question.get_by_role("button", name="Nee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jammer. Wat kan er beter?")
    page.get_by_label("Niet wat ik zocht").check()
    page.get_by_label("Toelichting (mag leeg blijven)").fill("Ik zocht iets over klachten.")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("section.feedback h2")).to_have_text("Bedankt voor je antwoord!")
    answer = Vote.objects.get()
    assert (answer.useful, answer.reason, answer.comment) == (
        False,
        "niet-gezocht",
        "Ik zocht iets over klachten.",
    )
    assert tools.axe_violations(page) == []

    page.goto(THEME)
    follow = page.locator("section.follow")
    expect(follow.get_by_role("heading")).to_have_text("Volg klant centraal per e-mail")
    follow.get_by_label("Je e-mailadres").fill("anna@example.nl")
    follow.get_by_label("Dagelijks, als er iets nieuws is").check()
    follow.get_by_role("button", name="Volgen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check je mail")
    assert tools.axe_violations(page) == []

    # The confirmation mail, as the SMTP server received it.
    [confirmation] = inbox.messages
    assert confirmation["To"] == "anna@example.nl"
    text, html = parts(confirmation)
    confirm_url = re.search(r"(http://\S+/volgen/bevestigen/\S+/)", text).group(1)
    assert f'href="{confirm_url}"' in html
    page.goto(confirm_url)
    documents = {confirm_url: page.content()}
    page.get_by_role("button", name="Ja, bevestig mijn aanmelding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelding bevestigd")
    assert tools.axe_violations(page) == []
    documents[page.url + "#bevestigd"] = page.content()
    page.get_by_role("link", name="nu meteen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je abonnementen")
    assert tools.axe_violations(page) == []
    documents[page.url] = page.content()
    assert Subscription.objects.get().confirmed_at is not None

    # An editor publishes a column in that theme from the column list.
    ColumnFactory(
        title=TITLE,
        slug="de-klant-belt-terug",
        draft=True,
        author=Author.objects.first(),
        themes=[Theme.objects.get(slug="klant-centraal")],
    )
    editor_page.goto("/admin/articles/column/?status__exact=draft")
    editor_page.get_by_role("row", name=TITLE).get_by_role("checkbox").check()
    editor_page.get_by_label("Actie:").select_option("publish")
    editor_page.get_by_role("button", name="Uitvoeren").click()
    expect(editor_page.locator(".messagelist")).to_be_visible()

    # The daily digest: sent once, however often the timer runs.
    call_command("send_digests", frequency="daily", verbosity=0)
    call_command("send_digests", frequency="daily", verbosity=0)
    digests = inbox.messages[1:]
    assert len(digests) == 1
    digest = digests[0]
    text, html = parts(digest)
    assert TITLE in text and TITLE in html
    column_url = re.search(r"Lees verder: (\S+)", text).group(1)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(column_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    share = page.locator("section.share")
    share.get_by_role("link", name="Kopieer de link").click()
    expect(share.get_by_role("status")).to_have_text("De link is gekopieerd.")
    assert page.evaluate("navigator.clipboard.readText()") == column_url
    expect(page).to_have_url(column_url)  # copying, not following the link

    # The mail program's one-click unsubscribe: a POST with no cookies or form.
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = digest["List-Unsubscribe"].strip("<>")
    mail_program = playwright.request.new_context()
    response = mail_program.post(unsubscribe_url, form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    mail_program.dispose()
    assert not Subscription.objects.exists()

    page.goto(unsubscribe_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Afmelden")
    expect(page.locator(".page-header__sub")).to_contain_text("al afgemeld")
    assert tools.axe_violations(page) == []
    documents[unsubscribe_url] = page.content()
    assert tools.vnu_errors(documents) == []

    ColumnFactory(themes=[Theme.objects.get(slug="klant-centraal")])
    call_command("send_digests", frequency="daily", verbosity=0)
    assert len(inbox.messages) == 2  # nothing after the unsubscribe
