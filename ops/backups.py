"""Backups: what they treat specially, told by the apps that own it (ops imports no
domain app), and the files and tools `manage.py backup` and `restore` use.

- `register_derived(model)`: rows computed from other rows (the search index's
  vocabulary, say). A restore does not count them when it checks that the target
  database is empty; the app rebuilds them when `restored` is sent.
- `restored`: sent after `manage.py restore` has put the data back.

A backup holds password hashes and e-mail addresses: its folder is private to the
owner (0700) and so is every file in it (0600).

Uploaded files (the image library) are part of a backup when they are kept in a local
folder (Django's default storage is a FileSystemStorage): they go into a tar archive
next to the database file, `<name>.media.tar`, and a restore puts them back through
the default storage. With object storage (S3) the bucket is the media store: back it
up with the bucket's own versioning or replication.
"""

import os
import re
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path

from django.core.management.base import CommandError
from django.dispatch import Signal

restored = Signal()

_derived = set()


def register_derived(model):
    _derived.add(model._meta.label_lower)
    return model


def is_derived(model):
    return model._meta.label_lower in _derived


def private_folder(folder):
    """`folder`, created readable by its owner only (0700). An existing folder that
    other users may read or enter is refused rather than changed: it may be shared on
    purpose, and backups that were written into it before may have been read."""
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)
        folder.chmod(0o700)  # whatever the umask
        return folder
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder.")
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        raise CommandError(
            f"The backup folder {folder} can be read by other users (mode {mode:04o}). "
            "Backups hold password hashes and e-mail addresses: make it private with "
            f"`chmod 700 {folder}`, or choose another folder with --dir."
        )
    return folder


def media_archive_of(database_backup):
    """The media archive that belongs with a database backup file."""
    database_backup = Path(database_backup)
    return database_backup.with_name(database_backup.stem + ".media.tar")


def local_media_folder():
    """The folder of the default storage when it is a local one (else None)."""
    from django.core.files.storage import FileSystemStorage, default_storage

    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def media_files(folder):
    """The files below `folder`, relative to it, in a stable order."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
    )


def write_media_archive(path, folder, names):
    """A tar archive at `path` (an existing private file) of `names` below `folder`.
    Images are compressed already, so the archive is not."""
    with tarfile.open(path, "w") as archive:
        for name in names:
            archive.add(folder / name, arcname=name, recursive=False)


def media_in_archive(path):
    """The names of the regular files in a media archive; anything else (links, absolute
    or parent paths) makes it an archive this site did not write."""
    try:
        with tarfile.open(path) as archive:
            members = archive.getmembers()
    except (tarfile.TarError, OSError) as error:
        raise CommandError(f"{path} is not a media archive of a backup: {error}.") from None
    names = []
    for member in members:
        if member.isdir():
            continue
        name = Path(member.name)
        if not member.isfile() or name.is_absolute() or ".." in name.parts:
            raise CommandError(f"{path} holds {member.name!r}, which a backup never writes.")
        names.append(member.name)
    return names


def restore_media(path, names):
    """Write the files of the media archive `path` through the default storage, under
    their own names (checked to be free before anything was restored)."""
    from django.core.files import File
    from django.core.files.storage import default_storage

    with tarfile.open(path) as archive:
        for name in names:
            with archive.extractfile(name) as content:
                saved = default_storage.save(name, File(content, name=name))
            if saved != name:
                raise CommandError(f"The media file {name} came back as {saved}.")


def media_in_the_way(names):
    """The names that the default storage already holds."""
    from django.core.files.storage import default_storage

    return [name for name in names if default_storage.exists(name)]


def create_private_file(path):
    """A new, empty file at `path` that only its owner can read and write (0600)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


# PostgreSQL: pg_dump and pg_restore, of the server's major version.

# Connection settings passed to libpq through its environment variables, so no
# password ever shows on a command line (where `ps` shows it to every user).
LIBPQ_SETTINGS = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def libpq_environment(settings_dict):
    """The process environment for pg_dump/pg_restore connecting as Django does
    (libpq reads the same variables when Django leaves a setting empty)."""
    env = dict(os.environ)
    for key, name in LIBPQ_SETTINGS.items():
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    for key, name in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(key):
            env[name] = str(settings_dict["OPTIONS"][key])
    return env


def server_major_version(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        return cursor.fetchone()[0] // 10000


def postgres_tool(name, server_major):
    """The path of PostgreSQL's `name` (pg_dump, pg_restore), checked to be of the
    server's major version: an older pg_dump refuses a newer server, and a newer
    one writes archives that an older pg_restore cannot read."""
    how = (
        f"Install PostgreSQL's client tools of version {server_major} (Debian: "
        f"apt-get install postgresql-client-{server_major}) and put them first on the "
        f"PATH (Debian: /usr/lib/postgresql/{server_major}/bin)."
    )
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (or not on the PATH). {how}")
    answer = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    found = re.search(r"\(PostgreSQL\) (\d+)", answer.stdout)
    if answer.returncode or not found:
        raise CommandError(f"{path} --version did not say its version. {how}")
    major = int(found.group(1))
    if major != server_major:
        raise CommandError(
            f"{path} is version {major}, the database server version {server_major}. {how}"
        )
    return path


def run_postgres_tool(command, env, **kwargs):
    """Run pg_dump/pg_restore; its own message (stderr) becomes the CommandError."""
    result = subprocess.run(command, env=env, stderr=subprocess.PIPE, **kwargs)
    if result.returncode:
        message = result.stderr.decode(errors="replace").strip()
        raise CommandError(f"{os.path.basename(command[0])} failed: {message}")
