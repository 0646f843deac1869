"""var/ (the SQLite database, uploaded imports, exported workbooks) is readable by the service account only."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from unit.private_files import private_dir, private_file, write_private

BASE_DIR = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The usual umask (022), which gives 0755 folders and 0644 files unless the code says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_fresh_var_dir_and_its_sqlite_database_are_private(tmp_path):
    var_dir = tmp_path / "var"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    env.update({"VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings"})
    result = subprocess.run(["/bin/sh", "-c", f"umask 022 && exec {sys.executable} manage.py migrate -v0"],
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _mode(var_dir) == 0o700
    assert _mode(var_dir / "unit.sqlite3") == 0o600


def test_imports_and_exports_folders_are_private(settings, tmp_path, open_umask):
    from dashboards import exports
    from interchange import import_jobs

    settings.VAR_DIR = tmp_path
    assert _mode(exports.exports_dir()) == 0o700
    assert _mode(import_jobs.uploads_dir()) == 0o700


def test_private_helpers_ignore_the_umask(tmp_path, open_umask):
    assert _mode(private_dir(tmp_path / "a" / "b")) == 0o700
    existing = tmp_path / "db.sqlite3"
    existing.write_text("")
    existing.chmod(0o644)
    assert _mode(private_file(existing)) == 0o600
    assert _mode(private_file(tmp_path / "new.sqlite3")) == 0o600
    written = tmp_path / "backup"
    write_private(written, b"data")
    assert _mode(written) == 0o600 and written.read_bytes() == b"data"
