"""The app over a store in trouble, and over an articles folder that goes away.

The store is opened the way ``aireader`` opens it (``cli._open_store`` with a
``--data-dir``), then the real :class:`ReaderApp` runs headless under Pilot over
a small library. What the user is told is read from the notifications and from
the screen; what was kept is read from the files.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from aireader import cli
from aireader.core.article import Article, Format
from aireader.core.store import ArticleState, Store
from aireader.paths import STATE_FILE
from aireader.ui.app import ReaderApp
from aireader.ui.screens.main import MainScreen
from aireader.ui.widgets.article_list import BOOKMARK_MARK, UNREAD_MARK, ArticleList
from test_store_faults import damage_under  # the same damage, under a running app

TITLES = ["Orbit launch notes", "Harbour model review", "Quarry policy brief"]
"""Newest first, as the list shows them."""
FILES = {
    "orbit.md": "---\ntitle: Orbit launch notes\ndate: 2024-06-05\n---\n\nThe orbit launch.\n",
    "harbour.md": "---\ntitle: Harbour model review\ndate: 2024-06-04\n---\n\nA review.\n",
    "deep/quarry.md": "---\ntitle: Quarry policy brief\ndate: 2024-06-03\n---\n\nA brief.\n",
}
WITHIN = 10.0  # seconds: generous, for a loaded test machine


def write_library(folder: Path) -> Path:
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def open_like_the_cli(data_dir: Path) -> Store:
    """The store as ``aireader --data-dir DATA_DIR`` opens it for the reader."""
    return cli._open_app_store(argparse.Namespace(data_dir=data_dir))


@dataclass
class Session:
    app: ReaderApp
    pilot: Pilot[None]
    store: Store
    notes: list[tuple[str, str]] = field(default_factory=list)
    """Every notification so far: (severity, message)."""

    @property
    def screen(self) -> MainScreen:
        return next(s for s in self.app.screen_stack if isinstance(s, MainScreen))

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.app.post_message(events.Key(key, key if len(key) == 1 else None))
            await self.pilot.pause()

    def lines(self) -> list[str]:
        return [strip.text for strip in self.app.screen._compositor.render_strips()]

    def row(self, title: str) -> str:
        region = self.screen.query_one(ArticleList).region
        rows = [
            line[region.x : region.right]
            for line in self.lines()[region.y : region.bottom]
            if title in line
        ]
        assert len(rows) == 1, (title, self.lines())
        return rows[0]

    def status(self) -> str:
        """The status bar's text (read from its parts: a notification may cover it)."""
        parts = [str(self.screen.query_one(f"#status-{p}").render()) for p in ("view", "counts")]
        return " ".join(" ".join(parts).split())

    def toasts(self) -> list[str]:
        """The notifications on screen, each as its text without spaces (it is wrapped)."""
        out = []
        lines = self.lines()
        for toast in self.app.screen.query("Toast"):
            r = toast.region
            text = "".join(line[r.x : r.right] for line in lines[r.y : r.bottom])
            out.append("".join(text.replace("▌", " ").split()))  # ▌: the toast's edges
        return out

    def saved(self, title: str) -> ArticleState:
        self.app.writer.flush()
        article = next(a for a in self.screen.shelf.articles if a.title == title)
        return self.store.states([article]).get(article.identity, ArticleState())


@asynccontextmanager
async def running(folder: Path, store: Store) -> AsyncIterator[Session]:
    """The app over ``folder`` with ``store``, loaded and idle; the store is closed after."""
    app = ReaderApp(folder, store)
    app.animation_level = "none"
    notes: list[tuple[str, str]] = []
    notify = app.notify

    def record(message: str, *args: Any, **kwargs: Any) -> None:
        notes.append((str(kwargs.get("severity", "information")), str(message)))
        notify(message, *args, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(140, 36), notifications=True) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            session = Session(app, pilot, store, notes)
            assert not session.screen.is_loading
            yield session
    finally:
        app.writer.close()
        store.close()


async def wait_until(pilot: Pilot[None], ready: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WITHIN
    while not ready():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


# ---------------------------------------------------------------------------
# A store in trouble: the app starts, says what happened in one line, works on


def random_bytes(data: Path) -> bytes:
    garbage = random.Random(3).randbytes(16384)
    (data / STATE_FILE).write_bytes(garbage)
    return garbage


def truncated_store(data: Path) -> bytes:
    store = Store.open(data / STATE_FILE)
    fillers = [
        Article(f"/x/{i}.md", f"{i}.md", "t", "b", Format.TEXT, f"f{i}") for i in range(3000)
    ]
    store.set_read(fillers, True)
    store.save_search("kept", "orbit")
    store.close()
    whole = (data / STATE_FILE).read_bytes()
    cut = whole[: len(whole) // 2]
    (data / STATE_FILE).write_bytes(cut)
    return cut


def moved_aside(data: Path, notice: str) -> Path:
    """The damaged file the notice names: it must be in the data folder."""
    aside = [p for p in data.iterdir() if p.name.startswith(f"{STATE_FILE}.damaged-")]
    assert len(aside) == 1, sorted(p.name for p in data.iterdir())
    assert f"moved to {aside[0]} " in notice
    return aside[0]


def assert_one_readable_line(session: Session, store: Store) -> str:
    """The store's notice was the one thing the user was told, on one line, and shown."""
    notice = store.notice
    assert notice is not None
    assert session.notes == [("warning", notice)]
    assert "\n" not in notice and "Traceback" not in notice
    assert notice[0].isupper() and notice.endswith(".")
    assert "".join(notice.split()) in session.toasts(), session.toasts()
    return notice


async def mark_first_read(session: Session) -> None:
    """``m`` on the first article: it shows as read, and the store has it."""
    assert UNREAD_MARK in session.row(TITLES[0])
    await session.press("m")
    assert UNREAD_MARK not in session.row(TITLES[0])
    assert "2 unread" in session.status()
    assert session.saved(TITLES[0]).read is True


@pytest.mark.parametrize("damage", [random_bytes, truncated_store], ids=["random", "truncated"])
async def test_a_damaged_store_is_moved_aside_and_the_app_works(
    tmp_path: Path, damage: Callable[[Path], bytes]
) -> None:
    folder = write_library(tmp_path / "articles")
    data = tmp_path / "data"
    data.mkdir()
    original = damage(data)
    store = open_like_the_cli(data)
    async with running(folder, store) as s:
        notice = assert_one_readable_line(s, store)
        assert notice.startswith("The state file could not be opened")
        assert "a fresh one was started" in notice
        aside = moved_aside(data, notice)
        assert aside.read_bytes() == original  # the damaged file, as it was
        await mark_first_read(s)
        await s.press("q")
    # The fresh store is a real file: the mark is there after a restart, and no
    # second repair happens.
    async with running(folder, open_like_the_cli(data)) as s:
        assert s.notes == []
        assert UNREAD_MARK not in s.row(TITLES[0])
        assert UNREAD_MARK in s.row(TITLES[1])
    assert moved_aside(data, notice) == aside


def assert_session_only(session: Session, store: Store, where: Path) -> None:
    notice = assert_one_readable_line(session, store)
    assert notice.startswith("Read-state is not being saved")
    assert "Changes last only this session." in notice
    assert str(where) in notice
    assert store.path is None


async def test_a_folder_where_the_store_should_be(tmp_path: Path) -> None:
    folder = write_library(tmp_path / "articles")
    data = tmp_path / "data"
    (data / STATE_FILE).mkdir(parents=True)
    (data / STATE_FILE / "mine.txt").write_text("keep me")
    store = open_like_the_cli(data)
    async with running(folder, store) as s:
        assert_session_only(s, store, data / STATE_FILE)
        await mark_first_read(s)
    # The folder was left as it was, and nothing else was written.
    assert sorted(p.name for p in data.iterdir()) == [STATE_FILE]
    assert [p.name for p in (data / STATE_FILE).iterdir()] == ["mine.txt"]
    assert (data / STATE_FILE / "mine.txt").read_text() == "keep me"


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """Make ``folder`` refuse new files: chmod, or for root (who ignores it) chattr +i."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    chattr = shutil.which("chattr") or "chattr"
    try:
        made = subprocess.run([chattr, "+i", str(folder)], capture_output=True, check=False)
    except OSError:  # no chattr here
        made = None
    if made is None or made.returncode != 0:  # or not allowed: no CAP_LINUX_IMMUTABLE, tmpfs...
        pytest.skip(
            "root ignores chmod and chattr +i is not allowed here; "
            "test_a_data_folder_that_cannot_be_made covers an unwritable location"
        )
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


async def test_an_unwritable_data_folder(tmp_path: Path) -> None:
    folder = write_library(tmp_path / "articles")
    data = tmp_path / "data"
    data.mkdir()
    with unwritable(data):
        with pytest.raises(OSError):
            (data / "probe").write_text("x")  # the folder really refuses files
        store = open_like_the_cli(data)
        async with running(folder, store) as s:
            assert_session_only(s, store, data)
            await mark_first_read(s)
        assert list(data.iterdir()) == []


async def test_a_read_only_data_folder_still_shows_what_was_saved(tmp_path: Path) -> None:
    """A read-only folder (or disk) with a store in it: earlier marks still show."""
    folder = write_library(tmp_path / "articles")
    data = tmp_path / "data"
    store = open_like_the_cli(data)
    async with running(folder, store) as s:
        await mark_first_read(s)
    with unwritable(data):
        store = open_like_the_cli(data)
        async with running(folder, store) as s:
            notice = assert_one_readable_line(s, store)
            assert "What was saved before is shown" in notice
            assert store.path is None
            assert UNREAD_MARK not in s.row(TITLES[0])  # read, as saved
            assert UNREAD_MARK in s.row(TITLES[1])
            await s.press("j", "m")  # and changes work, for this session
            assert UNREAD_MARK not in s.row(TITLES[1])


async def test_a_data_folder_that_cannot_be_made(tmp_path: Path) -> None:
    folder = write_library(tmp_path / "articles")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where a folder is needed")
    data = blocker / "aireader"  # mkdir fails here, for root too
    store = open_like_the_cli(data)
    async with running(folder, store) as s:
        assert_session_only(s, store, data)
        await mark_first_read(s)
    assert blocker.read_text() == "a regular file where a folder is needed"


# ---------------------------------------------------------------------------
# The store is damaged while the app runs


def filled_store(data: Path) -> Store:
    """The store as the CLI opens it, with enough rows that its tables span pages."""
    store = open_like_the_cli(data)
    fillers = [
        Article(f"/x/{i}.md", f"{i}.md", "t", "b", Format.TEXT, f"f{i}") for i in range(2000)
    ]
    store.set_read(fillers, True)
    return store


async def test_a_store_damaged_while_the_app_runs(tmp_path: Path) -> None:
    """A save that fails is said in one line; the app goes on; the next start repairs."""
    folder = write_library(tmp_path / "articles")
    data = tmp_path / "data"
    db = data / STATE_FILE
    async with running(folder, filled_store(data)) as s:
        damage_under(db)
        await s.press("m")
        s.app.writer.flush()
        assert await wait_until(s.pilot, lambda: bool(s.notes)), "the user was not told"
        ((severity, message),) = s.notes
        assert severity == "error"
        assert message.startswith(f"could not save to {db}: ")
        assert "malformed" in message and "\n" not in message
        assert s.app.is_running
        assert UNREAD_MARK not in s.row(TITLES[0])  # read, for this session
    store = open_like_the_cli(data)
    async with running(folder, store) as s:
        notice = assert_one_readable_line(s, store)
        assert moved_aside(data, notice).stat().st_size > 4096
        await mark_first_read(s)


async def test_regaining_focus_over_a_damaged_store_keeps_the_app_running(
    tmp_path: Path,
) -> None:
    folder = write_library(tmp_path / "articles")
    data = tmp_path / "data"
    async with running(folder, filled_store(data)) as s:
        damage_under(data / STATE_FILE)
        s.app.post_message(events.AppFocus())
        await s.pilot.pause(0.2)
        await s.pilot.pause()
        running_after_focus = s.app.is_running
    assert running_after_focus


# ---------------------------------------------------------------------------
# The articles folder goes away while the app runs


async def test_a_vanished_articles_folder_drops_no_state(tmp_path: Path) -> None:
    folder = write_library(tmp_path / "articles")
    data = tmp_path / "data"
    orbit, harbour, quarry = TITLES
    async with running(folder, open_like_the_cli(data)) as s:
        await s.press("m")  # orbit read
        await s.press("j", "b")  # harbour bookmarked
        await s.press("j", "m", "b")  # quarry read and bookmarked
        s.store.save_search("launches", "launch")  # (as S after a search does)
        s.app.writer.flush()
        articles = list(s.screen.shelf.articles)
        before = s.store.states(articles)
        assert {
            a.title: (st.read, st.bookmarked) for a in articles if (st := before[a.identity])
        } == {
            orbit: (True, False),
            harbour: (False, True),
            quarry: (True, True),
        }

        shutil.rmtree(folder)
        assert await wait_until(s.pilot, lambda: "missing" in s.status()), s.status()
        # Back in the terminal: the app reads the state again for what it shows.
        s.app.post_message(events.AppFocus())
        await s.pilot.pause()
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        s.app.writer.flush()
        assert s.store.states(articles) == before
        assert [x.name for x in s.store.saved_searches()] == ["launches"]
        await s.press("q")

    # A restart over the empty folder an unmounted disk leaves behind.
    folder.mkdir()
    async with running(folder, open_like_the_cli(data)) as s:
        assert s.notes == []
        assert "0 articles" in s.status()
        assert s.store.states(articles, follow=False) == before
        await s.press("A", "q")  # "mark all read" over nothing

    # Nothing was dropped from the file.
    store = Store.open(data / STATE_FILE)
    try:
        assert store.notice is None
        assert store.states(articles) == before
    finally:
        store.close()

    # The articles are back: so is every mark.
    write_library(folder)
    async with running(folder, open_like_the_cli(data)) as s:
        assert s.notes == []
        assert UNREAD_MARK not in s.row(orbit) and BOOKMARK_MARK not in s.row(orbit)
        assert UNREAD_MARK in s.row(harbour) and BOOKMARK_MARK in s.row(harbour)
        assert UNREAD_MARK not in s.row(quarry) and BOOKMARK_MARK in s.row(quarry)
        assert "3 articles · 1 unread · 2 bookmarked" in s.status()
        assert s.store.states(s.screen.shelf.articles) == before
        assert [x.name for x in s.store.saved_searches()] == ["launches"]
