"""The wheel that `pip install .` builds holds every app, with its migrations."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings

PROJECT = Path(settings.BASE_DIR)


# Built from a clean copy: a `build/` folder left in the checkout could put files in the
# wheel that the package list no longer names.
LEFT_OUT = shutil.ignore_patterns(
    ".*",
    "node_modules",
    "build",
    "*.egg-info",
    "__pycache__",
    "test-artifacts",
    "staticfiles",
    "backups",
    "db.sqlite3*",
)


def test_the_wheel_contains_every_app_and_its_migrations(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(PROJECT, source, ignore=LEFT_OUT)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(PROJECT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("kennisbank-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    ours = [config for config in apps.get_app_configs() if Path(config.path).parent == PROJECT]
    assert {config.name for config in ours} >= {"articles", "search", "reactions", "ops"}
    for config in ours:
        for source in Path(config.path).rglob("*.py"):
            assert str(source.relative_to(PROJECT)) in names, f"{source} is not in the wheel"
    assert "kb/settings.py" in names
