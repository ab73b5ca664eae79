"""SVG snapshots of the main screen. Review a diff before `--snapshot-update`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from aireader.core.store import Store
from aireader.ui.app import ReaderApp

LIBRARY = Path(__file__).parent / "fixtures" / "snapshot_library"
FIXED_MTIME = datetime(2024, 1, 10, 12, 0).timestamp()


@pytest.fixture
def snapshot_app(tmp_path: Path) -> Callable[[], ReaderApp]:
    """The app over a fixed sample library (fixed file times), with a fresh store."""
    folder = tmp_path / "library"
    shutil.copytree(LIBRARY, folder)
    for path in folder.iterdir():
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    stores: list[Store] = []

    def make() -> ReaderApp:
        store = Store.open(tmp_path / "data" / "state.sqlite3")
        stores.append(store)
        return ReaderApp(folder, store)

    yield make  # type: ignore[misc]
    for store in stores:
        store.close()


async def loaded(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_80x24(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=loaded)


def test_main_screen_120x40(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(), terminal_size=(120, 40), run_before=loaded)


def test_reading_an_article_120x40(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    app = snapshot_app()
    assert snap_compare(app, terminal_size=(120, 40), run_before=loaded, press=["enter", "j"])


def test_reading_wide_200x60(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    app = snapshot_app()
    assert snap_compare(app, terminal_size=(200, 60), run_before=loaded, press=["j", "enter", "b"])


async def searched(pilot: Pilot[None]) -> None:
    """Search for "sora", go to the list, open the best match and find a word in it."""
    await loaded(pilot)
    await pilot.press("slash", *"sora")
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.press("enter", "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.press("slash", *"model")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


def test_search_and_find_120x40(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(), terminal_size=(120, 40), run_before=searched)
