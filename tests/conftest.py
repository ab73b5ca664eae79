"""Shared fixtures. Every test runs with its own data and cache folders.

Add new fixtures below the existing ones; keep each one small and documented.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aireader.core.store import Store

WriteArticle = Callable[..., Path]


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point AIREADER_DATA_DIR and AIREADER_CACHE_DIR at fresh tmp folders, and read
    no config file or settings variable of the user's.

    No test may read or write a real user's read-state, bookmarks, cache or settings.
    """
    dirs = {"data": tmp_path / "user-data", "cache": tmp_path / "user-cache"}
    monkeypatch.setenv("AIREADER_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("AIREADER_CACHE_DIR", str(dirs["cache"]))
    monkeypatch.setenv("AIREADER_CONFIG", str(tmp_path / "no-config.toml"))
    for name in (
        "FOLDERS",
        "THEME",
        "MARK_READ_ON_OPEN",
        "SORT",
        "DATE_FORMAT",
        "SIDEBAR",
        "BROWSER",
    ):
        monkeypatch.delenv(f"AIREADER_{name}", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    import aireader.ui.screens.main as main_screen

    monkeypatch.setattr(main_screen, "COUNTS_DELAY", 0.0)  # no waiting in tests
    return dirs


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """An empty folder to hold test articles."""
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


@pytest.fixture
def write_article(library_dir: Path) -> WriteArticle:
    """Write one article file into ``library_dir`` and return its path.

    ``write_article("a.md", "text")`` writes UTF-8 text; bytes are written as
    they are. Folders in the name are created. ``mtime`` (seconds since the
    epoch) sets the file's modification time.
    """

    def write(name: str, content: str | bytes, *, mtime: float | None = None) -> Path:
        path = library_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    return write


# -- the app tests' fixture library (tests/test_app.py has the harness) ----------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The small library of ``test_app.FILES``, written into ``tmp_path``."""
    from test_app import FILES, write_library

    return write_library(tmp_path / "articles", FILES)


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


@pytest.fixture
def start(folder: Path, state_path: Path) -> Callable[..., object]:
    """``async with start() as s:`` runs the app over the fixture library, loaded and idle."""
    from test_app import running

    def make(size: tuple[int, int] = (140, 40), where: Path | None = None) -> object:
        return running(where or folder, state_path, size)

    return make


# -- the user-data store (tests/test_store*.py) -----------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where a store test keeps its state file (not made yet)."""
    return tmp_path / "data" / "state.sqlite3"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    """A store opened at ``db``, closed afterwards."""
    from aireader.core.store import Store

    opened = Store.open(db)
    yield opened
    opened.close()
