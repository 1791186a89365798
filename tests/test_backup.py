"""Backups: a snapshot of the whole site restores into an empty database, row for row,
and only its owner can read it (it holds password hashes and e-mail addresses)."""

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

import search
from articles.models import Column
from ops import backups
from ops.management.commands import backup as backup_command
from reactions.models import Reaction

from . import factories
from .images import illustrate

SKIPPED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    # the search index: rebuilt from the restored columns, with a new build time
    "search.searchindexinfo",
}
ON_SQLITE = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file backups")
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump backups (make test-postgres)"
)


def every_row():
    """Every row of every model, in natural keys, so ids of rows rebuilt by natural key
    don't matter."""
    rows = []
    for model in apps.get_models():
        if model._meta.label_lower in SKIPPED:
            continue
        objects = model._default_manager.order_by("pk")
        data = serializers.serialize(
            "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        rows.extend(sorted(repr(row) for row in data))
    return rows


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def site(seed, editor, django_user_model):
    django_user_model.objects.create_superuser("beheer", "beheer@example.nl", "sterk-genoeg-42")
    column = Column.objects.get(slug="ga-jij-naar-de-klant")
    parent = factories.ReactionFactory(column=column, body="Herkenbaar.\nTweede regel.")
    factories.ReactionFactory(column=column, parent=parent, status=Reaction.Status.PENDING)
    factories.ReactionFactory(column=column, status=Reaction.Status.SPAM)
    illustrate("ga-jij-naar-de-klant")  # a header image and two in the text: media files
    return every_row()


def media():
    """{name: bytes} of every uploaded file (originals and renditions)."""
    root = settings.MEDIA_ROOT
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def empty_media_folder():
    shutil.rmtree(settings.MEDIA_ROOT)
    settings.MEDIA_ROOT.mkdir()


def assert_the_media_came_back(folder, path, files):
    archive = backups.media_archive_of(path)
    assert sorted(os.listdir(folder)) == sorted([os.path.basename(path), archive.name])
    assert mode_of(archive) == 0o600
    assert media() == files
    # What the column page shows is there: every image address names a restored file.
    page = Client().get(Column.objects.get(slug="ga-jij-naar-de-klant").get_absolute_url())
    shown = set(re.findall(r'src="/media/([^"]+)"', page.content.decode()))
    assert shown and shown <= set(files)


@pytest.fixture
def usual_umask():
    """Files as a user's shell would create them (readable by all unless told otherwise)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def backup(folder, capsys):
    call_command("backup", dir=str(folder))
    return capsys.readouterr().out.strip().splitlines()[-1]


def fake_tool(folder, name, version, script=""):
    """An executable `name` in `folder` that says it is PostgreSQL `version` and
    otherwise runs `script` (Python)."""
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "if sys.argv[1:] == ['--version']:\n"
        f"    print('{name} (PostgreSQL) {version} (Debian {version}-1)')\n"
        "    sys.exit(0)\n" + script
    )
    tool.chmod(0o755)
    return tool


def require_postgres_tools(*names):
    """The client tools of the server's version: a failure under CI, a skip elsewhere."""
    major = backups.server_major_version(connection)
    try:
        for name in names:
            backups.postgres_tool(name, major)
    except CommandError as error:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(str(error), pytrace=False)
        pytest.skip(str(error))


@ON_SQLITE
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_every_row_and_leaves_no_files_next_to_it(site, tmp_path, capsys):
    folder = tmp_path / "backups"
    path = backup(folder, capsys)
    assert path.endswith(".sqlite3")
    copy = sqlite3.connect(path)
    titles = {row[0] for row in copy.execute("SELECT title FROM articles_column")}
    copy.close()
    assert titles == set(Column.objects.values_list("title", flat=True))

    # The test database lives in memory; a copy of a site's file says "WAL mode".
    wal_mode(path)

    files = media()
    call_command("flush", interactive=False, verbosity=0)
    empty_media_folder()
    assert Column.objects.count() == 0
    call_command("restore", path)

    assert every_row() == site
    assert Reaction.objects.count() == 3
    assert search.search("evenwaardigheid").total == 2  # the index is rebuilt
    # The uploaded images are back, and no -wal or -shm file was left next to the backup.
    assert_the_media_came_back(folder, path, files)


def wal_mode(path):
    database = sqlite3.connect(path)
    assert database.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    database.close()
    assert journal_of(path) == "WAL"


def journal_of(path):
    """What the file's header says (bytes 18 and 19: 1 rollback journal, 2 WAL)."""
    with open(path, "rb") as file:
        header = file.read(20)
    return {b"\x01\x01": "rollback", b"\x02\x02": "WAL"}[header[18:20]]


@ON_SQLITE
def test_the_backup_of_a_site_in_wal_mode_is_a_single_file(tmp_path):
    site = tmp_path / "site.sqlite3"
    live = sqlite3.connect(site, isolation_level=None)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE notes (body TEXT)")
    live.execute("INSERT INTO notes VALUES ('nog in de WAL')")  # not checkpointed yet
    try:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{site}"}
        result = subprocess.run(
            [sys.executable, "manage.py", "backup", "--dir", str(tmp_path / "backups")],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        live.close()
    assert result.returncode == 0, result.stderr
    path = result.stdout.strip()
    assert journal_of(path) == "rollback"
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert copy.execute("SELECT body FROM notes").fetchall() == [("nog in de WAL",)]
    copy.close()
    assert os.listdir(tmp_path / "backups") == [os.path.basename(path)]


@ON_SQLITE
@pytest.mark.django_db(transaction=True)  # as the command runs: not inside a transaction
def test_backups_are_private_to_their_owner(tmp_path, capsys, usual_umask):
    folder = tmp_path / "nieuw" / "backups"
    path = backup(folder, capsys)
    assert mode_of(folder) == 0o700
    assert mode_of(path) == 0o600
    assert sorted(os.listdir(folder)) == [os.path.basename(path)]  # no uploads, no archive


@pytest.mark.django_db(transaction=True)
def test_a_backup_folder_that_others_can_read_is_refused(tmp_path):
    folder = tmp_path / "gedeeld"
    folder.mkdir()
    folder.chmod(0o755)
    with pytest.raises(CommandError, match=f"chmod 700 {folder}"):
        call_command("backup", dir=str(folder))
    assert os.listdir(folder) == []
    assert mode_of(folder) == 0o755  # refused, not changed behind the owner's back


def test_a_failed_backup_leaves_no_file(db, tmp_path, monkeypatch):
    def fails_halfway(path):
        path.write_bytes(b"half a backup")
        raise CommandError("disk full")

    name = "backup_sqlite" if connection.vendor == "sqlite" else "backup_postgres"
    monkeypatch.setattr(backup_command, name, fails_halfway)
    folder = tmp_path / "backups"
    with pytest.raises(CommandError, match="disk full"):
        call_command("backup", dir=str(folder))
    assert os.listdir(folder) == []


def test_restore_refuses_a_database_in_use(seed, tmp_path):
    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".dump"
    path = tmp_path / f"kennisbank{suffix}"
    path.write_bytes(b"")
    message = "not empty" if connection.vendor == "sqlite" else "already has tables.*createdb"
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))
    assert Column.objects.count() == 5


def test_a_backup_restores_into_the_same_kind_of_database_only(db, tmp_path):
    other = {"sqlite": "kennisbank.dump", "postgresql": "kennisbank.sqlite3"}[connection.vendor]
    path = tmp_path / other
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="restores into an? (SQLite|PostgreSQL) database only"):
        call_command("restore", str(path))


def test_restore_rejects_unknown_files(db, tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "weg.sqlite3"))
    for name in ("notities.txt", "kennisbank.json.gz"):
        other = tmp_path / name
        other.write_text("geen backup")
        with pytest.raises(CommandError, match=r"\.sqlite3 \(SQLite\) or \.dump"):
            call_command("restore", str(other))


@ON_SQLITE
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_live_sqlite_database_with_a_wal_file(tmp_path):
    path = tmp_path / "db.sqlite3"
    live = sqlite3.connect(path, isolation_level=None)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE t (x)")
    live.execute("INSERT INTO t VALUES (1)")  # still in the -wal file while `live` is open
    try:
        with pytest.raises(CommandError, match="not a backup"):
            call_command("restore", str(path))
    finally:
        live.close()


def test_missing_postgres_tools_are_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError) as error:
        backups.postgres_tool("pg_dump", 15)
    assert "pg_dump is not installed" in str(error.value)
    assert "postgresql-client-15" in str(error.value)


def test_postgres_tools_of_another_major_version_are_refused(monkeypatch, tmp_path):
    tools = tmp_path / "bin"
    fake_tool(tools, "pg_restore", "14.11")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(CommandError, match="is version 14, the database server version 15"):
        backups.postgres_tool("pg_restore", 15)
    assert backups.postgres_tool("pg_restore", 14) == str(tools / "pg_restore")


def test_pg_dump_gets_the_password_from_the_environment_not_the_command_line(
    db, monkeypatch, tmp_path
):
    tools = tmp_path / "bin"
    record = tmp_path / "pg_dump.json"
    fake_tool(
        tools,
        "pg_dump",
        "15.3",
        f"json.dump({{'argv': sys.argv, 'env': dict(os.environ)}}, open({str(record)!r}, 'w'))\n"
        "sys.stdout.buffer.write(b'PGDMP dump')\n",
    )
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(backups, "server_major_version", lambda connection: 15)
    dsn = {
        "NAME": "kennisbank",
        "USER": "kb",
        "PASSWORD": "geheim wachtwoord",
        "HOST": "db.internal",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require"},
    }
    for key, value in dsn.items():
        monkeypatch.setitem(connection.settings_dict, key, value)
    path = tmp_path / "kennisbank.dump"
    path.write_bytes(b"")

    backup_command.backup_postgres(path)

    assert path.read_bytes() == b"PGDMP dump"  # what pg_dump wrote, streamed into the file
    called = json.loads(record.read_text())
    assert "geheim" not in " ".join(called["argv"])
    assert called["env"]["PGPASSWORD"] == "geheim wachtwoord"
    assert {key: called["env"][key] for key in ("PGUSER", "PGHOST", "PGPORT", "PGSSLMODE")} == {
        "PGUSER": "kb",
        "PGHOST": "db.internal",
        "PGPORT": "5433",
        "PGSSLMODE": "require",
    }
    assert "--format=custom" in called["argv"] and "--dbname=kennisbank" in called["argv"]
    assert '--exclude-table-data="kb_cache"' in called["argv"]


def test_a_failing_pg_dump_says_why(db, monkeypatch, tmp_path):
    tools = tmp_path / "bin"
    fake_tool(tools, "pg_dump", "15.3", "sys.stderr.write('connection refused\\n')\nsys.exit(1)\n")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(backups, "server_major_version", lambda connection: 15)
    with pytest.raises(CommandError, match="pg_dump failed: connection refused"):
        backup_command.backup_postgres(tmp_path / "kennisbank.dump")


@pytest.fixture
def emptied_database():
    """The test database without tables, as a database made by `createdb` is; migrated
    again afterwards should the restore have failed."""
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    yield
    if not connection.introspection.table_names():
        call_command("migrate", verbosity=0)


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_every_row_into_a_new_database(site, tmp_path, capsys, request):
    require_postgres_tools("pg_dump", "pg_restore")
    folder = tmp_path / "backups"
    path = backup(folder, capsys)
    assert path.endswith(".dump")
    assert mode_of(folder) == 0o700 and mode_of(path) == 0o600
    with open(path, "rb") as dump:
        assert dump.read(5) == b"PGDMP"  # pg_dump's custom format

    files = media()
    request.getfixturevalue("emptied_database")
    empty_media_folder()
    assert connection.introspection.table_names() == []
    call_command("restore", path)

    assert every_row() == site
    assert Reaction.objects.count() == 3
    assert search.search("evenwaardigheid").total == 2  # the index is rebuilt
    assert_the_media_came_back(folder, path, files)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_media_files_that_are_already_there(tmp_path):
    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".dump"
    path = tmp_path / f"kennisbank{suffix}"
    path.write_bytes(b"")
    archive = backups.media_archive_of(path)
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "foto.jpg").write_bytes(b"een foto")
    with tarfile.open(archive, "w") as tar:
        tar.add(tmp_path / "images" / "foto.jpg", arcname="images/foto.jpg")
    (settings.MEDIA_ROOT / "images").mkdir()
    (settings.MEDIA_ROOT / "images" / "foto.jpg").write_bytes(b"een andere foto")

    with pytest.raises(CommandError, match="already holds images/foto.jpg"):
        call_command("restore", str(path))
    assert (settings.MEDIA_ROOT / "images" / "foto.jpg").read_bytes() == b"een andere foto"


def test_restore_refuses_a_media_archive_with_paths_outside_the_media_folder(db, tmp_path):
    path = tmp_path / "kennisbank.sqlite3"
    path.write_bytes(b"")
    outside = tmp_path / "weg.txt"
    outside.write_text("buiten")
    with tarfile.open(backups.media_archive_of(path), "w") as tar:
        tar.add(outside, arcname="../weg.txt")
    with pytest.raises(CommandError, match="which a backup never writes"):
        call_command("restore", str(path))
