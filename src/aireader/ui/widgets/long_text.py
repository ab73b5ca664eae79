"""A long document, drawn with the line API from lines rendered off the event loop.

Textual's Markdown widget lays out every block as a widget and slows down as a
document grows (Textualize/textual#4586): a 1 MB article took tens of seconds.
Above :data:`LONG` characters the reading pane shows the text here instead:
Rich renders it to lines in a worker thread, a piece at a time, and only the
lines on screen are ever drawn.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, RenderableType
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

LONG = 60_000
"""Characters above which an article is shown as a long document."""


def render_piece(console: Console, piece: str, markdown: bool, width: int) -> list[Strip]:
    """Lines for one piece of a document at ``width`` (safe to call from a thread)."""
    from rich.markdown import Markdown  # markdown-it and Pygments: only for a long read

    renderable: RenderableType = (
        Markdown(piece, hyperlinks=False) if markdown else Text(piece.strip("\n") + "\n")
    )
    options = console.options.update_width(max(10, width))
    return [Strip(line) for line in console.render_lines(renderable, options, pad=False)]


class LongText(Widget):
    """Pre-rendered lines, as tall as the text; the reading pane scrolls it."""

    DEFAULT_CSS = """
    LongText {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []

    def clear(self) -> None:
        self._lines = []
        self.refresh(layout=True)

    def add_lines(self, lines: Iterable[Strip]) -> None:
        self._lines.extend(lines)
        self.refresh(layout=True)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._lines):
            return self._lines[y].adjust_cell_length(self.size.width, self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)
