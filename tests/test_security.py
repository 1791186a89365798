"""Security headers, cookies, the deploy check and the admin login limit."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.asserts import assertContains

PAGES = ["/", "/columns/", "/admin/login/"]


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", PAGES)
def test_public_and_admin_pages_send_a_strict_policy_and_security_headers(client, seed, url):
    response = client.get(url)
    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    sources = [source for values in directives.values() for source in values]
    assert not any("unsafe" in source for source in sources)
    assert not any(":" in source and source != "data:" for source in sources)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) == 32


def test_admin_pages_of_an_editor_send_the_same_headers(editor_client, seed):
    for url in ["/admin/", "/admin/articles/column/", "/admin/articles/column/add/"]:
        response = editor_client.get(url)
        assert response.status_code == 200
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_hsts_over_https_when_configured(client, settings, seed):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_cookies_are_secure_and_http_only(client, editor):
    page = client.get("/admin/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "redacteur",
            "password": "geheim-wachtwoord-123",
            "csrfmiddlewaretoken": csrf.value,
        },
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    env = {
        # The browser tests allow sync database access from async code in this
        # process; a production server never does.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "kennisbank.example.nl",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
        "DJANGO_BEHIND_TLS_PROXY": "true",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
        "DJANGO_HSTS_PRELOAD": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_admin_login_is_limited_per_client_address(client, editor, settings, caplog):
    settings.LOGIN_FAILURE_LIMIT = 3
    for attempt in range(3):
        response = login(client, f"gast{attempt}", "fout")
        assertContains(response, "Voer de correcte gebruikersnaam")
    assert caplog.text.count("Admin login failed") == 3
    assert "'gast0' from 10.0.0.1" in caplog.text

    refused = login(client, "redacteur", "geheim-wachtwoord-123")
    assertContains(refused, "Te veel mislukte inlogpogingen. Wacht 15 minuten")
    assert "_auth_user_id" not in client.session

    elsewhere = Client()
    assert login(elsewhere, "redacteur", "geheim-wachtwoord-123", "10.0.0.2").status_code == 302


def test_admin_login_is_limited_per_user_name(client, editor, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for attempt in range(3):
        login(Client(), "Redacteur", "fout", f"10.0.1.{attempt}")
    refused = login(client, "redacteur", "geheim-wachtwoord-123", "10.0.2.1")
    assertContains(refused, "Te veel mislukte inlogpogingen")
    assert login(Client(), "iemand", "fout", "10.0.2.2").status_code == 200


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/admin/", "http://testserver.evil.example/"],
)
def test_admin_login_with_an_unsafe_next_lands_on_the_admin_index(client, editor, unsafe):
    """The login form posts `next` back as the browser found it in the address."""
    response = client.post(
        f"/admin/login/?next={unsafe}",
        {"username": "redacteur", "password": "geheim-wachtwoord-123", "next": unsafe},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assertContains(client.get(response["Location"]), "Beheer van columns")


def test_admin_login_with_a_local_next_goes_there(client, editor):
    target = "/admin/articles/column/?o=1"
    response = client.post(
        "/admin/login/?next=/admin/articles/column/%3Fo%3D1",
        {"username": "redacteur", "password": "geheim-wachtwoord-123", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200
