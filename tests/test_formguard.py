"""The anti-spam guard that the reaction form and the follow form share (ops/formguard.py)."""

import time

import pytest
from django.core import signing
from django.forms.forms import NON_FIELD_ERRORS
from django.test import RequestFactory

from ops import formguard, holes
from reactions.forms import ReactionForm
from subscriptions.forms import SubscribeForm

from .reactions import SignerOfLastYear

SALT = "tests.formguard"


def old_token(age, salt=SALT, **fields):
    """A token as a form shown `age` seconds ago carries, signed now."""
    return signing.dumps({**fields, "issued": time.time() - age, "nonce": "0a1b2c3d"}, salt=salt)


def test_a_token_gives_back_its_fields_and_when_it_was_issued():
    token = formguard.read_token(formguard.issue_token(salt=SALT, column=7), salt=SALT, max_age=60)

    assert token["column"] == 7
    assert token["issued"] == pytest.approx(time.time(), abs=1)
    assert len(token["nonce"]) == 8


def test_a_form_sent_back_at_once_is_not_too_fast_when_no_minimum_is_set(monkeypatch):
    # A moment whose millisecond rounds up: the token must not seem issued later.
    monkeypatch.setattr(formguard.time, "time", lambda: 1_796_168_995.3606)
    token = formguard.read_token(formguard.issue_token(salt=SALT), salt=SALT, max_age=60)
    assert token["issued"] <= 1_796_168_995.3606
    assert formguard.robot_reason(honeypot="", issued=token["issued"], min_seconds=0) == ""


def test_two_tokens_issued_at_once_differ():
    assert formguard.issue_token(salt=SALT) != formguard.issue_token(salt=SALT)


def test_a_token_shown_a_while_ago_is_still_good():
    assert formguard.read_token(old_token(3599, column=7), salt=SALT, max_age=3600)["column"] == 7


def test_a_token_issued_longer_ago_than_its_max_age_is_expired():
    with pytest.raises(formguard.InvalidToken):
        formguard.read_token(old_token(3601), salt=SALT, max_age=3600)


def test_a_token_signed_longer_ago_than_its_max_age_is_expired():
    payload = {"issued": time.time(), "nonce": "0a1b2c3d"}
    token = SignerOfLastYear(salt=SALT).sign_object(payload)

    with pytest.raises(formguard.InvalidToken):
        formguard.read_token(token, salt=SALT, max_age=24 * 3600)


@pytest.mark.parametrize(
    "token", ["tampered", "garbage", "missing", "another-form", "no-time", "bad-time", "no-dict"]
)
def test_a_tampered_missing_or_foreign_token_is_refused(token):
    tokens = {
        "tampered": formguard.issue_token(salt=SALT)[:-3] + "abc",
        "garbage": "geknoeid",
        "missing": "",
        "another-form": formguard.issue_token(salt="another.form-token"),
        "no-time": signing.dumps({"nonce": "0a1b2c3d"}, salt=SALT),
        "bad-time": signing.dumps({"issued": "gisteren"}, salt=SALT),
        "no-dict": signing.dumps(["issued"], salt=SALT),
    }
    with pytest.raises(formguard.InvalidToken):
        formguard.read_token(tokens[token], salt=SALT, max_age=3600)


@pytest.mark.parametrize(
    ("honeypot", "age", "reason"),
    [
        ("", 10, ""),
        ("http://spam.example", 10, "honeypot filled"),
        ("http://spam.example", 1, "honeypot filled"),
        ("", 1, "sent too fast"),
    ],
)
def test_a_filled_honeypot_or_a_form_sent_back_too_fast_is_a_robots(honeypot, age, reason):
    issued = time.time() - age
    assert formguard.robot_reason(honeypot=honeypot, issued=issued, min_seconds=3) == reason


# The two forms that use it: their salts and page-cache holes are those of tokens
# already in readers' browsers, which must stay good.


def test_the_reaction_form_takes_a_token_of_its_hole_and_of_the_old_format(column, settings):
    settings.REACTIONS_MIN_FORM_SECONDS = 0
    request = RequestFactory().get("/")
    shown = holes.value(request, "reaction_form_token", column.pk)
    as_before = old_token(60, salt="articles.reactions.form-token", column=column.pk)
    typed = {"name": "Anna", "email": "anna@example.nl", "body": "Mooi stuk."}

    for token in (shown, as_before):
        assert ReactionForm({**typed, "token": token}, column=column).is_valid()


def test_the_follow_form_takes_a_token_of_its_hole_and_of_the_old_format(settings):
    settings.SUBSCRIPTIONS_MIN_FORM_SECONDS = 0
    request = RequestFactory().get("/")
    shown = holes.value(request, "subscribe_form_token")
    as_before = old_token(60, salt="subscriptions.form-token")
    typed = {"email": "anna@example.nl", "subject": "alles", "frequency": "weekly"}

    for token in (shown, as_before):
        assert SubscribeForm({**typed, "token": token}).is_valid()


def test_a_reaction_form_for_another_column_is_refused(column, column_factory):
    other = column_factory()
    token = old_token(60, salt="articles.reactions.form-token", column=other.pk)
    typed = {"name": "Anna", "email": "anna@example.nl", "body": "Mooi stuk.", "token": token}
    form = ReactionForm(typed, column=column)

    assert not form.is_valid()
    assert form.has_error(NON_FIELD_ERRORS, "wrong_column")
    assert form.robot == ""


def test_one_forms_token_is_no_good_for_the_other(column):
    reaction_token = old_token(60, salt="articles.reactions.form-token", column=column.pk)
    typed = {"email": "anna@example.nl", "subject": "alles", "frequency": "weekly"}
    form = SubscribeForm({**typed, "token": reaction_token})

    assert not form.is_valid()
    assert form.has_error(NON_FIELD_ERRORS, "expired")


@pytest.mark.parametrize(
    ("fields", "age", "reason"),
    [({"homepage": "http://spam.example"}, 60, "honeypot filled"), ({}, 1, "sent too fast")],
)
def test_the_forms_say_why_they_took_a_robot_for_one(column, settings, fields, age, reason):
    settings.REACTIONS_MIN_FORM_SECONDS = 3
    settings.SUBSCRIPTIONS_MIN_FORM_SECONDS = 3
    reaction = ReactionForm(
        {
            "name": "Anna",
            "email": "anna@example.nl",
            "body": "Mooi stuk.",
            "token": old_token(age, salt="articles.reactions.form-token", column=column.pk),
            **fields,
        },
        column=column,
    )
    follow = SubscribeForm(
        {
            "email": "anna@example.nl",
            "subject": "alles",
            "frequency": "weekly",
            "token": old_token(age, salt="subscriptions.form-token"),
            **fields,
        }
    )

    for form in (reaction, follow):
        assert not form.is_valid()
        assert form.has_error(NON_FIELD_ERRORS, "robot")
        assert form.robot == reason
