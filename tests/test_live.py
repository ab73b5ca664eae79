"""The folder is live: files added, changed or removed while the app runs show up
without a key press, through the OS watcher and through the polling fallback."""

from __future__ import annotations

import builtins
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from aireader.core.store import Store
from aireader.ui import feed
from aireader.ui.app import ReaderApp
from aireader.ui.screens.main import MainScreen
from aireader.ui.widgets.article_list import ArticleList

LIVE_WITHIN = 5.0  # the promise is 2 s; the margin is for a loaded test machine


def article(folder: Path, name: str, title: str, day: int) -> Path:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\ndate: 2024-05-{day:02d}\n---\n\nText of {title}.\n")
    return path


@asynccontextmanager
async def running(folder: Path, tmp_path: Path) -> AsyncIterator[tuple[ReaderApp, Any]]:
    store = Store.open(tmp_path / "state.sqlite3")
    app = ReaderApp(folder, store)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            yield app, pilot
    finally:
        app.writer.close()
        store.close()


async def titles_become(app: ReaderApp, pilot: Any, expected: list[str]) -> list[str]:
    """Wait (without pressing anything) until the list shows ``expected``."""
    deadline = time.monotonic() + LIVE_WITHIN
    shown: list[str] = []
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        shown = [a.title for a in app.screen.query_one(ArticleList).visible_articles()]
        if shown == expected:
            break
    return shown


async def _add_change_remove(folder: Path, tmp_path: Path) -> None:
    article(folder, "one.md", "First", 1)
    async with running(folder, tmp_path) as (app, pilot):
        assert isinstance(app.screen, MainScreen)
        assert await titles_become(app, pilot, ["First"]) == ["First"]

        article(folder, "two.md", "Second", 2)
        assert await titles_become(app, pilot, ["Second", "First"]) == ["Second", "First"]

        article(folder, "one.md", "First, edited", 3)
        got = await titles_become(app, pilot, ["First, edited", "Second"])
        assert got == ["First, edited", "Second"]

        (folder / "two.md").unlink()
        assert await titles_become(app, pilot, ["First, edited"]) == ["First, edited"]
        assert "1 article" in str(app.screen.query_one("#status-counts").render())


async def test_changes_show_up_through_the_os_watcher(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    await _add_change_remove(folder, tmp_path)


async def test_changes_show_up_by_polling_without_a_watcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_watchfiles(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "watchfiles":
            raise ImportError("not installed")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_watchfiles)
    monkeypatch.setattr(feed, "POLL_SECONDS", 0.3)
    folder = tmp_path / "lib"
    folder.mkdir()
    await _add_change_remove(folder, tmp_path)


async def test_a_vanished_folder_keeps_what_was_shown(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    article(folder, "one.md", "Still here", 1)
    async with running(folder, tmp_path) as (app, pilot):
        assert await titles_become(app, pilot, ["Still here"]) == ["Still here"]
        (folder / "one.md").rename(tmp_path / "elsewhere.md")
        folder.rmdir()
        deadline = time.monotonic() + LIVE_WITHIN
        while time.monotonic() < deadline and "missing" not in app.screen.busy:  # type: ignore[attr-defined]
            await pilot.pause(0.1)
        assert "missing" in str(app.screen.query_one("#status-view").render())
        assert [a.title for a in app.screen.query_one(ArticleList).visible_articles()] == [
            "Still here"
        ]


async def test_the_footer_shows_the_keys_on_a_cold_and_a_warm_start(tmp_path: Path) -> None:
    from aireader.ui.widgets.key_bar import KeyBar

    folder = tmp_path / "lib"
    folder.mkdir()
    article(folder, "one.md", "First", 1)
    for start in ("cold", "warm"):  # the second run finds the index the first one built
        async with running(folder, tmp_path) as (app, pilot):
            await pilot.pause()
            footer = app.screen.query_one(KeyBar)
            keys = str(footer.render())
            assert "Quit" in keys and "Next unread" in keys, (start, keys)
            assert footer.region.height == 1, start
            assert footer.region.y == app.size.height - 1, start  # the last line
