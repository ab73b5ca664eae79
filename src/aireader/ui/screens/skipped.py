"""Files that looked like articles but could not be loaded, with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from aireader.core.article import Skipped
from aireader.core.text import neutralise_line
from aireader.ui.screens.popup import Popup


class SkippedScreen(Popup[None]):
    """A table of skipped files; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="skipped.close"),
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
                table: DataTable[Text] = DataTable(zebra_stripes=True, cursor_type="row")
                yield table

    def on_mount(self) -> None:
        if not self.skipped:
            return
        table = self.query_one(DataTable)
        table.add_columns("File", "Reason")
        table.add_rows(
            (Text(neutralise_line(s.relpath)), Text(neutralise_line(s.reason)))
            for s in self.skipped
        )
        table.focus()
