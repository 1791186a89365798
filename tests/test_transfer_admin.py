"""Importing a WordPress export in the admin: upload, dry run, confirm."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Column
from transfer.models import PendingImport

from .browser import tools
from .test_transfer import WXR


@pytest.fixture(autouse=True)
def _shared_import_data():
    """The WordPress test export lives next to the repository (../shared/import/): a
    skip where it is missing, a failure under CI."""
    tools.require(WXR.exists(), str(WXR), "the shared import test data (../shared/import/)")


UPLOAD = reverse("admin:transfer_pendingimport_changelist")


@pytest.fixture
def importer_client(editor, editor_client):
    editor.user_permissions.add(Permission.objects.get(codename="import_wordpress"))
    return editor_client


def upload(client, content, name="export.xml"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def test_editor_without_permission_cannot_import(editor_client):
    assert editor_client.get(UPLOAD).status_code == 403
    assert "WordPress-imports" not in editor_client.get(reverse("admin:index")).text


def test_upload_shows_dry_run_then_imports_on_confirmation(importer_client):
    page = importer_client.get(UPLOAD)
    assert page.status_code == 200
    assert "Proefdraai maken" in page.text
    response = upload(importer_client, WXR.read_bytes())
    assert response.status_code == 302
    report = importer_client.get(response["Location"])
    assert report.status_code == 200
    assert "Er is nog niets veranderd" in report.text
    assert "Template: Comments" in report.text
    assert "Importeren bevestigen" in report.text
    assert not Column.objects.exists()
    done = importer_client.post(response["Location"])
    assert done.status_code == 200
    assert "Import uitgevoerd" in done.text
    assert Column.objects.count() == 50
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"<html><body>hallo</body></html>", "export.xml", "geen WordPress-export"),
        (b"<rss><channel>", "export.xml", "geen geldige XML"),
        (b"whatever", "export.txt", "Kies een XML-bestand"),
    ],
)
def test_bad_upload_is_refused_in_dutch(importer_client, content, name, message):
    response = upload(importer_client, content, name)
    assert response.status_code == 400
    assert message in response.text
    assert not PendingImport.objects.exists()


def test_only_the_uploader_confirms(importer_client, django_user_model, client):
    response = upload(importer_client, WXR.read_bytes())
    other = django_user_model.objects.create_superuser("baas", password="x-geheim-123")
    client.force_login(other)
    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"]).status_code == 404
    assert not Column.objects.exists()
