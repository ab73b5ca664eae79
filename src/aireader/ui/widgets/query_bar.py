"""A one-line box for a query: the list's search (``/``) and the reading pane's find.

It reports what is typed a moment after typing pauses (so a fast typist is never
held up by the search behind it), and shows a short note on its right: the
number of hits, or what is wrong with the query.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

DEBOUNCE = 0.12
"""Seconds of quiet typing before a query runs."""


class QueryInput(Input):
    """The text box; Escape and Down leave it (handled by the bar)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Clear", show=False, id="query.cancel"),
        Binding("down", "leave", "To the list", show=False, id="query.leave"),
    ]

    def action_cancel(self) -> None:
        self.post_message(QueryBar.Cancelled(self.parent_bar))

    def action_leave(self) -> None:
        self.post_message(QueryBar.Submitted(self.parent_bar, self.value))

    @property
    def parent_bar(self) -> QueryBar:
        return self.query_ancestor(QueryBar)


class _BarMessage(Message):
    """Something happened in a query bar (each kind is its own class: handlers match
    a message's classes, so one kind must not inherit from another)."""

    def __init__(self, bar: QueryBar, text: str = "") -> None:
        super().__init__()
        self.bar = bar
        self.text = text

    @property
    def control(self) -> QueryBar:
        return self.bar


class QueryBar(Widget):
    """``prompt`` · input · note, on one line; a note too long for the room left
    beside the text goes on a line of its own under them. Hidden until :meth:`open`."""

    INPUT_ROOM = 16
    """Cells the text box keeps, at least, beside a note."""

    class Changed(_BarMessage):
        """The text settled after typing (debounced)."""

    class Submitted(_BarMessage):
        """Enter (or Down): keep the query and go back to what it filters."""

    class Cancelled(_BarMessage):
        """Escape: drop the query."""

    def __init__(self, prompt: str, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._prompt = prompt
        self._placeholder = placeholder
        self._timer: Timer | None = None
        self._note = Text()

    def compose(self) -> ComposeResult:
        yield Static(self._prompt, classes="query-prompt")
        yield QueryInput(placeholder=self._placeholder, select_on_focus=False)
        yield Static(classes="query-note")

    def on_mount(self) -> None:
        self.display = False

    @property
    def input(self) -> QueryInput:
        return self.query_one(QueryInput)

    @property
    def text(self) -> str:
        return self.input.value

    def open(self, text: str | None = None) -> None:
        """Show the bar and put the cursor in it (with ``text``, if given)."""
        self.display = True
        if text is not None and text != self.input.value:
            with self.input.prevent(Input.Changed):
                self.input.value = text
        self.input.cursor_position = len(self.input.value)
        self.input.focus()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        with self.input.prevent(Input.Changed):
            self.input.value = ""
        self.note("")
        self.display = False

    def note(self, text: str, *, error: bool = False) -> None:
        """Show the hit count, or what is wrong with the query."""
        note = self.query_one(".query-note", Static)
        note.set_class(error, "-error")
        self._note = Text(text)
        note.update(self._note)
        self._place_note()

    def on_resize(self) -> None:
        self._place_note()

    def _place_note(self) -> None:
        """The note beside the text if it fits there, else under it, whole."""
        width = self.size.width
        if not width:
            return  # not laid out yet: placed at the first resize
        prompt = self.query_one(".query-prompt", Static).outer_size.width
        room = width - prompt - self.INPUT_ROOM - 2  # the note's padding
        self.set_class(self._note.cell_len > min(room, width // 2), "-below")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._settled)

    def _settled(self) -> None:
        self._timer = None
        self.post_message(self.Changed(self, self.input.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:  # run it now rather than after the pause
            self._timer.stop()
            self._timer = None
            self.post_message(self.Changed(self, self.input.value))
        self.post_message(self.Submitted(self, self.input.value))
