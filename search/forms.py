"""The parameters of /zoeken/, read by a form.

Tolerant where a reader would expect it: a missing or empty parameter takes its
default (page 1, relevance, HTML), NUL bytes are dropped from every value (PostgreSQL
can't store or compare them), empty and repeated themes are ignored, and a page past
the end shows the last page (search.engine). Anything else that is wrong gets a
Dutch message (and a 400 from the view).
"""

import re

from django import forms

from .engine import DATE, RELEVANCE

MAX_PAGE_DIGITS = 6
MAX_THEMES = 5
DIGITS = re.compile(r"[0-9]+")
YEAR = re.compile(r"[0-9]{4}")
HTML, JSON = "html", "json"


class NulDropping:
    """A field mixin: NUL bytes are dropped before anything else."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\x00", "")
        return super().to_python(value)


class TextField(NulDropping, forms.CharField):
    pass


class ChoiceField(NulDropping, forms.ChoiceField):
    def to_python(self, value):
        return super().to_python(value).strip()


class ThemesField(forms.Field):
    """A repeatable parameter (`thema=a&thema=b`): the distinct, non-empty values."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        slugs = (slug.replace("\x00", "").strip() for slug in value or [])
        return list(dict.fromkeys(slug for slug in slugs if slug))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_THEMES:
            raise forms.ValidationError(f"Kies hoogstens {MAX_THEMES} thema’s tegelijk.")


class ErrorText:
    """For a form whose view answers with one message (a Dutch 400 in JSON)."""

    def error_text(self):
        """Every error, in the order of the fields, as one Dutch text."""
        return " ".join(message for messages in self.errors.values() for message in messages)


class SearchForm(ErrorText, forms.Form):
    q = TextField(required=False, strip=False)  # search.query cuts and cleans it
    pagina = TextField(required=False)
    thema = ThemesField(required=False)
    auteur = TextField(required=False)
    jaar = TextField(required=False)
    sorteer = ChoiceField(
        required=False,
        choices=[(RELEVANCE, "relevantie"), (DATE, "datum")],
        error_messages={"invalid_choice": "Sorteer op relevantie of op datum."},
    )
    # "1": search what was typed, without correcting it (the link under a correction).
    letterlijk = TextField(required=False)
    formaat = ChoiceField(
        required=False,
        choices=[(HTML, "HTML"), (JSON, "JSON")],
        error_messages={"invalid_choice": "Kies het formaat html of json."},
    )

    def clean_pagina(self):
        """The page number, 1 when none is given."""
        text = self.cleaned_data["pagina"]
        if not text:
            return 1
        if not DIGITS.fullmatch(text) or not text.strip("0"):
            raise forms.ValidationError(
                "Geef het paginanummer als een heel getal vanaf 1, zoals 2."
            )
        if len(text.lstrip("0")) > MAX_PAGE_DIGITS:
            raise forms.ValidationError("Dat paginanummer is te groot.")
        return int(text)

    def clean_jaar(self):
        text = self.cleaned_data["jaar"]
        if not text:
            return None
        if not YEAR.fullmatch(text):
            raise forms.ValidationError("Geef het jaar als vier cijfers, zoals 2019.")
        return int(text)

    def clean_letterlijk(self):
        return self.cleaned_data["letterlijk"].strip() == "1"

    def clean_sorteer(self):
        return self.cleaned_data["sorteer"] or RELEVANCE

    def clean_formaat(self):
        return self.cleaned_data["formaat"] or HTML

    def wants_json(self):
        """After validation: the answer is JSON (asked for with a valid `formaat`)."""
        return self.cleaned_data.get("formaat") == JSON
