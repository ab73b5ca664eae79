"""The aireader App: wiring, not logic."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App

from aireader.core.store import Store
from aireader.ui.commands import ReaderCommands
from aireader.ui.screens.main import MainScreen
from aireader.ui.writer import StateWriter


class ReaderApp(App[None]):
    """Three panes over one folder of articles."""

    CSS_PATH: ClassVar[str] = "app.tcss"
    TITLE = "aireader"
    COMMANDS = App.COMMANDS | {ReaderCommands}

    def __init__(self, folder: Path, store: Store) -> None:
        super().__init__()
        self.folder = folder
        self.store = store
        self.writer = StateWriter(self._write_failed)
        self.keymap_in_force: dict[str, str] = {}

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.folder, self.store, self.writer))
        if self.store.notice:
            self.notify(self.store.notice, severity="warning", timeout=10)

    def on_app_focus(self) -> None:
        """Back in the terminal: show what another copy of aireader may have changed."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.reload_states()

    def _write_failed(self, message: str) -> None:
        if self.is_running:
            self.call_from_thread(self.notify, message, severity="error", timeout=10)
