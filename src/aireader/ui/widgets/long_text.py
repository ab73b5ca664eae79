"""A long document, drawn with the line API from lines rendered off the event loop.

Textual's Markdown widget lays out every block as a widget and slows down as a
document grows (Textualize/textual#4586): a 1 MB article took tens of seconds.
Above :data:`LONG` characters the reading pane shows the text here instead:
Rich renders it to lines in a worker thread, a piece at a time, and only the
lines on screen are ever drawn.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

Highlighter = Callable[[str], list[tuple[int, int]]]

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


def highlight_strip(strip: Strip, spans: list[tuple[int, int]], style: Style) -> Strip:
    """``strip`` with the characters in ``spans`` (offsets into its text) restyled."""
    out: list[Segment] = []
    position = 0
    for segment in strip:
        text, seg_style = segment.text, segment.style
        end = position + len(text)
        cuts = sorted(
            {0, len(text)}
            | {max(0, min(len(text), edge - position)) for span in spans for edge in span}
        )
        for a, b in itertools.pairwise(cuts):
            if a == b:
                continue
            inside = any(s <= position + a and position + b <= e for s, e in spans)
            piece_style = (
                (seg_style + style) if (inside and seg_style) else (style if inside else seg_style)
            )
            out.append(Segment(text[a:b], piece_style))
        position = end
    return Strip(out)


class LongText(Widget):
    """Pre-rendered lines, as tall as the text; the reading pane scrolls it."""

    DEFAULT_CSS = """
    LongText {
        height: auto;
    }
    LongText > .long-text--match {
        background: $warning 35%;
        text-style: bold;
    }
    LongText > .long-text--current {
        background: $warning;
        color: $background;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"long-text--match", "long-text--current"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        self._highlighter: Highlighter | None = None
        self._current = -1

    def clear(self) -> None:
        self._lines = []
        self._current = -1
        self.refresh(layout=True)

    def set_highlighter(self, highlighter: Highlighter | None) -> None:
        """Highlight matches as lines are drawn (None: no highlights)."""
        self._highlighter = highlighter
        self._current = -1
        self.refresh()

    def match_lines(self) -> list[int]:
        """The lines with a match, top to bottom."""
        if self._highlighter is None:
            return []
        find = self._highlighter
        return [n for n, line in enumerate(self._lines) if find(line.text)]

    def set_current(self, line: int) -> None:
        self._current = line
        self.refresh()

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
            line = self._lines[y]
            if self._highlighter is not None:
                spans = self._highlighter(line.text)
                if spans:
                    name = "long-text--current" if y == self._current else "long-text--match"
                    line = highlight_strip(line, spans, self.get_component_rich_style(name))
            return line.adjust_cell_length(self.size.width, self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)
