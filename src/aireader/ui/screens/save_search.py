"""Asking for a name to save the current search under."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from aireader.ui.screens.popup import Popup


class SaveSearchScreen(Popup[str | None]):
    """A name for the search; Enter saves, Escape does not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save_search.cancel"),
    ]

    def __init__(self, suggestion: str, taken: list[str]) -> None:
        super().__init__()
        self._suggestion = suggestion
        self._taken = taken

    def compose(self) -> ComposeResult:
        with Vertical(id="save-search-body") as body:
            body.border_title = "Save search"
            body.border_subtitle = "Enter to save · Escape to cancel"
            yield Static("Name it; it will sit in the sidebar with its counts.")
            yield Input(self._suggestion[:60], id="save-search-name")
            yield Static(id="save-search-note")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        note = self.query_one("#save-search-note", Static)
        name = event.value.strip()
        note.update(
            "This replaces the search saved under that name." if name in self._taken else ""
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
