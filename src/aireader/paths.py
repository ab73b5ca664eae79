"""Every location aireader reads or writes, in one place.

Directories are created on first use, never at import time. Each location can be
moved with an environment variable (``AIREADER_DATA_DIR``, ``AIREADER_CACHE_DIR``),
and the data directory also with ``--data-dir``; the tests use these so they never
touch a real user's files.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "aireader"
DATA_DIR_ENV = "AIREADER_DATA_DIR"
CACHE_DIR_ENV = "AIREADER_CACHE_DIR"
STATE_FILE = "state.sqlite3"


def _dir_from(env: str, default: str, override: Path | None) -> Path:
    path = override or (Path(os.environ[env]) if os.environ.get(env) else Path(default))
    return path.expanduser()


def data_dir(override: Path | None = None, *, create: bool = True) -> Path:
    """Where precious user data lives: read-state, bookmarks (never a cache)."""
    path = _dir_from(DATA_DIR_ENV, platformdirs.user_data_dir(APP_NAME), override)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir(override: Path | None = None, *, create: bool = True) -> Path:
    """Where disposable data lives; deleting it only costs a rebuild."""
    path = _dir_from(CACHE_DIR_ENV, platformdirs.user_cache_dir(APP_NAME), override)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def state_db_path(data: Path | None = None) -> Path:
    """The SQLite file holding read-state and bookmarks."""
    return data_dir(data) / STATE_FILE


def bundled_library() -> Path:
    """The sample library shipped with aireader, opened when no folder is given.

    An installed wheel carries it as package data (``aireader/articles``, beside
    this module: pip and pipx install packages as plain folders); a source checkout
    reads the top-level ``articles/`` folder it is built from.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "articles"
    if packaged.is_dir():
        return packaged
    return here.parents[1] / "articles"
