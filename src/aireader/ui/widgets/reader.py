"""The reading pane: the article's header, then its body as Markdown or paragraphs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from aireader.core.article import Article, DateSource, Format
from aireader.core.store import ArticleState
from aireader.core.text import chunks
from aireader.ui.widgets.long_text import LONG, LongText, render_piece

if TYPE_CHECKING:
    from textual.widgets import Markdown

SAFE_SCHEMES = ("http://", "https://", "mailto:")

WELCOME = """\
Pick an article and press Enter to read it.

  j k     move          n      next unread
  Space   scroll        m b    read, bookmark
  t       tags          ?      every key
"""


def byline(article: Article) -> str:
    """``by Sat Naing · example.com · 20 April 2024 · 15 min read``."""
    parts = []
    if article.author:
        parts.append(f"by {article.author}")
    if article.source:
        parts.append(article.source)
    if article.date is not None:
        when = article.date.day().strftime("%-d %B %Y")
        if article.date_source == DateSource.MTIME:
            when = f"file modified {when}"
        parts.append(when)
    parts.append(f"{article.reading_minutes} min read")
    return " · ".join(parts)


class Reader(VerticalScroll, can_focus=True):
    """Shows one article. Scrolls with j/k, Space and the page keys."""

    ALLOW_MAXIMIZE = True
    """``z`` zooms the reading pane (Textual's scroll containers opt out by default)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reader.bottom"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self._root = Path()
        self._rendered_width = 0

    class Shown(Message):
        """The article's text is fully on screen (or could not be read)."""

        def __init__(self, article: Article, fresh: Article | None) -> None:
            super().__init__()
            self.article = article
            self.fresh = fresh
            """The article as parsed from disk just now; ``None`` if it could not be."""

    def compose(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Static(Text(WELCOME), id="welcome")
            yield Static(id="header")
            yield Static(id="notice")
            yield Vertical(id="plain")
            yield LongText(id="long")

    def on_mount(self) -> None:
        for part in ("#header", "#notice", "#plain", "#long"):
            self.query_one(part).display = False

    async def _markdown(self) -> Markdown:
        """The Markdown widget, made on first use: it and its parser cost start-up time."""
        from textual.widgets import Markdown

        found = self.query(Markdown)
        if found:
            return found.first()
        widget = Markdown(id="markdown", open_links=False)
        widget.display = False
        await self.query_one("#page").mount(widget, after="#notice")
        return widget

    async def _clear_text(self) -> None:
        """Hide and empty every kind of body (Markdown, plain, long) before the next."""
        for widget in self.query("#markdown"):
            widget.display = False
            await cast("Markdown", widget).update("")
        plain = self.query_one("#plain", Vertical)
        plain.display = False
        await plain.remove_children()
        long_text = self.query_one("#long", LongText)
        long_text.display = False
        long_text.clear()

    def show(self, article: Article, state: ArticleState, root: Path) -> None:
        """Show ``article``: its header at once, its text as soon as it is read from disk."""
        self.article = article
        self._root = root
        self.query_one("#welcome").display = False
        self.query_one("#notice").display = False
        self.show_header(article, state)
        self.scroll_home(animate=False)
        self._load_text(article, root)

    @work(exclusive=True, group="reader-text")
    async def _load_text(self, article: Article, root: Path) -> None:
        """Read the file and render its text progressively: the opening first.

        A newer ``show`` cancels this, so a long document never holds up the next.
        """
        from aireader.core.parse import parse_file, strip_leading_title

        fresh = await asyncio.to_thread(parse_file, article.path, root)
        await self._clear_text()
        if not isinstance(fresh, Article):
            notice = self.query_one("#notice", Static)
            notice.update(Text(f"This file cannot be shown now: {fresh.reason}", "bold"))
            notice.display = True
            self.post_message(self.Shown(article, None))
            return
        body = strip_leading_title(fresh.body, fresh.title)
        pieces = chunks(body)
        if len(body) > LONG:
            long_text = self.query_one("#long", LongText)
            long_text.display = True
            await self._render_long(long_text, pieces, fresh.format is Format.MARKDOWN)
        elif fresh.format is Format.MARKDOWN:
            markdown = await self._markdown()
            markdown.display = True
            await markdown.update(pieces[0])
            for piece in pieces[1:]:
                await asyncio.sleep(0)  # let keys through between pieces
                await markdown.append(piece)
        else:
            plain = self.query_one("#plain", Vertical)
            plain.display = True
            for piece in pieces:
                await plain.mount(Static(Text(piece.strip("\n")), classes="text-piece"))
                await asyncio.sleep(0)
        self.post_message(self.Shown(article, fresh))

    def _long_width(self) -> int:
        return max(20, min(self.query_one("#page").size.width or self.size.width, 88))

    def on_resize(self) -> None:
        """A long document was rendered for one width: render it again for the new one."""
        long_text = self.query_one("#long", LongText)
        if (
            self.article is not None
            and long_text.display
            and self._rendered_width != self._long_width()
        ):
            self._load_text(self.article, self._root)

    async def _render_long(self, target: LongText, pieces: list[str], markdown: bool) -> None:
        """Render a long document a piece at a time in a thread; lines appear as they come."""
        console = self.app.console
        width = self._rendered_width = self._long_width()
        for piece in pieces:
            lines = await asyncio.to_thread(render_piece, console, piece, markdown, width)
            target.add_lines(lines)

    def show_header(self, article: Article, state: ArticleState) -> None:
        header = Text()
        header.append(article.title, "bold")
        header.append("\n")
        header.append(byline(article), "dim")
        marks = []
        if state.bookmarked:
            marks.append("★ bookmarked")
        if article.draft:
            marks.append("draft")
        if marks:
            header.append(" · " + " · ".join(marks), "bold")
        if article.tags:
            header.append("\n")
            header.append("  ".join(f"#{tag}" for tag in article.tags), "italic")
        if article.link:
            header.append("\n")
            header.append(article.link, "dim underline")
        widget = self.query_one("#header", Static)
        widget.update(header)
        widget.display = True

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """A click on a link is the user asking; only web and mail links are opened."""
        event.stop()
        href = event.href.strip()
        if href.lower().startswith(SAFE_SCHEMES):
            self.app.open_url(href)
        else:
            self.notify(f"Not opening {href[:80]!r}: only web links are opened.", timeout=4)
