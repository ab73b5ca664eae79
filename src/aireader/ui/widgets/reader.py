"""The reading pane: the article's header, then its text (see ``article_text``)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from rich.theme import Theme
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Static

from aireader.core.article import Article, DateSource, Format, Skipped
from aireader.core.store import ArticleState
from aireader.core.text import chunks, neutralise_line
from aireader.ui.widgets.article_text import ArticleText, render_piece

if TYPE_CHECKING:
    from aireader.core.query import Query


WELCOME = """\
Pick an article and press Enter to read it.

  j k     move          n      next unread
  Space   scroll        m b    read, bookmark
  /       search        t      tags
  ?       every key
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


MAX_SHOWN = 2_000_000
"""Characters of an article shown at most; longer ones say so, and where the rest is."""
LINE_PIECE = 40_000
"""A line longer than this is broken (at a space) so it can be drawn a piece at a time."""


HEAD_BYTES = 2_500_000
"""Bytes read of a file bigger than this: enough for :data:`MAX_SHOWN` characters."""


def _parse_head(article: Article, root: Path) -> Article | Skipped:
    """The start of a very big file, parsed: what the reading pane can show of it.

    Decoding, cleaning and counting 30 MB would hold the interpreter (and so the
    keyboard) for seconds, for text nobody would scroll to.
    """
    from aireader.core.parse import parse_bytes

    try:
        with open(article.location, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        return Skipped(article.path, article.relpath, f"cannot read: {exc.strerror or exc}")
    cut = head.rfind(b"\n")
    if cut > 0:
        head = head[: cut + 1]  # not in the middle of a character
    return parse_bytes(head, article.path, article.relpath, mtime=article.mtime, derive=False)


TALL = 20
"""Rows of the reading pane from which its header also shows the source link."""

INLINE_BYTES = 120_000
"""A file up to this size is read and its opening rendered on the event loop (a
100 KB article: ~10 ms), so the opening shows in the first frame; a bigger one in
a thread."""

FIRST_PIECE = 2_500
"""Characters in the first piece rendered: on screen a few milliseconds after Enter."""

Prepared = tuple[Article, str, list[str], bool]
"""The file parsed, its text, the pieces to render, and whether they are Markdown."""


def _prepare(article: Article, root: Path) -> Prepared | Skipped:
    """What the reading pane shows of ``article``, read afresh: the file parsed, its
    text (for the extract), the pieces to render, and whether they are Markdown.
    All the work on the whole text is done here (in a thread for a big file)."""
    from aireader.core.parse import parse_file, strip_leading_title

    if article.size > HEAD_BYTES:  # read (and decode, and clean) only what is shown
        fresh = _parse_head(article, root)
    else:
        fresh = parse_file(article.path, root, derive=False)
    if not isinstance(fresh, Article):
        return fresh
    body = shown = strip_leading_title(fresh.body, fresh.title)
    if fresh.format is Format.MARKDOWN and "![" in body:
        from aireader.core.links import images_shown

        shown = images_shown(body)
    pieces = chunks(_short_lines(shown[:MAX_SHOWN]), first=FIRST_PIECE)
    return fresh, body, pieces, fresh.format is Format.MARKDOWN


def _prepare_and_render(
    article: Article, root: Path, raw: bool, theme: Theme, width: int
) -> tuple[Prepared, list[Strip]] | Skipped:
    """:func:`_prepare` (or :func:`_raw`), and the first piece's lines: everything
    the first lines of an article need, in one call (made in a thread for a file
    over :data:`INLINE_BYTES`)."""
    prepared = (_raw if raw else _prepare)(article, root)
    if isinstance(prepared, Skipped):
        return prepared
    _, _, pieces, markdown = prepared
    return prepared, render_piece(theme, pieces[0], markdown, width)


def _raw(article: Article, root: Path) -> Prepared | Skipped:
    """The file as it is on disk, front matter and all (``v``): made safe to show by
    the core, otherwise untouched."""
    from aireader.core.parse import raw_text

    raw = raw_text(article.path, article.relpath, max_bytes=HEAD_BYTES)
    if isinstance(raw, Skipped):
        return raw
    text = raw.text.expandtabs(4)
    return article, text, chunks(_short_lines(text[:MAX_SHOWN]), first=FIRST_PIECE), False


def _short_lines(text: str) -> str:
    """``text`` with no line over :data:`LINE_PIECE` characters.

    A break inside a Markdown paragraph reads as a space, so the text is the
    same; what changes is that the reading pane can draw it in pieces.
    """
    if len(text) <= LINE_PIECE or max(map(len, text.splitlines())) <= LINE_PIECE:
        return text
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        while len(line) > LINE_PIECE:
            cut = line.rfind(" ", LINE_PIECE // 2, LINE_PIECE)
            cut = cut + 1 if cut > 0 else LINE_PIECE
            out.append(line[:cut].rstrip(" ") + "\n")
            line = line[cut:]
        out.append(line)
    return "".join(out)


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
        self._state = ArticleState()
        """The state the header shows (bookmarked or not)."""
        self._rendered: tuple[int, str] = (0, "")
        """The width and theme the text on screen was rendered for."""
        self.raw = False
        """Whether the file is shown as it is on disk (``v``) rather than read."""
        self._left_at: float | None = None
        """Where the article was (a fraction of it) when ``v`` showed the raw file."""
        self.passive: Query | None = None
        """The list's search, highlighted in whatever article is shown."""
        self.finding: Query | None = None
        """The find in this article (``/`` while reading); ``n``/``N`` go through its matches."""
        self._hits: list[int] = []
        """The lines with a match, top to bottom."""
        self._current = -1
        self._resume: float | None = None
        """Where to go once the text is shown (a fraction of it), for an article left midway."""
        self.tracking = False
        """Set once the text is shown (and resumed): scrolling then moves the reading position."""
        self.extracting = False
        """Whether a short extract (``s``) is shown above each article's text."""
        self.extract_shown: list[str] = []
        """The sentences of the extract on screen."""
        self._body: tuple[Article, str] | None = None
        """The article shown and its text as read from disk, for the extract."""
        self._prepared: tuple[Article, list[str], bool] | None = None
        """The article shown, the pieces of its text and whether they are Markdown:
        what is rendered again for a new width or theme."""

    class Moved(Message):
        """The reader scrolled ``article`` to ``position`` (0..1 of its text)."""

        def __init__(self, article: Article, position: float) -> None:
            super().__init__()
            self.article = article
            self.position = position

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
            yield Static(id="extract")
            yield Static(id="notice")
            yield ArticleText(id="body")

    def on_mount(self) -> None:
        for part in ("#header", "#extract", "#notice", "#body"):
            self.query_one(part).display = False
        self.watch(self.app, "theme", self._theme_changed, init=False)

    @property
    def body(self) -> ArticleText:
        return self.query_one("#body", ArticleText)

    def show(
        self, article: Article, state: ArticleState, root: Path, *, resume: float | None = None
    ) -> None:
        """Show ``article``: its header at once, its text as soon as it is read from disk,
        then scrolled to ``resume`` (a fraction of the text) when that is given."""
        self.article = article
        self._root = root
        self.raw = False
        self.tracking = False
        self._resume = resume
        self._prepared = None
        self.query_one("#extract").display = False
        self.query_one("#welcome").display = False
        self.query_one("#notice").display = False
        self.show_header(article, state)
        self.scroll_home(animate=False, immediate=True)
        self._load_text(article, root)

    def toggle_raw(self) -> bool:
        """Show the file as it is on disk (escapes removed), or the article again."""
        if self.article is None:
            return False
        self.raw = not self.raw
        if self.raw:  # the file from its top; back to the article where it was left
            self._left_at = self._at()
            self._resume = None
        else:
            self._resume = self._left_at
        self.tracking = False  # the raw file's scrolling is not the article's position
        self.scroll_home(animate=False, immediate=True)
        self._load_text(self.article, self._root)
        return self.raw

    @work(exclusive=True, group="reader-text")
    async def _load_text(self, article: Article, root: Path) -> None:
        """Read the file and render its text: the opening first, then the rest.

        Reading, parsing and rendering the opening happen in one step (on the
        event loop for a file up to :data:`INLINE_BYTES`, in a thread above), so
        the first lines are on screen as soon as they can be. A newer ``show``
        cancels this, so a long document never holds up the next.
        """
        raw = self.raw
        body = self.body
        theme, width = body.rich_theme(), self._width()
        if article.size <= INLINE_BYTES:
            # A few milliseconds here put the opening in the same frame as the header;
            # a thread costs a hand-over and a second frame.
            prepared = _prepare_and_render(article, root, raw, theme, width)
        else:
            prepared = await asyncio.to_thread(
                _prepare_and_render, article, root, raw, theme, width
            )
        body.clear()
        self._hits, self._current = [], -1
        if isinstance(prepared, Skipped):
            notice = self.query_one("#notice", Static)
            notice.update(Text(f"This file cannot be shown now: {prepared.reason}", "bold"))
            notice.display = True
            body.display = False
            self.post_message(self.Shown(article, None))
            return
        (fresh, text, pieces, markdown), first_lines = prepared
        if not raw:
            self._body = (article, text)
            if self.extracting:
                self._show_extract(article, fresh.title, text)
        self._show_notice(article, fresh, text, raw)
        self._prepared = (article, pieces, markdown)
        self._rendered = (width, self.app.theme)
        query = self.shown_query
        body.set_highlighter(query.highlights if query is not None else None)
        body.display = True
        body.add_lines(first_lines)
        # The rest is rendered once these lines are on screen: a thread rendering
        # beside the event loop takes the GIL from the frame that shows them.
        await self._next_frame()
        await self._render_rest(pieces[1:], markdown, theme, width)
        self._highlight(jump=False)
        self.post_message(self.Shown(article, fresh))
        self.call_after_refresh(self._resume_position, article)

    def _show_notice(self, article: Article, fresh: Article, text: str, raw: bool) -> None:
        notice = self.query_one("#notice", Static)
        lines: list[str] = []
        if raw:
            lines.append(f"The file as it is on disk: {neutralise_line(article.relpath)} (v: back)")
        if len(text) > MAX_SHOWN or article.size > HEAD_BYTES:
            lines.append(
                f"This article is long ({article.size / 1e6:.1f} MB): its first "
                f"{MAX_SHOWN // 1_000_000} million characters are shown. The whole "
                f"text is in {neutralise_line(str(fresh.path))}"
            )
        notice.update(Text("\n".join(lines), "bold"))
        notice.display = bool(lines)

    def _width(self) -> int:
        """The width the text is rendered for: the page's, which the CSS caps at a
        comfortable measure (the pane keeps a gutter for its scrollbar)."""
        page = self.query_one("#page")
        return max(20, page.content_region.width or self.scrollable_content_region.width)

    async def _next_frame(self) -> None:
        """Wait until the screen has been refreshed (at most half a second)."""
        shown = asyncio.Event()
        self.call_after_refresh(shown.set)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(shown.wait(), 0.5)

    async def _render_rest(
        self, pieces: list[str], markdown: bool, theme: Theme, width: int
    ) -> None:
        """Render the pieces after the first in a thread, and show them as they come
        (a long document a batch at a time: each addition lays out the screen)."""
        body = self.body
        waiting: list[Strip] = []
        shown = time.monotonic()
        for n, piece in enumerate(pieces):
            await asyncio.sleep(0)  # a moment for keys between pieces
            waiting += await asyncio.to_thread(render_piece, theme, piece, markdown, width)
            now = time.monotonic()
            if now - shown > 0.25 or n == len(pieces) - 1:
                body.add_lines(waiting)
                waiting, shown = [], now

    @work(exclusive=True, group="reader-text")
    async def _render_again(self) -> None:
        """The same text for a new width or theme, kept at the same place in it.

        Rendered whole off the screen, then swapped in: the old lines stay until
        the new ones are ready, so the text never flashes empty."""
        if self._prepared is None or self._prepared[0] is not self.article:
            return
        _, pieces, markdown = self._prepared
        body = self.body
        at = self._at() or 0.0
        theme = body.rich_theme()
        width = self._width()
        self._rendered = (width, self.app.theme)
        lines: list[Strip] = []
        for piece in pieces:
            lines += await asyncio.to_thread(render_piece, theme, piece, markdown, width)
        tracking, self.tracking = self.tracking, False
        body.set_lines(lines)
        self._highlight(jump=False)

        def back() -> None:
            self.scroll_to(y=round(at * self.max_scroll_y), animate=False, immediate=True)
            self.tracking = tracking

        self.call_after_refresh(back)

    def on_resize(self) -> None:
        """The text was rendered for one width: render it again for the new one."""
        if self.article is not None:
            self.show_header(self.article)  # the source link shows on a tall pane only
        if self._prepared is not None and self._rendered[0] != self._width():
            self._render_again()

    def _theme_changed(self) -> None:
        if self._prepared is not None and self._rendered[1] != self.app.theme:
            self._render_again()

    def toggle_extract(self) -> bool:
        """Show or hide the extract (for this article and the next ones); True: shown."""
        self.extracting = not self.extracting
        box = self.query_one("#extract", Static)
        if not self.extracting:
            box.display = False
        elif self._body is not None and self._body[0] is self.article:
            article, body = self._body
            self._show_extract(article, article.title, body)
        return self.extracting

    @work(thread=True, exclusive=True, group="extract")
    def _show_extract(self, article: Article, title: str, body: str) -> None:
        from aireader.core.summary import extract

        chosen = extract(title, body)
        self.app.call_from_thread(self._put_extract, article, chosen)

    def _put_extract(self, article: Article, chosen: list[str]) -> None:
        if article is not self.article or not self.extracting:
            return
        self.extract_shown = chosen
        box = self.query_one("#extract", Static)
        parts: list[tuple[str, str]] = [
            ("In short", "bold"),
            ("  (sentences from the article; s hides this)\n", "$foreground-muted"),
        ]
        if chosen:
            parts.append(("\n".join(f"▸ {neutralise_line(s)}" for s in chosen), "italic"))
        else:
            parts.append(("Too short to take sentences from.", "italic $foreground-muted"))
        box.update(Content.assemble(*parts))
        box.display = True

    def _resume_position(self, article: Article, tries: int = 20) -> None:
        """Go back to where the reader left the article, then follow their scrolling.

        The text's height is known once it is laid out, which can take a few frames
        after it was added: until then, try again a moment later."""
        if article is not self.article:
            return
        if self._resume is not None:
            if self.max_scroll_y <= 0 and tries > 0:
                self.set_timer(0.05, lambda: self._resume_position(article, tries - 1))
                return
            self.scroll_to(y=round(self._resume * self.max_scroll_y), animate=False, immediate=True)
            self._resume = None
        self.tracking = not self.raw  # the raw file's scrolling is no reading position

    def _at(self) -> float | None:
        """How far down the text the view is (0 to 1); None when it all fits."""
        return min(1.0, self.scroll_y / self.max_scroll_y) if self.max_scroll_y > 0 else None

    @property
    def position(self) -> float | None:
        """How far into the article the view is: 0 at the top, 1 at the end."""
        if self.article is None or not self.tracking:
            return None
        at = self._at()
        return 1.0 if at is None else at

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.tracking and self.article is not None and round(old_value) != round(new_value):
            position = self.position
            if position is not None:
                self.post_message(self.Moved(self.article, position))

    # -- scrolling: a key moves at once (no animation, not deferred to the next frame)

    def page_down(self) -> None:
        page = self.scrollable_content_region.height
        self.scroll_to(y=self.scroll_y + page, animate=False, immediate=True)

    def page_up(self) -> None:
        page = self.scrollable_content_region.height
        self.scroll_to(y=self.scroll_y - page, animate=False, immediate=True)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False, immediate=True)

    def action_scroll_down(self) -> None:
        self.scroll_down(animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self.scroll_up(animate=False, immediate=True)

    def action_page_down(self) -> None:
        self.page_down()

    def action_page_up(self) -> None:
        self.page_up()

    # -- highlighting and find -------------------------------------------------

    @property
    def shown_query(self) -> Query | None:
        return self.finding if self.finding is not None else self.passive

    def set_passive(self, query: Query | None) -> None:
        """Highlight the list's search in the article (None: stop)."""
        self.passive = query if query is not None and query.ranked else None
        if self.finding is None:
            self._highlight(jump=False)

    def find(self, query: Query | None) -> int:
        """Find ``query`` in the article: highlight every match, go to the first one
        from the top of the view down. None ends the find. Returns the number of matches."""
        self.finding = query if query is not None and query.ranked else None
        self._highlight(jump=self.finding is not None)
        return len(self._hits) if self.finding is not None else 0

    @property
    def find_note(self) -> str:
        if not self._hits:
            return "not found"
        return f"{self._current + 1} of {len(self._hits)}"

    def next_match(self, step: int) -> str:
        """Go to the next (1) or previous (-1) match, wrapping; returns the note to show."""
        if self._hits:
            self._go((self._current + step) % len(self._hits))
        return self.find_note

    def _highlight(self, *, jump: bool) -> None:
        """Repaint the highlights for the query in force; optionally go to the first match."""
        body = self.body
        query = self.shown_query
        body.set_highlighter(query.highlights if query is not None else None)
        self._hits, self._current = body.match_lines(), -1
        if jump and self._hits:
            top = self.scroll_offset.y - self._body_top()
            first = next((n for n, line in enumerate(self._hits) if line >= top), 0)
            self._go(first)

    def _body_top(self) -> int:
        """Where the text starts, in lines from the top of the pane's content."""
        return self.body.virtual_region.y + self.query_one("#page").virtual_region.y

    def _go(self, index: int) -> None:
        self._current = index
        line = self._hits[index]
        self.body.set_current(line)
        y = self._body_top() + line
        if (
            not self.scroll_offset.y
            <= y
            < self.scroll_offset.y + self.scrollable_content_region.height - 1
        ):
            self.scroll_to(y=max(0, y - 3), animate=False, immediate=True)

    def on_article_text_link_clicked(self, event: ArticleText.LinkClicked) -> None:
        """A click on a link is the user asking; only web and mail links are opened."""
        event.stop()
        href = event.href.strip()
        from aireader.core.links import SAFE_SCHEMES  # one list of what is opened

        if href.lower().startswith(SAFE_SCHEMES):
            self.app.open_url(href)
        else:
            self.notify(f"Not opening {href[:80]!r}: only web links are opened.", timeout=4)

    def show_header(self, article: Article, state: ArticleState | None = None) -> None:
        """The title, the byline, the tags and the source link, in the theme's colours.

        Each tag is one unit, however many words it has: ``#sora ai · #text to video``."""
        if state is None:
            state = self._state
        self._state = state
        parts: list[str | tuple[str, str]] = [(article.title, "bold"), "\n"]
        # Muted text is $foreground-muted throughout (legible in every theme: ui/palette.py).
        parts.append((byline(article), "$foreground-muted"))
        marks = []
        if state.bookmarked:
            marks.append("★ bookmarked")
        if article.draft:
            marks.append("draft")
        if marks:
            parts.append((" · " + " · ".join(marks), "bold"))
        if article.tags:  # on the byline's line: the text starts sooner on a short pane
            parts.append(("  ", ""))
            for n, tag in enumerate(article.tags):
                if n:
                    parts.append((" · ", "$foreground-muted"))
                parts.append((f"#{tag}", "$text-primary"))
        if article.link and self.size.height >= TALL:  # o opens it, y copies it, l lists it
            parts.append("\n")
            parts.append((article.link, "$foreground-muted underline"))
        widget = self.query_one("#header", Static)
        widget.update(Content.assemble(*parts))
        widget.display = True
