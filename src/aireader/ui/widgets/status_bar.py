"""The status line: where you are, and the library's counts in plain words."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class StatusBar(Horizontal):
    """One line: the view (and any work under way) on the left, the counts on the right."""

    def compose(self) -> ComposeResult:
        yield Static(id="status-view")
        yield Static(id="status-counts")

    def show(self, view: str, counts: str, busy: str = "") -> None:
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(view, "bold")
        if busy:
            left.append(f"  {busy}", "italic")
        self.query_one("#status-view", Static).update(left)
        self.query_one("#status-counts", Static).update(Text(counts, no_wrap=True))
