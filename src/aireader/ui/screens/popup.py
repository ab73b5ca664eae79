"""The pop-ups' common ground: a modal screen that knows when the terminal is small.

On a small terminal a centred box would leave slivers of the panes at its edges,
cut mid-word: there a pop-up hides the panes and a list takes the whole screen
(``app.tcss`` has the sizes; this sets the ``-small`` class they hang on).
"""

from __future__ import annotations

import contextlib
from typing import ClassVar

from textual import events
from textual.geometry import Size
from textual.screen import ModalScreen, ScreenResultType


class Popup(ModalScreen[ScreenResultType]):
    """A modal screen with ``-small`` set while the terminal is small."""

    SMALL_WIDTH: ClassVar[int] = 110
    SMALL_HEIGHT: ClassVar[int] = 30
    """Narrower or lower than these, the terminal is small."""

    def __init__(self) -> None:
        super().__init__()
        # Set before the first layout, as the main screen sets its classes: a pop-up
        # has its size from its first frame (made outside a running app: at its
        # first resize).
        with contextlib.suppress(Exception):
            self._size_classes(self.app.size)

    def on_resize(self, event: events.Resize) -> None:
        self._size_classes(event.size)

    def _size_classes(self, size: Size) -> None:
        small = size.width < self.SMALL_WIDTH or size.height < self.SMALL_HEIGHT
        self.set_class(small, "-small")
