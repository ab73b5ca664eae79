"""The app over a hostile folder: every file opens (or is listed as skipped), and
the UI stays responsive, even on a 30 MB article.

The folder comes from ``tests/hostile.py``. The app is the real one, headless
(the harness of ``test_app``).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual import events

from aireader.ui.screens.skipped import SkippedScreen
from hostile import build_hostile_folder, unlock
from test_app import Session, running


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("hostile")
    build_hostile_folder(home / "articles", big=True)
    yield home  # type: ignore[misc]
    unlock(home / "articles")


@pytest.fixture
def hostile(hostile_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder, with one index cache for the module (indexing 30 MB is slow)."""
    monkeypatch.setenv("AIREADER_CACHE_DIR", str(hostile_home / "cache"))
    return hostile_home / "articles"


async def open_at(s: Session, row: int) -> float:
    """Put the cursor on ``row``, press Enter; seconds until the text is shown."""
    s.articles.cursor = row
    await s.pilot.pause()
    started = time.perf_counter()
    await s.press("enter")
    return time.perf_counter() - started


async def test_every_hostile_article_opens_and_the_app_keeps_going(
    hostile: Path, tmp_path: Path
) -> None:
    async with running(hostile, tmp_path / "state.sqlite3", size=(120, 40)) as s:
        count = s.articles.row_count
        assert count > 50
        times: list[tuple[float, str]] = []
        for row in range(count):
            seconds = await open_at(s, row)
            article = s.reader.article
            assert article is not None
            times.append((seconds, article.relpath))
            header = s.header()
            assert header.strip(), article.relpath  # the header is drawn
            await s.press("escape")  # back to the list, still alive
            assert s.app.is_running
        times.sort(reverse=True)
        print("\nslowest articles to open and show in full:")
        for seconds, relpath in times[:6]:
            print(f"  {seconds:6.2f} s  {relpath[:70]}")
        # Files that could not be loaded are listed with their reasons.
        await s.press("exclamation_mark")
        await s.pilot.pause()
        assert isinstance(s.app.screen, SkippedScreen)
        shown = s.text()
        for reason in ("binary", "YAML"):
            assert reason in shown, reason


async def test_a_30_mb_article_never_freezes_the_list_and_q_quits_at_once(
    hostile: Path, tmp_path: Path
) -> None:
    async with running(hostile, tmp_path / "state.sqlite3", size=(120, 40)) as s:
        rows = [a.relpath for a in s.articles.visible_articles()]
        large = rows.index("size/large.md")
        s.articles.cursor = large
        await s.pilot.pause()
        # Open it, and without waiting for the text go back to the list and move:
        # the keys are handled while the article is still being drawn.
        s.app.post_message(events.Key("enter", "\r"))
        await s.pilot.pause()
        started = time.perf_counter()
        await s.pilot.press("escape", "j", "j")
        moved = time.perf_counter() - started
        assert s.articles.cursor == min(large + 2, s.articles.row_count - 1)
        print(f"\nthree keys while a 30 MB article renders: {moved:.2f} s")
        assert moved < 5.0  # generous: a blocked loop would take the whole render
        reading = [w for w in s.app.workers if w.group == "reader-text"]
        started = time.perf_counter()
        await s.pilot.press("q")
        assert not s.app.is_running  # it has quit
        quit_seconds = time.perf_counter() - started
        print(f"q with the 30 MB article still rendering: {quit_seconds:.2f} s ({len(reading)})")
        assert quit_seconds < 5.0
