"""The article list: a line-API widget over an array of row indexes.

Only the rows on screen are ever rendered (and cached); the list holds one int
per row, so moving the cursor costs the same with four articles or 100,000.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from aireader.core.article import Article, DateSource
from aireader.core.store import UNTOUCHED, ArticleState

UNREAD_MARK, BOOKMARK_MARK = "●", "★"
CURSOR_MARK = "▌"


def short_date(article: Article, now: datetime | None = None, fmt: str = "%b %d") -> str:
    """A compact date for the list: ``Apr 20`` (``fmt``) this year, ``2024-04-20`` before.

    A format that shows the year itself is used for every date."""
    if article.date is None:
        return ""
    day = article.date.day()
    now = now or datetime.now()
    yearly = "%Y" in fmt or "%y" in fmt or "%G" in fmt
    text = day.strftime(fmt) if yearly or day.year == now.year else day.isoformat()
    return text + ("~" if article.date_source == DateSource.MTIME else "")


def tiny_date(article: Article, now: datetime | None = None, fmt: str = "%b %d") -> str:
    """The date in at most seven cells, for a narrow list: this year's as ``fmt``
    shows it (``Apr 20``, or so when that is longer), an earlier one as its year."""
    if article.date is None:
        return ""
    day = article.date.day()
    now = now or datetime.now()
    if day.year != now.year:
        text = str(day.year)
    else:
        text = day.strftime(fmt)
        if len(text) > 6:
            text = day.strftime("%b %d")
    return text + ("~" if article.date_source == DateSource.MTIME else "")


DATE_CELLS = 10
"""The date column: ``2024-04-20`` and this year's ``Apr 20~`` line up."""
TINY_DATE_CELLS = 7
NARROW = 40
"""A list narrower than this (in cells) shows the year alone for an older date."""
TITLE_FIRST = 50
"""Cells a title keeps before the article's origin (site, author) is shown beside it."""


class ArticleList(ScrollView, can_focus=True):
    """The list of articles in the current view, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "Top", show=False, id="list.top"),
        Binding("G,end", "last", "Bottom", show=False, id="list.bottom"),
        Binding(
            "ctrl+d",
            "page(1)",
            "Half page down",
            show=False,
            id="list.page_down",
            tooltip="Move half a page down",
        ),
        Binding(
            "ctrl+u",
            "page(-1)",
            "Half page up",
            show=False,
            id="list.page_up",
            tooltip="Move half a page up",
        ),
        Binding(
            "enter", "open", "Open", id="list.open", tooltip="Read the article under the cursor"
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--cursor-blur",
        "article-list--unread",
        "article-list--read",
        "article-list--meta",
        "article-list--mark",
        "article-list--bookmark",
        "article-list--match",
    }

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to another article (coalesced while keys repeat)."""

        def __init__(self, article: Article | None) -> None:
            super().__init__()
            self.article = article

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ArticleList.Highlighted)

    class Opened(Message):
        """The user asked to read an article."""

        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._articles: Sequence[Article] = ()
        self._rows: Sequence[int] = ()
        self._state: Callable[[Article], ArticleState] = lambda _: UNTOUCHED
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._palette: dict[tuple[bool, bool], dict[str, Style]] = {}
        """The rows' styles as drawn, by (under the cursor, focused): see :meth:`_styles`."""
        self._generation = 0
        self.empty_message = "Loading…"
        self.highlighter: Callable[[str], list[tuple[int, int]]] | None = None
        self.usual_lang: str | None = None
        """The library's most common language: an article in another one shows its code."""
        self.date_format = "%b %d"
        """How this year's dates are shown (the ``date_format`` setting)."""
        """Where a title matches the search, to be highlighted (None: no search)."""

    # -- data ----------------------------------------------------------------

    def set_rows(
        self,
        articles: Sequence[Article],
        rows: Sequence[int],
        state: Callable[[Article], ArticleState],
        *,
        keep: Article | None = None,
    ) -> None:
        """Show ``rows`` (indexes into ``articles``); keep the cursor on ``keep`` if present.

        ``keep`` is matched by path, so it survives a reload that made new objects.
        """
        self._articles, self._rows, self._state = articles, rows, state
        self.refresh_rows()
        # One row a line, never wider than the list: no width to scroll, so a resize
        # (the first layout is one) changes nothing to lay out again.
        self.virtual_size = Size(0, len(rows))
        index = 0
        if keep is not None:
            # Linear, but only on a view change or a reload, never per keypress.
            wanted = keep.relpath
            for i, row in enumerate(rows):
                if articles[row].relpath == wanted:
                    index = i
                    break
        old_top = int(self.scroll_offset.y)
        self.cursor = min(index, max(0, len(rows) - 1))
        if not old_top <= self.cursor < old_top + self.size.height:
            self.scroll_to(y=max(0, self.cursor - self.size.height // 3), animate=False)

    def refresh_rows(self) -> None:
        """Redraw every visible row (after read-state or bookmarks changed)."""
        self._generation += 1
        self._cache.clear()
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def current(self) -> Article | None:
        if 0 <= self.cursor < len(self._rows):
            return self._articles[self._rows[self.cursor]]
        return None

    def index_of(self, article: Article) -> int | None:
        for i, row in enumerate(self._rows):
            if self._articles[row] is article:
                return i
        return None

    def iter_from_cursor(self) -> Iterator[Article]:
        """Articles after the cursor, then from the top (for "next unread"); lazily."""
        articles, rows = self._articles, self._rows
        for i in itertools.chain(range(self.cursor + 1, len(rows)), range(self.cursor + 1)):
            yield articles[rows[i]]

    def visible_articles(self) -> list[Article]:
        return [self._articles[row] for row in self._rows]

    # -- cursor --------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line_at(old)
        self.refresh_line_at(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)
        self.post_message(self.Highlighted(self.current))

    def refresh_line_at(self, row: int) -> None:
        self.refresh(Region(0, row - int(self.scroll_offset.y), self.size.width, 1))

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.size.height // 2)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def move_to(self, article: Article) -> bool:
        index = self.index_of(article)
        if index is None:
            return False
        self.cursor = index
        return True

    def on_click(self, event: events.Click) -> None:
        """A click on a row opens it. The event's offset counts from the widget's
        outer edge, border included: the row is found from the content's."""
        offset = event.get_content_offset(self)
        if offset is None:  # on the border or the scrollbar
            return
        row = offset.y + int(self.scroll_offset.y)
        if 0 <= row < len(self._rows):
            event.stop()
            self.cursor = row
            self.action_open()

    def on_focus(self) -> None:
        self.refresh_line_at(self.cursor)

    def on_blur(self) -> None:
        self.refresh_line_at(self.cursor)

    def on_resize(self) -> None:
        self._cache.clear()  # rows are drawn to the width
        # Shrunk (a short screen while reading): the cursor's row stays in sight,
        # between its neighbours.
        top, height = int(self.scroll_offset.y), self.size.height
        if height and not top < self.cursor < top + height - 1:
            self.scroll_to(y=max(0, self.cursor - (height - 1) // 2), animate=False, immediate=True)

    # -- rendering -----------------------------------------------------------

    def notify_style_update(self) -> None:
        """The styles changed (a theme was picked, focus moved): redraw every row with them."""
        super().notify_style_update()
        self._palette.clear()
        self.refresh_rows()

    def _ink(self, name: str, background: Color) -> Style:
        """Component ``name``'s colour, background and text style, as drawn on ``background``.

        A theme's text colours are often ``auto`` (``$text`` is "auto 87%": black or
        white, whichever reads on what is under it) or translucent (``$accent 40%``):
        both are resolved here against the row's real background. (A component's own
        rich style resolves them against nothing, and draws white on a light theme.)
        """
        styles = self.get_component_styles(name)
        bgcolor = background
        if styles.has_rule("background"):
            bgcolor = background + styles.background
        color = None
        if styles.has_rule("color"):
            ink = styles.color
            if styles.auto_color:
                ink = bgcolor.get_contrast_text(ink.a)
            color = (bgcolor + ink).rich_color
        text_style = styles.text_style
        bg = bgcolor.rich_color if styles.has_rule("background") else None
        return Style(color=color, bgcolor=bg) + text_style

    def _styles(self, cursor: bool) -> dict[str, Style]:
        """The row's style (``row``) and each part's, for a row under the cursor or not."""
        key = (cursor, self.has_focus)
        found = self._palette.get(key)
        if found is not None:
            return found
        background = self.background_colors[1]
        row = self.rich_style
        over = Style()
        if cursor:
            name = "article-list--cursor" if self.has_focus else "article-list--cursor-blur"
            row += self._ink(name, background)
            styles = self.get_component_styles(name)
            if styles.has_rule("background"):
                background = background + styles.background
            if styles.has_rule("color"):  # the cursor row in the cursor's colour
                over = Style(color=row.color)
        found = {"row": row}
        for part in ("unread", "read", "meta", "mark", "bookmark", "match"):
            found[part] = self._ink(f"article-list--{part}", background)
        for part in ("unread", "read", "meta", "mark", "bookmark"):
            found[part] += over
        self._palette[key] = found
        return found

    def render_line(self, y: int) -> Strip:
        # Drawn to the left of the scrollbar, so the row's last cell (a space) shows
        # as a gap between the date and the scrollbar.
        width = self.scrollable_content_region.width
        row = y + int(self.scroll_offset.y)
        if not self._rows:
            if y == 0:
                styles = self._styles(cursor=False)
                style = styles["row"] + styles["meta"]
                return Strip([Segment(f" {self.empty_message}", style)]).adjust_cell_length(
                    width, self.rich_style
                )
            return Strip.blank(width, self.rich_style)
        if row >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        article = self._articles[self._rows[row]]
        state = self._state(article)
        is_cursor = row == self.cursor
        key = (self._generation, row, width, is_cursor, self.has_focus, state, id(article))
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(article, state, width, is_cursor)
            self._cache[key] = strip
        return strip

    def _render_row(self, article: Article, state: ArticleState, width: int, cursor: bool) -> Strip:
        styles = self._styles(cursor)
        title_style = styles["read" if state.read else "unread"]
        meta_style, mark, bookmark = styles["meta"], styles["mark"], styles["bookmark"]

        left = Text(no_wrap=True, overflow="ellipsis")
        # The cursor row is marked in the text too, not only in colour: it shows
        # with NO_COLOR, on a monochrome terminal and in a screen capture.
        left.append(CURSOR_MARK if cursor else " ", mark)
        left.append(UNREAD_MARK if not state.read else " ", mark)
        left.append(BOOKMARK_MARK if state.bookmarked else " ", bookmark)
        left.append(" ")
        # Right of the title: language, progress, origin, date. The title comes
        # first: the origin only shows when the title still fits beside it, or
        # keeps room enough; the date always, short when the list is narrow.
        right = Text(no_wrap=True)
        lang = article.lang
        if lang and lang != self.usual_lang and width >= 50:
            right.append(lang[:5], meta_style)
            right.append("  ")
        progress = state.progress
        if progress is not None and width >= 30:
            right.append(f"{int(progress * 100):>2}%", meta_style)
            right.append("  ")
        if width >= NARROW:
            when = short_date(article, fmt=self.date_format).rjust(DATE_CELLS)
        else:
            when = tiny_date(article, fmt=self.date_format).rjust(TINY_DATE_CELLS)
        date = Text(when + " ", meta_style)
        room = max(0, width - left.cell_len - right.cell_len - date.cell_len - 1)
        origin = article.origin or ""
        if origin:
            shown = Text(origin, style=meta_style, no_wrap=True, overflow="ellipsis")
            shown.truncate(18, overflow="ellipsis")
            beside = room - shown.cell_len - 2
            if beside >= min(TITLE_FIRST, cell_len(article.title)):
                right.append_text(shown)
                right.append("  ")
                room = beside
        right.append_text(date)
        title = Text(article.title, style=title_style, no_wrap=True, overflow="ellipsis")
        if self.highlighter is not None:
            match = styles["match"]
            for start, end in self.highlighter(article.title):
                title.stylize(match, start, end)
        title.truncate(room, overflow="ellipsis", pad=True)
        line = Text.assemble(left, title, " ", right, no_wrap=True)
        line.truncate(width, pad=True)
        style = styles["row"]
        segments = [
            Segment(seg.text, style + seg.style if seg.style else style)
            for seg in line.render(self.app.console)
            if seg.text != "\n"
        ]
        return Strip(segments).adjust_cell_length(width, style)
