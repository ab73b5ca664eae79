"""An article's text, drawn with the line API from lines Rich rendered beforehand.

Every article, Markdown or plain text, short or 30 MB, is shown the same way:
Rich renders it to lines at the pane's width (the opening first, on the event
loop for a file up to 120 KB; the rest a piece at a time in a thread), and only
the lines on screen are ever drawn.
Textual's Markdown widget makes a widget per block and took half a second to
show a 30 KB article (Textualize/textual#4586); this shows its first lines in a
few milliseconds, scrolls like any text, and reflows on resize in a thread.

The colours come from the component classes below, styled in ``app.tcss`` with
the theme's variables: they are read when a text is rendered, and the text is
rendered again when the theme changes.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from rich._loop import loop_last
from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from rich.markdown import Markdown

Highlighter = Callable[[str], list[tuple[int, int]]]

LINK_META = "aireader-link"
"""The key, in a drawn link's style meta, of the address it points to."""

# The Rich Markdown styles, each taken from one component class of the widget.
STYLES = {
    "markdown.h1": "article-text--h1",
    "markdown.h2": "article-text--h2",
    "markdown.h3": "article-text--h3",
    "markdown.h4": "article-text--h4",
    "markdown.h5": "article-text--h5",
    "markdown.h6": "article-text--h6",
    "markdown.link": "article-text--link",
    "markdown.link_url": "article-text--link",
    "markdown.code": "article-text--code",
    "markdown.code_block": "article-text--code-block",
    "markdown.block_quote": "article-text--quote",
    "markdown.hr": "article-text--rule",
    "markdown.list": "article-text--bullet",
    "markdown.item.bullet": "article-text--bullet",
    "markdown.item.number": "article-text--bullet",
    "markdown.table.border": "article-text--rule",
    "markdown.table.header": "article-text--table-header",
}


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
"""Scripts written without spaces: kana and Han (Hangul is written with spaces)."""
_CLOSE = "、。，．：；？！）］｝」』】〕〉》〗〙〛”’…‥ー々ゝゞヽヾ〜"
"""Punctuation that never starts a line (kinsoku)."""
_OPEN = "（［｛「『【〔〈《〖〘〚“‘"
"""Punctuation that never ends a line."""
_HAS_CJK = re.compile(f"[{_CJK}]")
_CJK_WORD = re.compile(
    rf"\s*[{_OPEN}]*(?:[{_CJK}]|[^\s{_CJK}{_OPEN}{_CLOSE}]+|[{_OPEN}{_CLOSE}])[{_CLOSE}]*\s*"
)


def _divide(text: str, width: int) -> list[int]:
    """Where to break ``text`` to fit ``width`` cells, for text with Chinese or
    Japanese in it: a line may break between any two of their characters (they
    are written without spaces), but not before a closing mark (。，」) nor after
    an opening one (「（), and a Latin word or a number is never split.

    Rich breaks only at spaces and folds a longer run where it overflows: a
    paragraph of Chinese came out ragged, with "1999" split over two lines.
    """
    breaks: list[int] = []
    offset = 0
    for match in _CJK_WORD.finditer(text):
        start, word = match.start(), match.group()
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:  # longer than a line: folded across lines
            for last, piece in loop_last(chop_cells(word, width)):
                if start:
                    breaks.append(start)
                if last:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


class Wrapped:
    """A Rich ``Text`` wrapped as :func:`_divide` breaks it, where it has CJK text
    in it; else as Rich wraps it."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = self.text
        if not _HAS_CJK.search(text.plain):
            yield text
            return
        width = options.max_width
        lines: list[Text] = []
        for line in text.split(allow_blank=True):
            pieces = line.divide(_divide(line.plain, width))
            for piece in pieces:
                piece.rstrip_end(width)
            lines.extend(pieces)
        joined = Text("\n").join(lines)
        joined.no_wrap = True
        yield joined


@functools.cache
def markdown_class() -> type[Markdown]:
    """Rich's Markdown as an article reads: headings at the left edge (Rich centres
    h1 in a box), code blocks in the theme's code colours. Made on first use, since
    markdown-it and Pygments cost start-up time."""
    from rich.markdown import CodeBlock, Heading, Markdown, Paragraph
    from rich.padding import Padding

    class WrappedParagraph(Paragraph):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            self.text.justify = self.justify
            yield Wrapped(self.text)

    class LeftHeading(Heading):
        """At the left edge; a top-level heading is underlined with a rule its width."""

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            text = self.text.copy()
            text.justify = "left"
            yield text
            if self.tag == "h1":
                width = min(options.max_width, max(3, text.cell_len))
                yield Text("━" * width, style=console.get_style("markdown.h1"))

    class PlainCodeBlock(CodeBlock):
        """Wrapped, with a margin of its own, and not syntax-coloured: a Pygments
        theme's colours are made for one background, and several of them fall
        below a legible contrast on the others."""

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            style = console.get_style("markdown.code_block")
            code = Text(str(self.text).rstrip("\n"), style=style)
            yield Padding(code, (0, 1), style=style, expand=True)

    class ArticleMarkdown(Markdown):
        elements: ClassVar[dict[str, type[Any]]] = {
            **Markdown.elements,
            "paragraph_open": WrappedParagraph,
            "heading_open": LeftHeading,
            "fence": PlainCodeBlock,
            "code_block": PlainCodeBlock,
        }

    return ArticleMarkdown


def _without_links(lines: Iterable[list[Segment]]) -> Iterator[Strip]:
    """Strips of ``lines`` with each hyperlink made a click target of ours.

    A style's link would be written to the terminal as an OSC 8 hyperlink, which
    the terminal opens by itself; the address goes into the style's meta instead,
    where a click finds it and the reader decides (web and mail links only).
    """
    cache: dict[Style, Style] = {}
    for line in lines:
        if any(style is not None and style.link for _, style, _ in line):
            line = [
                Segment(text, _unlinked(style, cache) if style is not None else None, control)
                for text, style, control in line
            ]
        yield Strip(line)


def _unlinked(style: Style, cache: dict[Style, Style]) -> Style:
    if not style.link:
        return style
    found = cache.get(style)
    if found is None:
        found = cache[style] = style.update_link(None) + Style.from_meta({LINK_META: style.link})
    return found


def render_piece(theme: Theme, piece: str, markdown: bool, width: int) -> list[Strip]:
    """Lines for one piece of an article at ``width``, in ``theme``'s colours.

    Safe to call from a thread: it uses a console of its own.
    """
    console = Console(
        width=max(10, width),
        theme=theme,
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        emoji=False,
        markup=False,
        highlight=False,
    )
    options = console.options.update_width(max(10, width))
    if not markdown:
        text = Text(piece.strip("\n") + "\n")  # a blank line after, as between paragraphs
        return [Strip(line) for line in console.render_lines(Wrapped(text), options, pad=False)]
    markdown_text = markdown_class()(piece, hyperlinks=True)
    lines = list(_without_links(console.render_lines(markdown_text, options, pad=False)))
    return [*lines, Strip([])]  # the blank line between this piece's blocks and the next


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


class ArticleText(Widget):
    """Pre-rendered lines, as tall as the text; the reading pane scrolls it."""

    DEFAULT_CSS = """
    ArticleText {
        height: auto;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-text--match",
        "article-text--current",
        *STYLES.values(),
    }

    class LinkClicked(Message):
        """A link in the text was clicked."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        self._highlighter: Highlighter | None = None
        self._current = -1

    def rich_theme(self) -> Theme:
        """The Rich styles the text is rendered with, from the theme in force."""
        styles: dict[str, Style] = {}
        for name, component in STYLES.items():
            # The whole style: colours resolved against the pane (``auto``, alpha).
            style = self.get_component_rich_style(component)
            if name not in ("markdown.code", "markdown.code_block"):
                style = Style(
                    color=style.color,
                    bold=style.bold,
                    italic=style.italic,
                    underline=style.underline,
                    dim=style.dim,
                )
            styles[name] = style
        return Theme(styles, inherit=True)

    def clear(self) -> None:
        self._lines = []
        self._current = -1
        self.refresh(layout=True)

    def set_lines(self, lines: list[Strip]) -> None:
        """Show ``lines`` instead of what is shown (a text rendered anew)."""
        self._lines = lines
        self._current = -1
        self.refresh(layout=True)

    def add_lines(self, lines: Iterable[Strip]) -> None:
        self._lines.extend(lines)
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

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def lines_text(self) -> list[str]:
        """Every line's text, top to bottom."""
        return [line.text for line in self._lines]

    def line_text(self, y: int) -> str:
        return self._lines[y].text if 0 <= y < len(self._lines) else ""

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._lines):
            line = self._lines[y]
            if self._highlighter is not None:
                spans = self._highlighter(line.text)
                if spans:
                    name = "article-text--current" if y == self._current else "article-text--match"
                    line = highlight_strip(line, spans, self.get_component_rich_style(name))
            # The pane's colours under the text's own: a segment Rich left plain
            # would otherwise be drawn in the terminal's colours, not the theme's.
            base = self.rich_style
            return line.apply_style(base).adjust_cell_length(self.size.width, base)
        return Strip.blank(self.size.width, self.rich_style)

    def on_click(self, event: events.Click) -> None:
        href = event.style.meta.get(LINK_META)
        if isinstance(href, str):
            event.stop()
            self.post_message(self.LinkClicked(href))
