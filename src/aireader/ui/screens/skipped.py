"""Files that looked like articles but could not be loaded, with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from aireader.core.article import Skipped
from aireader.core.text import neutralise_line
from aireader.ui.screens.links import ListModal


def skipped_label(skipped: Skipped) -> Group:
    """The file, and under it why it was skipped, whole (wrapped, never cut). The
    reason is what the window is for: plain text, legible under the highlight too."""
    return Group(
        Text(neutralise_line(skipped.relpath), style="bold"),
        Padding(Text(neutralise_line(skipped.reason)), (0, 0, 0, 2)),
    )


class SkippedScreen(ListModal[None]):
    """The skipped files, one after the other; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,exclamation_mark", "dismiss", "Close", id="skipped.close"),
        Binding("j", "cursor('down')", "Down", show=False, id="skipped.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="skipped.up"),
    ]

    def __init__(self, skipped: Sequence[Skipped]) -> None:
        super().__init__()
        self.skipped = skipped

    def compose(self) -> ComposeResult:
        with Vertical(id="skipped-body") as body:
            body.border_title = f"Skipped files ({len(self.skipped):,})"
            body.border_subtitle = "Escape to close"
            if not self.skipped:
                yield Static("Every file in the folder was loaded.", id="skipped-none")
            else:
                yield OptionList(
                    *(Option(skipped_label(s)) for s in self.skipped),
                    id="skipped-list",
                )

    def on_mount(self) -> None:
        if self.skipped:
            self.query_one(OptionList).focus()
