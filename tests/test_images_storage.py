"""Where the library's files live: a folder on this machine by default, S3-compatible
object storage for several app servers. The S3 path is tested against a real S3 server
(moto's server mode, started here on a free port), not a mocked client."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from images.models import Image
from kb.settings import media_origins

from .images import picture_bytes, upload

BUCKET = "kennisbank-media"
PUBLIC_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def moto_server_command():
    beside_python = Path(sys.executable).with_name("moto_server")
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("moto_server")


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A real S3-compatible server on 127.0.0.1, stopped after the module's tests."""
    command = moto_server_command()
    if command is None:
        message = "moto_server is missing: pip install 'moto[server]' (part of the test extras)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = free_port()
    folder = tmp_path_factory.mktemp("moto")
    log = (folder / "moto.log").open("w")
    server = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)], cwd=folder, stdout=log, stderr=log
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"moto_server did not start: {(folder / 'moto.log').read_text()}")
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture
def s3_storage(s3_endpoint, settings):
    """The media storage switched to the S3 server, as DJANGO_MEDIA_S3_* would, with a
    fresh bucket; returns a boto3 client to look inside it."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    # Readers fetch the images straight from the bucket (docs/images.md).
    client.put_bucket_policy(Bucket=BUCKET, Policy=PUBLIC_READ)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_on_the_local_disk_files_are_under_media_root(editor_client, settings):
    response = editor_client.post(
        reverse("admin:images_image_add"),
        {"upload": upload("balie.jpg", picture_bytes(900, 600)), "alt_text": "Een balie"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    stored = Path(settings.MEDIA_ROOT) / image.file.name
    assert stored.is_file()
    assert image.file.url == f"/media/{image.file.name}"
    for rendition in image.renditions.all():
        assert (Path(settings.MEDIA_ROOT) / rendition.file.name).is_file()


def test_on_s3_the_files_go_to_the_bucket_and_are_served_from_there(
    editor_client, s3_storage, s3_endpoint, settings, django_capture_on_commit_callbacks
):
    response = editor_client.post(
        reverse("admin:images_image_add"),
        {"upload": upload("balie.jpg", picture_bytes(900, 600)), "alt_text": "Een balie"},
    )
    assert response.status_code == 302
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.jpg"))
    image = Image.objects.get()
    expected = sorted([image.file.name, *(r.file.name for r in image.renditions.all())])
    assert keys(s3_storage) == expected
    head = s3_storage.head_object(Bucket=BUCKET, Key=image.file.name)
    assert head["ContentType"] == "image/jpeg"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"

    # The page points at the bucket, and the bucket answers with the picture.
    url = image.renditions.filter(format="WEBP").first().file.url
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/images/renditions/")
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read()[:4] == b"RIFF"
    # The Content-Security-Policy lets the browser load it.
    origin = "/".join(url.split("/")[:3])
    assert origin in media_origins(settings.STORAGES["default"], settings.MEDIA_URL)

    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert keys(s3_storage) == []


def test_on_s3_a_refused_upload_leaves_nothing_in_the_bucket(editor_client, s3_storage):
    response = editor_client.post(
        reverse("admin:images_image_add"),
        {"upload": upload("a.jpg", picture_bytes(400, 300)), "alt_text": ""},
    )
    assert response.status_code == 200
    assert keys(s3_storage) == []


@pytest.mark.parametrize(
    ("options", "origin"),
    [
        ({"custom_domain": "beeld.kennisbank.nl"}, "https://beeld.kennisbank.nl"),
        ({"endpoint_url": "https://s3.example.nl/"}, "https://s3.example.nl"),
        (
            {"endpoint_url": "https://s3.example.nl", "addressing_style": "virtual"},
            "https://media.s3.example.nl",
        ),
        ({"region_name": "eu-west-1"}, "https://media.s3.eu-west-1.amazonaws.com"),
    ],
)
def test_the_csp_allows_the_origin_images_come_from(options, origin):
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "media", **options},
    }
    assert media_origins(storage, "/media/") == [origin]
    assert (
        media_origins({"BACKEND": "django.core.files.storage.FileSystemStorage"}, "/media/") == []
    )


def settings_in_a_fresh_process(code, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env, DJANGO_SECRET_KEY="x", DJANGO_SETTINGS_MODULE="kb.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        env=environment,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )


def test_the_environment_selects_object_storage_and_the_csp_follows():
    result = settings_in_a_fresh_process(
        "print(settings.STORAGES['default']['BACKEND']);"
        " print(settings.STORAGES['default']['OPTIONS']['bucket_name']);"
        " print(' '.join(settings.SECURE_CSP['img-src']))",
        DJANGO_MEDIA_S3_BUCKET="kennisbank-media",
        DJANGO_MEDIA_S3_ENDPOINT_URL="https://objects.example.nl",
    )
    assert result.returncode == 0, result.stderr
    backend, bucket, img_src = result.stdout.splitlines()
    assert backend == "storages.backends.s3.S3Storage" and bucket == "kennisbank-media"
    assert img_src.split() == ["'self'", "data:", "https://objects.example.nl"]


def test_by_default_media_stay_on_this_machine():
    result = settings_in_a_fresh_process(
        "print(settings.STORAGES['default']['BACKEND']); print(settings.SERVE_MEDIA)"
    )
    assert result.stdout.split() == ["django.core.files.storage.FileSystemStorage", "False"]


def test_rendition_widths_that_are_not_numbers_are_a_clear_error():
    result = settings_in_a_fresh_process("", DJANGO_IMAGES_RENDITION_WIDTHS="400,breed")
    assert result.returncode != 0
    assert "DJANGO_IMAGES_RENDITION_WIDTHS must be whole numbers" in result.stderr
