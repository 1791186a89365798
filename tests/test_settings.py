import os
import subprocess
import sys
from datetime import UTC, datetime

from django.conf import settings
from pytest_django.asserts import assertContains

from articles.models import Theme


def run_settings(**env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])",
        ],
        env={**environment, "DJANGO_SETTINGS_MODULE": "kb.settings"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_missing_secret_key_outside_debug_is_a_clear_error():
    result = run_settings()
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_and_sqlite_is_the_default():
    assert run_settings(DJANGO_SECRET_KEY="x").stdout.split() == [
        "False",
        "django.db.backends.sqlite3",
    ]
    assert run_settings(DJANGO_DEBUG="true").stdout.split()[0] == "True"


def test_database_url_switches_to_postgresql():
    result = run_settings(DJANGO_SECRET_KEY="x", DATABASE_URL="postgres://u@localhost/kb")
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def test_sqlite_waits_for_concurrent_writers():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.DATABASES['default']['OPTIONS'])",
        ],
        env={**os.environ, "DJANGO_SECRET_KEY": "x", "DATABASE_URL": "sqlite:///tmp.db"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    options = result.stdout
    assert "'transaction_mode': 'IMMEDIATE'" in options
    assert "journal_mode=WAL" in options
    assert "'timeout': 20" in options


def test_pages_speak_dutch_and_tell_amsterdam_time(client, column_factory):
    """Half past eleven on New Year's Eve in UTC is already 2020 in Amsterdam."""
    column = column_factory(published_at=datetime(2019, 12, 31, 23, 30, tzinfo=UTC))

    response = client.get(column.get_absolute_url())

    assertContains(response, '<html lang="nl">')
    assertContains(response, '<time datetime="2020-01-01T00:30:00+0100">1 januari 2020</time>')
    assertContains(client.get("/archief/2020/"), column.title)


def test_theme_names_are_lower_case_and_matched_regardless_of_case(column):
    column.themes.add("Klant Centraal", "Nieuw Thema")
    names = sorted(column.themes.values_list("name", flat=True))
    assert names == ["klant centraal", "nieuw thema"]
    assert Theme.objects.get(name="nieuw thema").slug == "nieuw-thema"
