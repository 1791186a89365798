""" "Was dit nuttig?" under every column."""

import pytest
from django.core import signing
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from feedback.forms import ANSWER_SALT
from feedback.models import Vote

from .reactions import page_cache_on

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def answer(client, column, value, address="192.0.2.10", browser=BROWSER):
    return client.post(
        f"/columns/{column.slug}/nuttig/",
        {"antwoord": value},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=browser,
    )


def test_the_question_is_under_every_column_and_needs_no_javascript(client, column):
    response = client.get(column.get_absolute_url())
    assertContains(response, "Was dit nuttig?")
    assertContains(response, f'action="/columns/{column.slug}/nuttig/"')
    assertContains(response, 'name="antwoord" value="ja"')
    assertContains(response, 'name="antwoord" value="nee"')


def test_yes_is_counted_and_the_reader_is_thanked_on_the_column(client, column):
    response = answer(client, column, "ja")

    assert response.status_code == 302
    assert response["Location"] == f"{column.get_absolute_url()}?nuttig=bedankt#nuttig"
    thanked = client.get(response["Location"])
    assertContains(thanked, "Bedankt voor je antwoord!")
    assertNotContains(thanked, 'name="antwoord"')
    assert list(Vote.objects.values_list("column", "useful")) == [(column.pk, True)]


def test_no_asks_why_and_keeps_the_reason_and_the_text(client, column):
    response = answer(client, column, "nee")
    why = client.get(response["Location"])
    assertContains(why, "Wat kan er beter?")
    assertContains(why, "Niet wat ik zocht")
    token = signing.dumps(Vote.objects.get().pk, salt=ANSWER_SALT)

    response = client.post(
        f"/columns/{column.slug}/nuttig/waarom/",
        {"stem": token, "reden": "verouderd", "toelichting": "De cijfers zijn van 2012.\r\n"},
    )

    assert response["Location"].endswith("?nuttig=bedankt#nuttig")
    vote = Vote.objects.get()
    assert (vote.useful, vote.reason, vote.comment) == (
        False,
        "verouderd",
        "De cijfers zijn van 2012.",
    )


def test_the_reason_is_optional(client, column):
    location = answer(client, column, "nee")["Location"]
    token = location.split("stem=")[1]
    response = client.post(f"/columns/{column.slug}/nuttig/waarom/", {"stem": token})
    assert response.status_code == 302
    assert Vote.objects.get().reason == ""


def test_a_too_long_text_is_refused_in_dutch_and_kept(client, column):
    token = answer(client, column, "nee")["Location"].split("stem=")[1]
    text = "lang " * 120
    response = client.post(
        f"/columns/{column.slug}/nuttig/waarom/", {"stem": token, "toelichting": text}
    )
    assert response.status_code == 400
    assertContains(response, "hoogstens 500 tekens", status_code=400)
    assertContains(response, text.strip(), status_code=400)
    assert Vote.objects.get().comment == ""


@pytest.mark.parametrize(
    "data",
    [{}, {"antwoord": "misschien"}, {"antwoord": "\x00"}, {"antwoord": "ja" * 1000}],
)
def test_bad_answers_get_a_dutch_400(client, column, data):
    response = client.post(f"/columns/{column.slug}/nuttig/", data)
    assertContains(response, "Kies ja of nee.", status_code=400)
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "stem",
    [
        pytest.param("", id="missing"),
        pytest.param("rommel", id="garbage"),
        pytest.param(signing.dumps(99999, salt="iets-anders"), id="signed-for-something-else"),
    ],
)
def test_a_forged_or_missing_answer_token_is_a_dutch_400(client, column, stem):
    response = client.post(
        f"/columns/{column.slug}/nuttig/waarom/", {"stem": stem, "reden": "anders"}
    )
    assert response.status_code == 400
    assertContains(response, "Dat lukte niet", status_code=400)


def test_the_token_of_another_columns_answer_is_refused(client, column, column_factory):
    token = answer(client, column, "nee")["Location"].split("stem=")[1]
    other = column_factory()
    response = client.post(f"/columns/{other.slug}/nuttig/waarom/", {"stem": token})
    assertContains(response, "hoort bij een ander antwoord", status_code=400)


def test_a_draft_cannot_be_answered(client, column_factory):
    draft = column_factory(status="draft")
    assert answer(client, draft, "ja").status_code == 404


def test_repeated_clicks_of_one_reader_count_once_a_day(client, column):
    answer(client, column, "ja")
    answer(client, column, "ja")
    answer(client, column, "nee")  # changed their mind: the same answer, now "nee"
    assert list(Vote.objects.values_list("useful", flat=True)) == [False]

    answer(client, column, "ja", address="192.0.2.11")
    answer(client, column, "ja", browser="Mozilla/5.0 Safari/605.1")
    assert Vote.objects.count() == 3


def test_nothing_personal_is_stored(client, column):
    answer(client, column, "nee", address="198.51.100.77")
    stored = str(list(Vote.objects.values()))
    assert "198.51.100.77" not in stored and "Firefox" not in stored
    assert client.cookies == {} or set(client.cookies) == set()


def test_a_reader_who_answers_too_often_is_told_in_dutch(client, column_factory, settings):
    settings.FEEDBACK_PER_HOUR = 2
    columns = [column_factory() for _ in range(3)]
    assert answer(client, columns[0], "ja").status_code == 302
    assert answer(client, columns[1], "ja").status_code == 302
    refused = answer(client, columns[2], "ja")
    assertContains(refused, "heel vaak geantwoord", status_code=429)
    assert Vote.objects.count() == 2


def test_answering_works_on_a_cached_column_page_without_any_cookie(settings, column):
    page_cache_on(settings)
    reader = Client(enforce_csrf_checks=True)
    reader.get(column.get_absolute_url())
    cached = reader.get(column.get_absolute_url())
    assert cached["X-Page-Cache"] == "hit"

    response = answer(reader, column, "ja")

    assert response.status_code == 302
    assert Vote.objects.filter(useful=True).count() == 1
    thanks = reader.get(response["Location"])
    assertContains(thanks, "Bedankt voor je antwoord!")
    assert "csrftoken" not in response.cookies and "sessionid" not in response.cookies


def test_editors_see_counts_and_reasons_per_column(editor_client, column, column_factory):
    Vote.objects.create(column=column, useful=True)
    Vote.objects.create(column=column, useful=False, reason="onduidelijk", comment="Te vaag.")
    Vote.objects.create(column=column, useful=False, reason="verouderd")
    column_factory(title="Nooit beantwoord")

    listing = editor_client.get("/admin/feedback/columnfeedback/")
    assertContains(listing, column.title)
    assertNotContains(listing, "Nooit beantwoord")
    assertContains(listing, "33%")
    assertContains(listing, "Bekijk 2 antwoorden")

    reasons = editor_client.get(
        f"/admin/feedback/vote/?column__id__exact={column.pk}&useful__exact=0"
    )
    assertContains(reasons, "Te vaag.")
    assertContains(reasons, "Onduidelijk")
    assertContains(reasons, "Verouderd")
    assertContains(reasons, "2 antwoorden")


def test_the_privacy_page_explains_the_answers(client):
    assertContains(client.get("/privacy/"), "Was dit nuttig?")
