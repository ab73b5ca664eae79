"""Feeding the main screen from the index: paint at once, catch up, follow the folder.

Runs in the main screen's thread worker. Everything slow happens here: reading
the cache, statting and parsing files, reading read-state, building the shelf.
The screen only swaps in the finished :class:`Shelf`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from aireader.core.index import Index
from aireader.core.shelf import Shelf
from aireader.core.store import StoreError

if TYPE_CHECKING:
    from aireader.ui.screens.main import MainScreen

FIRST_PAINT = 300
"""Rows read from the cache for the very first frame; the rest follows at once."""
PREVIEW = 2_000
"""Rows shown while a first index is being built."""
PREVIEW_EVERY = 3.0
"""Seconds between those previews: each costs the UI thread time the index wants."""
NOTE_EVERY = 0.5
POLL_SECONDS = 2.0


class LibraryFeed:
    """Keeps one main screen's shelf current with its folder until ``stop`` is set."""

    def __init__(self, screen: MainScreen, index: Index, stop: threading.Event) -> None:
        self.screen = screen
        self.app = screen.app
        self.index = index
        self.stop = stop
        self.root: Path = index.root
        self._text_index: Index | None = None

    def load(self, *, painted: bool = False) -> None:
        """Show what the cache knows, then bring it up to date with the folder.

        ``painted``: the screen already shows the first rows from the cache.
        """
        index = self.index
        first = painted or bool(index.articles(limit=1))
        if first:
            if not painted:
                self.post(FIRST_PAINT, busy="loading…", final=False)
            self.post(None, busy="checking for changes…", final=False)
        self.catch_up(cold=not first, always=not first)

    # -- bringing the index and the screen up to date ------------------------

    def catch_up(self, *, cold: bool = False, always: bool = False) -> None:
        """Sync the index with the folder; show the result when anything changed."""
        if not self.root.is_dir():
            self.busy("the folder is missing: showing what was last seen")
            return
        shown = noted = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal shown, noted
            now = time.monotonic()
            note = (
                f"indexing… {done:,} of {total:,} files" if total else f"indexing… {done:,} files"
            )
            if cold and (shown == 0.0 or now - shown > PREVIEW_EVERY):
                self.post(PREVIEW, busy=note, final=False, skipped=False)
                shown = noted = now
            elif now - noted > NOTE_EVERY:
                self.busy(note)
                noted = now

        result = self.index.sync(on_progress=progress, cancelled=self.stop.is_set)
        if result.any or always:
            self.post(None, busy="", final=True)
        elif self.screen.busy:
            self.busy("")

    def follow(self) -> None:
        """Watch the folder for changes (an OS watcher, else polling) until stopped."""
        try:
            import watchfiles
        except ImportError:
            self.poll()
            return
        try:
            for _ in watchfiles.watch(
                self.root,
                watch_filter=self._relevant,
                stop_event=self.stop,
                debounce=300,
                step=50,
                raise_interrupt=False,
            ):
                self.catch_up()
        except (OSError, RuntimeError):  # no watcher here (a limit, an odd filesystem)
            self.poll()

    def poll(self) -> None:
        """Re-stat the folder now and then; slower on big folders, to stay cheap."""
        interval = POLL_SECONDS
        while not self.stop.wait(interval):
            started = time.monotonic()
            self.catch_up()
            interval = max(POLL_SECONDS, 4 * (time.monotonic() - started))

    def _relevant(self, change: object, path: str) -> bool:
        """Anything not hidden: articles, and folders that may hold them."""
        try:
            parts = Path(path).relative_to(self.root).parts
        except ValueError:
            return False
        return not any(part.startswith(".") for part in parts)

    # -- handing results to the screen ----------------------------------------

    def post(self, limit: int | None, *, busy: str, final: bool, skipped: bool = True) -> None:
        """Show the index's first ``limit`` articles (all for None) with their state."""
        ids: list[int] = []
        articles = self.index.articles(limit=limit, ids=ids)
        writer = self.screen.writer
        submitted = writer.submitted
        writer.flush()  # state read back must include the user's own last change
        try:
            states = self.screen.store.states(articles, follow=final)
        except StoreError as exc:  # show the articles all the same, with what is known
            states = dict(self.screen.shelf.states)
            self._call(self.screen.show_store_failure, str(exc))
        shelf = Shelf(self.root, articles, self.index.skipped() if skipped else [], states, ids)
        self._call(self.screen.show_shelf, shelf, submitted, busy, self._text_index)
        if self._text_index is None:  # after the titles: not on their way to the screen
            self._text_index = self.index.reader()  # for the search worker's thread
            self._call(self.screen.set_text_index, shelf, self._text_index)

    def busy(self, note: str) -> None:
        self._call(self.screen.show_busy, note)

    def _call(self, *args: object) -> None:
        if self.stop.is_set():
            return
        try:
            self.app.call_from_thread(*args)  # type: ignore[arg-type]
        except RuntimeError:  # the app is closing
            self.stop.set()
