"""The start-up floor: the least a Textual app can do, one word on the screen.

Run as a script (``python benchmarks/floor_app.py``); the benchmark times it from
fork to the first frame that shows :data:`WORD`, exactly as it times aireader, so
the ratio of the two is what aireader adds on top of Python and Textual.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

WORD = "ready"


class FloorApp(App[None]):
    """A bare Textual app that shows one word."""

    def compose(self) -> ComposeResult:
        yield Static(WORD)


if __name__ == "__main__":
    FloorApp().run()
