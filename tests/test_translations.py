"""The admin speaks Dutch where Django 6.1 ships no Dutch (locale/nl/), and the
compiled catalogues in the repository are those of the .po files."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.asserts import assertContains, assertNotContains

from tests.browser.tools import require

from . import factories

TIME_ZONE_NOTE = "Let op: vul tijden in volgens de tijdzone %(timezone)s."
LOCALE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"


def test_the_date_hierarchy_filters_in_dutch(editor_client, column):
    response = editor_client.get("/admin/articles/column/")

    assertContains(response, "Filteren op publicatiemoment")
    assertNotContains(response, "Filter by")


def test_the_empty_choice_of_a_select_is_dutch(editor_client, column):
    response = editor_client.get("/admin/articles/column/")

    assertContains(response, '<option value="" selected>- Kies een optie -</option>', html=True)
    assertNotContains(response, "Select an option")


def test_deleting_a_column_asks_in_dutch(editor_client, column):
    factories.ReactionFactory(column=column)

    response = editor_client.get(f"/admin/articles/column/{column.pk}/delete/")

    assertContains(response, f"Weet u zeker dat u column “{column.title}” wilt verwijderen?")
    assertContains(response, "<li>Thema van een column: klant centraal</li>", html=True)
    assertNotContains(response, "Are you sure")
    assertNotContains(response, "getagged")


def test_a_too_short_password_is_refused_in_dutch(editor_client):
    response = editor_client.post(
        "/admin/password_change/",
        {
            "old_password": "geheim-wachtwoord-123",
            "new_password1": "kort",
            "new_password2": "kort",
        },
    )

    assertContains(response, "Dit wachtwoord is te kort. Het moet minstens 8 tekens bevatten.")


@pytest.mark.parametrize(
    "dutch",
    [
        f"{TIME_ZONE_NOTE} (Uw klok loopt %(offset)s uur voor.)",
        f"{TIME_ZONE_NOTE} (Uw klok loopt %(offset)s uur achter.)",
        "Vandaag (%(date)s)",
        "%(day)s %(month)s %(year)s",
    ],
)
def test_the_admin_scripts_get_dutch(editor_client, dutch):
    """The calendar, the clock and the time-zone note under a date field."""
    response = editor_client.get("/admin/jsi18n/")

    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", response.text, re.S)[1])
    translations = [
        text
        for value in catalog.values()
        for text in ([value] if isinstance(value, str) else value)
    ]
    assert dutch in translations


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogues_match_their_sources(tmp_path, domain):
    """`make translations` was run after the last change to a .po file."""
    require(
        shutil.which("msgfmt") and shutil.which("msgunfmt"),
        "GNU gettext (msgfmt, msgunfmt)",
        "install the Debian package gettext",
    )
    fresh = tmp_path / f"{domain}.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", fresh, LOCALE / f"{domain}.po"], check=True, capture_output=True
    )

    def decompiled(path):
        return subprocess.run(["msgunfmt", path], check=True, capture_output=True, text=True).stdout

    assert decompiled(LOCALE / f"{domain}.mo") == decompiled(fresh)
