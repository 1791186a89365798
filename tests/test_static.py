"""Static files as production serves them: collected, hashed, compressed, cached long."""

import json

from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client


def test_collected_static_files_have_hashed_names_and_long_cache_lifetimes(settings, tmp_path, db):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # a new handler, so whitenoise reads the collected files

    stylesheet = static("css/site.css")
    page = client.get("/").content.decode()
    response = client.get(stylesheet, headers={"accept-encoding": "gzip, br"})
    response.close()

    assert stylesheet.startswith("/static/css/site.") and stylesheet != "/static/css/site.css"
    assert f'href="{stylesheet}"' in page
    assert static("css/print.css") in page
    assert static("icons/favicon.svg") in page
    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]
    assert response["Content-Encoding"] in {"gzip", "br"}


def test_web_manifest_names_the_site_and_its_icons(client, db):
    response = client.get("/static/site.webmanifest")
    manifest = json.loads(b"".join(response.streaming_content))
    response.close()

    assert manifest["name"] == "Kennisbank"
    assert manifest["lang"] == "nl"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        response = client.get(f"/static/{icon['src']}")
        response.close()
        assert response.status_code == 200
