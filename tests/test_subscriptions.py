"""Following themes, authors and all columns by e-mail: sign-up with double opt-in,
the digests (at most once per subscriber and column), managing and one-click
unsubscribing, answers to a reader's reaction, and privacy. Mail goes through a real
SMTP server (tests/smtp.py) and the links in it are followed."""

import json
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from reactions import services as reaction_services
from reactions.models import Reaction
from subscriptions import services, tokens
from subscriptions.models import Delivery, Subscriber, Subscription

from . import factories
from .reactions import Browser, page_cache_on
from .smtp import parts, smtp_server

BASE = "http://testserver"
FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
LINK = re.compile(r"http://testserver(/volgen/[a-z-]+/[^\s\"<>]+/)")


@pytest.fixture(autouse=True)
def _quick_forms(settings):
    settings.SUBSCRIPTIONS_MIN_FORM_SECONDS = 0
    settings.SITE_URL = BASE


@pytest.fixture
def inbox(settings, db):
    with smtp_server(settings) as inbox:
        yield inbox


def wait_for(inbox, count):
    """The server stores a message before it answers the client, so this is only a
    guard against a slow thread; it never waits for a fixed time."""
    for _ in range(200):
        if len(inbox.messages) >= count:
            return inbox.messages
        time.sleep(0.01)
    return inbox.messages


def link(message, kind):
    text, _ = parts(message)
    for path in LINK.findall(text):
        if path.startswith(f"/volgen/{kind}/"):
            return path
    raise AssertionError(f"No {kind} link in {text!r}")


def follow_form(client, url):
    html = client.get(url).content.decode()
    start = html.index('action="/volgen/"')
    return FORM_TOKEN.search(html, start).group(1), CSRF_TOKEN.search(html, start).group(1)


def subscribe(client, url, subject, email="lezer@example.nl", frequency="weekly", **extra):
    token, csrf = follow_form(client, url)
    data = {
        "email": email,
        "subject": subject,
        "frequency": frequency,
        "token": token,
        "homepage": "",
        "csrfmiddlewaretoken": csrf,
        **extra,
    }
    return client.post("/volgen/", data, REMOTE_ADDR="192.0.2.10")


# --- Signing up and confirming ---------------------------------------------------------


def test_a_reader_follows_a_theme_from_its_page_and_confirms_from_the_mail(theme, inbox):
    factories.ColumnFactory(themes=[theme])
    reader = Client(enforce_csrf_checks=True)

    response = subscribe(reader, theme.get_absolute_url(), f"thema:{theme.slug}")

    assert response.status_code == 302
    assert response["Location"] == "/volgen/check-je-mail/"
    assertContains(reader.get(response["Location"]), "Check je mail")
    subscription = Subscription.objects.get()
    assert subscription.kind == "theme" and subscription.theme == theme
    assert subscription.confirmed_at is None

    [message] = wait_for(inbox, 1)
    assert message["To"] == "lezer@example.nl"
    assert message["From"] == "redactie@localhost"
    assert "Bevestig: columns over klant centraal" in message["Subject"]
    assert message["List-Unsubscribe"] is None  # not a list mail yet
    text, html = parts(message)
    assert "Bevestig dat met deze link" in text
    assert 'href="http://testserver/volgen/bevestigen/' in html

    confirm = link(message, "bevestigen")
    page = reader.get(confirm)
    assertContains(page, "Ja, bevestig mijn aanmelding")
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None  # a mail scanner's GET confirms nothing

    csrf = CSRF_TOKEN.search(page.content.decode()).group(1)
    done = reader.post(confirm, {"csrfmiddlewaretoken": csrf})
    assertContains(done, "Aanmelding bevestigd")
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert subscription.subscriber.confirmed_at is not None


def test_the_general_page_offers_all_columns_themes_and_authors(client, column, theme):
    page = client.get("/volgen/?volg=auteur:" + column.author.slug)
    assertContains(page, '<option value="alles"')
    assertContains(page, f'<option value="thema:{theme.slug}"')
    assertContains(page, f'<option value="auteur:{column.author.slug}" selected')


def test_following_an_author_and_all_columns(client, column, inbox):
    assert subscribe(client, "/volgen/", f"auteur:{column.author.slug}").status_code == 302
    assert subscribe(client, "/volgen/", "alles", frequency="daily").status_code == 302
    kinds = dict(Subscription.objects.values_list("kind", "frequency"))
    assert kinds == {"author": "weekly", "all": "daily"}
    assert len(wait_for(inbox, 2)) == 2


def test_the_author_page_has_the_follow_form(client, column):
    page = client.get(column.author.get_absolute_url())
    assertContains(page, f'value="auteur:{column.author.slug}"')
    assertContains(page, "Volg " + column.author.name)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "geen-adres"}, "Vul een geldig e-mailadres in"),
        ({"email": ""}, "Vul je e-mailadres in."),
        ({"subject": "thema:bestaat-niet"}, "Dit thema of deze auteur bestaat niet"),
        ({"frequency": "elk-uur"}, "Kies dagelijks of wekelijks."),
        ({"token": "geknoeid"}, "Dit formulier was verlopen"),
        ({"homepage": "http://spam.example"}, "wel erg snel verstuurd"),
    ],
)
def test_bad_input_gets_a_dutch_message_and_a_400(client, column, changes, message, inbox):
    changes = {"subject": "alles", **changes}
    response = subscribe(client, "/volgen/", changes.pop("subject"), **changes)
    assertContains(response, message, status_code=400)
    assert not Subscription.objects.exists()
    assert inbox.messages == []


def test_a_form_sent_back_at_once_is_a_robots(client, column, settings):
    settings.SUBSCRIPTIONS_MIN_FORM_SECONDS = 60
    response = subscribe(client, "/volgen/", "alles")
    assertContains(response, "wel erg snel verstuurd", status_code=400)


def test_a_theme_nobody_can_see_yet_cannot_be_followed(client, column):
    hidden = factories.ThemeFactory(name="geheim")
    factories.ColumnFactory(draft=True, themes=[hidden])
    response = subscribe(client, "/volgen/", f"thema:{hidden.slug}")
    assertContains(response, "bestaat niet", status_code=400)


def test_sign_ups_are_rate_limited_per_address(client, column, settings, inbox):
    settings.SUBSCRIPTIONS_PER_HOUR = 2
    for number in range(2):
        assert subscribe(client, "/volgen/", "alles", email=f"a{number}@example.nl").status_code
    response = subscribe(client, "/volgen/", "alles", email="a9@example.nl")
    assertContains(response, "afgelopen uur al 2 aanmeldingen;", status_code=429)
    assert Subscriber.objects.count() == 2


def test_a_mail_server_that_is_down_gives_a_dutch_message(client, column, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 18449, "timeout": 2},
        }
    }
    response = subscribe(client, "/volgen/", "alles")
    assertContains(response, "bevestigingsmail nu niet sturen", status_code=503)


def test_signing_up_again_for_a_confirmed_subscription_mails_the_manage_link(client, inbox):
    subscription = factories.SubscriptionFactory(subscriber__email="al@example.nl")
    factories.ColumnFactory()
    assert subscribe(client, "/volgen/", "alles", email="al@example.nl").status_code == 302
    [message] = wait_for(inbox, 1)
    assert "Je volgt al" in message["Subject"]
    assert reader_page(link(message, "beheren")).status_code == 200
    assert Subscription.objects.get() == subscription


def reader_page(path):
    return Client().get(path)


def test_an_expired_confirmation_link_says_so(db, monkeypatch):
    subscription = factories.SubscriptionFactory(confirmed_at=None)
    eight_days_ago = time.time() - 8 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    token = tokens.confirm_token(subscription)
    monkeypatch.undo()
    response = Client().post(f"/volgen/bevestigen/{token}/")
    assertContains(response, "verlopen", status_code=410)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


@pytest.mark.parametrize("path", ["bevestigen", "beheren", "afmelden"])
def test_a_tampered_link_is_a_dutch_404(client, db, path):
    response = client.get(f"/volgen/{path}/dit-is-niets:ABC/")
    assertContains(response, "Deze link klopt niet", status_code=404)


def test_the_cached_theme_page_gives_every_reader_their_own_tokens(settings, theme, inbox):
    page_cache_on(settings)
    factories.ColumnFactory(themes=[theme])
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [reader.get(theme.get_absolute_url()) for reader in readers]
    assert [page["X-Page-Cache"] for page in pages] == ["miss", "hit"]
    tokens_seen = {FORM_TOKEN.search(page.content.decode()).group(1) for page in pages}
    assert len(tokens_seen) == 2
    for number, reader in enumerate(readers):
        response = subscribe(
            reader, theme.get_absolute_url(), f"thema:{theme.slug}", email=f"r{number}@x.nl"
        )
        assert response.status_code == 302
    assert Subscription.objects.count() == 2


# --- Digests -------------------------------------------------------------------------


def run_digests(frequency="weekly"):
    out = StringIO()
    call_command("send_digests", frequency=frequency, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_digest_holds_the_new_columns_of_what_a_reader_follows(theme, inbox):
    other = factories.ThemeFactory(name="leiderschap")
    subscription = factories.SubscriptionFactory(kind="theme", theme=theme)
    factories.ColumnFactory(
        title="Van voor de aanmelding",
        themes=[theme],
        published_at=timezone.now() - timedelta(days=5),
    )
    new = factories.ColumnFactory(title="Nieuw over de klant", themes=[theme])
    factories.ColumnFactory(title="Over iets anders", themes=[other])
    factories.ColumnFactory(title="Nog een concept", themes=[theme], draft=True)

    assert "1 mails, 1 columns" in run_digests()

    [message] = wait_for(inbox, 1)
    assert message["To"] == subscription.subscriber.email
    assert "Wekelijks overzicht: 1 nieuwe column" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<http://testserver/volgen/afmelden/[^>]+/>", message["List-Unsubscribe"])
    text, html = parts(message)
    for part in (text, html):
        assert "Nieuw over de klant" in part
        assert "Van voor de aanmelding" not in part
        assert "Over iets anders" not in part
        assert "Nog een concept" not in part
    assert f"http://testserver{new.get_absolute_url()}" in text
    assert f'href="http://testserver{new.get_absolute_url()}"' in html
    assert Client().get(new.get_absolute_url()).status_code == 200
    assert Client().get(link(message, "beheren")).status_code == 200


def test_a_column_goes_to_a_subscriber_once_however_often_the_command_runs(inbox):
    factories.SubscriptionFactory()
    factories.ColumnFactory()
    run_digests()
    run_digests()
    assert "0 mails" in run_digests()
    assert len(wait_for(inbox, 1)) == 1
    delivery = Delivery.objects.get()
    assert delivery.sent_at is not None


def test_daily_and_weekly_subscriptions_share_the_record(theme, inbox):
    subscriber = factories.SubscriberFactory()
    factories.SubscriptionFactory(subscriber=subscriber, frequency="daily")
    factories.SubscriptionFactory(
        subscriber=subscriber, kind="theme", theme=theme, frequency="weekly"
    )
    factories.ColumnFactory(themes=[theme])
    assert "1 mails, 1 columns" in run_digests("daily")
    assert "0 mails" in run_digests("weekly")
    assert len(wait_for(inbox, 1)) == 1


def test_a_crash_after_claiming_never_sends_the_column_twice(inbox, monkeypatch):
    factories.SubscriptionFactory()
    factories.ColumnFactory()

    def crash(backend, messages):
        raise KeyboardInterrupt("the machine stopped")

    monkeypatch.setattr("django.core.mail.backends.smtp.EmailBackend.send_messages", crash)
    with pytest.raises(KeyboardInterrupt):
        run_digests()
    monkeypatch.undo()

    delivery = Delivery.objects.get()
    assert delivery.sent_at is None  # claimed and committed before the mail left
    assert "0 mails" in run_digests()
    assert inbox.messages == []
    assert services.stale_claims(older_than=timedelta(0)).count() == 1


def test_a_refused_digest_is_tried_again_on_the_next_run(inbox):
    factories.SubscriptionFactory()
    factories.ColumnFactory()
    inbox.refuse = True
    with pytest.raises(CommandError, match="refused 1 digests"):
        run_digests()
    assert not Delivery.objects.exists()
    inbox.refuse = False
    assert "1 mails" in run_digests()
    assert len(wait_for(inbox, 1)) == 1


def test_one_refused_digest_does_not_stop_the_others(inbox):
    first = factories.SubscriptionFactory(subscriber__email="a@example.nl")
    factories.SubscriptionFactory(subscriber__email="b@example.nl")
    factories.ColumnFactory()
    inbox.refuse = {"a@example.nl"}
    with pytest.raises(CommandError, match="refused 1 digests"):
        run_digests()
    assert [m["To"] for m in wait_for(inbox, 1)] == ["b@example.nl"]
    assert not Delivery.objects.filter(subscriber=first.subscriber).exists()


def test_unconfirmed_subscriptions_get_no_digest(inbox):
    factories.SubscriptionFactory(confirmed_at=None, subscriber__confirmed_at=None)
    factories.ColumnFactory()
    assert "0 mails" in run_digests()


def test_digest_queries_do_not_grow_with_the_columns(django_assert_max_num_queries, inbox):
    factories.SubscriptionFactory()
    for _ in range(6):
        factories.ColumnFactory(themes=[factories.ThemeFactory()])
    with django_assert_max_num_queries(16):
        report = services.send_digests(frequency="weekly", base_url=BASE)
    assert report.columns == 6


# --- Managing and unsubscribing ------------------------------------------------------


def test_one_click_unsubscribe_is_a_post_without_a_form_or_cookie(inbox):
    subscription = factories.SubscriptionFactory()
    factories.ColumnFactory()
    run_digests()
    [message] = wait_for(inbox, 1)
    url = message["List-Unsubscribe"].strip("<>").removeprefix(BASE)

    mail_program = Client(enforce_csrf_checks=True)
    page = mail_program.get(url)
    assertContains(page, "Ja, meld me af")
    assert Subscription.objects.filter(pk=subscription.pk).exists()

    response = mail_program.post(url, {"List-Unsubscribe": "One-Click"})
    assertContains(response, "Je bent afgemeld")
    assert not Subscription.objects.exists()
    assert not Subscriber.objects.exists()  # nothing left to keep the address for
    assertContains(mail_program.post(url), "Je was hiervoor al afgemeld")


def test_unsubscribing_from_one_mail_keeps_the_other_subscriptions(theme):
    subscriber = factories.SubscriberFactory()
    theme_subscription = factories.SubscriptionFactory(
        subscriber=subscriber, kind="theme", theme=theme
    )
    everything = factories.SubscriptionFactory(subscriber=subscriber)
    token = tokens.unsubscribe_token(subscriber, [theme_subscription])
    Client().post(f"/volgen/afmelden/{token}/")
    assert list(Subscription.objects.all()) == [everything]


def test_the_manage_page_changes_frequency_and_ends_subscriptions(theme):
    subscriber = factories.SubscriberFactory()
    everything = factories.SubscriptionFactory(subscriber=subscriber)
    themed = factories.SubscriptionFactory(subscriber=subscriber, kind="theme", theme=theme)
    url = f"/volgen/beheren/{tokens.manage_token(subscriber)}/"
    reader = Client()

    page = reader.get(url)
    assertContains(page, "Alle nieuwe columns")
    assertContains(page, "Columns over klant centraal")

    response = reader.post(
        url,
        {
            f"frequency_{everything.pk}": "daily",
            f"frequency_{themed.pk}": "weekly",
            f"stop_{themed.pk}": "on",
        },
    )
    assertContains(response, "Je wijzigingen zijn bewaard.")
    assert list(Subscription.objects.values_list("kind", "frequency")) == [("all", "daily")]

    bad = reader.post(url, {f"frequency_{everything.pk}": "elk-uur"})
    assertContains(bad, "kies per abonnement dagelijks of wekelijks", status_code=400)

    done = reader.post(url, {f"frequency_{everything.pk}": "daily", "stop_all": "1"})
    assertContains(done, "Je bent afgemeld")
    assert not Subscriber.objects.exists()
    assertContains(reader.get(url), "geen abonnementen meer", status_code=404)


# --- Answers to a reaction ------------------------------------------------------------


def post_reaction(client, column, **extra):
    page = client.get(column.get_absolute_url()).content.decode()
    start = page.index("/reageren/")
    data = {
        "name": "Anna",
        "email": "anna@example.nl",
        "body": "Herkenbaar verhaal.",
        "token": signing.dumps(
            {"column": column.pk, "issued": time.time() - 60, "nonce": "x"},
            salt="articles.reactions.form-token",
        ),
        "homepage": "",
        "csrfmiddlewaretoken": CSRF_TOKEN.search(page, start).group(1),
        **extra,
    }
    return client.post(f"/columns/{column.slug}/reageren/", data, REMOTE_ADDR="192.0.2.77")


def test_a_reader_who_reacts_can_ask_for_mail_about_answers(column, editor, inbox, settings):
    settings.REACTIONS_MIN_FORM_SECONDS = 0
    reader = Browser(enforce_csrf_checks=True)
    page = reader.get(column.get_absolute_url())
    assertContains(page, "Mail me bij een antwoord op mijn reactie")

    assert post_reaction(reader, column, notify_replies="on").status_code == 302
    reaction = Reaction.objects.get()
    [confirmation] = wait_for(inbox, 1)
    assert "antwoorden op je reactie" in confirmation["Subject"]
    Client().post(link(confirmation, "bevestigen"))
    subscription = Subscription.objects.get(kind="replies")
    assert subscription.confirmed_at and subscription.reaction == reaction

    # The reaction waits for a moderator; an answer can come once it is approved.
    reaction_services.reactions_moderate(
        reactions=Reaction.objects.all(), status=Reaction.Status.APPROVED, user=editor
    )
    inbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        reply = reaction_services.reaction_reply_by_editor(
            parent=reaction, user=editor, body="Nog een antwoord."
        )
    assert reply.parent == reaction
    [message] = wait_for(inbox, 1)
    assert "Een antwoord op je reactie" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert "De redactie antwoordde" in text and "Nog een antwoord." in text
    assert "Nog een antwoord." in html


def test_a_reply_approved_by_a_moderator_is_mailed_once(
    column, editor, inbox, django_capture_on_commit_callbacks
):
    mine = factories.ReactionFactory(column=column, email="anna@example.nl")
    factories.SubscriptionFactory(
        subscriber__email="anna@example.nl",
        kind="replies",
        reaction=mine,
        frequency="immediately",
    )
    answer = factories.ReactionFactory(
        column=column, parent=mine, status=Reaction.Status.PENDING, email="bob@example.nl"
    )
    own = factories.ReactionFactory(
        column=column, parent=mine, status=Reaction.Status.PENDING, email="anna@example.nl"
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reaction_services.reactions_moderate(
                reactions=Reaction.objects.filter(pk__in=[answer.pk, own.pk]),
                status=Reaction.Status.APPROVED,
                user=editor,
            )
        with django_capture_on_commit_callbacks(execute=True):
            reaction_services.reactions_moderate(
                reactions=Reaction.objects.filter(pk=answer.pk),
                status=Reaction.Status.PENDING,
                user=editor,
            )
    messages = wait_for(inbox, 1)
    assert len(messages) == 1  # not for Anna's own answer, not twice for Bob's
    assert answer.name in parts(messages[0])[0]


def test_without_the_tick_no_mail_is_sent(column, inbox, settings):
    settings.REACTIONS_MIN_FORM_SECONDS = 0
    assert post_reaction(Client(), column).status_code == 302
    assert not Subscription.objects.exists()
    assert inbox.messages == []


# --- Privacy ---------------------------------------------------------------------------


def test_the_export_command_includes_subscriptions(db):
    factories.SubscriptionFactory(subscriber__email="anna@example.nl")
    out = StringIO()
    call_command("export_reactions", "Anna@Example.nl", stdout=out)
    data = json.loads(out.getvalue())
    assert data["subscriptions"]["email"] == "anna@example.nl"
    assert data["subscriptions"]["subscriptions"][0]["what"] == "alle nieuwe columns"


def test_the_anonymise_command_deletes_subscriptions(db):
    factories.SubscriptionFactory(subscriber__email="anna@example.nl")
    factories.SubscriptionFactory(subscriber__email="bob@example.nl")
    out = StringIO()
    call_command("anonymise_reactions", "anna@example.nl", stdout=out)
    assert "Erased from subscriptions: 1." in out.getvalue()
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["bob@example.nl"]


def test_unconfirmed_addresses_are_deleted_after_seven_days(db):
    old = timezone.now() - timedelta(days=8)
    factories.SubscriptionFactory(
        subscriber__email="oud@example.nl",
        subscriber__confirmed_at=None,
        subscriber__created_at=old,
        confirmed_at=None,
        created_at=old,
    )
    factories.SubscriptionFactory(
        subscriber__email="vers@example.nl", subscriber__confirmed_at=None, confirmed_at=None
    )
    confirmed = factories.SubscriptionFactory(subscriber__email="bevestigd@example.nl")
    factories.SubscriptionFactory(
        subscriber=confirmed.subscriber,
        kind="author",
        author=factories.AuthorFactory(),
        confirmed_at=None,
        created_at=old,
    )
    out = StringIO()
    call_command("purge_subscriptions", stdout=out)
    assert "Unconfirmed addresses deleted: 1." in out.getvalue()
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "bevestigd@example.nl",
        "vers@example.nl",
    ]
    assert list(Subscription.objects.filter(subscriber=confirmed.subscriber)) == [confirmed]


def test_the_privacy_page_covers_following_by_mail(client, db):
    page = client.get("/privacy/")
    assertContains(page, "Volgen per e-mail")
    assertContains(page, "binnen 7 dagen")


# --- Sharing and type ------------------------------------------------------------------


def test_share_links_under_a_column_load_nothing_from_elsewhere(client, column):
    page = client.get(column.get_absolute_url())
    url = f"http://testserver{column.get_absolute_url()}"
    assertContains(
        page,
        "https://www.linkedin.com/sharing/share-offsite/?url=http%3A%2F%2Ftestserver%2Fcolumns%2F",
    )
    assertContains(page, 'href="mailto:?subject=Column%20nummer')
    assertContains(page, f'data-copy="{url}"')
    assertContains(page, '<script src="/static/js/share.js" defer></script>')
    html = page.content.decode()
    for tag in re.findall(r"<(?:script|img|link|iframe)\b[^>]*>", html):
        assert "linkedin" not in tag and "//" not in tag.replace("http://testserver", "")
    assertNotContains(page, "<script>")


def test_body_text_is_set_in_the_self_hosted_serif(client, db):
    page = client.get("/")
    assertContains(
        page,
        '<link rel="preload" href="/static/fonts/source-serif-4-latin-400-normal.woff2" '
        'as="font" type="font/woff2" crossorigin>',
    )
    css = b"".join(client.get("/static/css/site.css").streaming_content).decode()
    assert 'font-family: "Source Serif 4"' in css
    assert css.count("font-display: swap") == 3
    assert '--serif: "Source Serif 4"' in css
    font = client.get("/static/fonts/source-serif-4-latin-400-normal.woff2")
    assert b"".join(font.streaming_content)[:4] == b"wOF2"
    licence = b"".join(client.get("/static/fonts/source-serif-4-OFL.txt").streaming_content)
    assert b"SIL Open Font License" in licence


def test_the_theme_page_with_the_follow_form_keeps_its_query_count(
    client, theme, django_assert_max_num_queries
):
    for _ in range(5):
        factories.ColumnFactory(themes=[theme])
    with django_assert_max_num_queries(12):
        page = client.get(theme.get_absolute_url())
    assertContains(page, "Volg klant centraal per e-mail")


def test_the_admins_anonymise_action_for_reactions_deletes_subscriptions(admin_client):
    reaction = factories.ReactionFactory(email="anna@example.nl")
    factories.SubscriptionFactory(subscriber__email="anna@example.nl")
    response = admin_client.post(
        "/admin/reactions/reaction/",
        {"action": "anonymise_keep_text", "_selected_action": [reaction.pk]},
    )
    assert response.status_code == 302
    assert not Subscriber.objects.exists()


def test_an_administrator_sees_subscribers_and_deliveries(admin_client):
    factories.SubscriptionFactory(subscriber__email="anna@example.nl")
    assertContains(admin_client.get("/admin/subscriptions/subscriber/"), "anna@example.nl")
    assert admin_client.get("/admin/subscriptions/delivery/").status_code == 200
