"""The reading pane: the article's header, then its body as Markdown or paragraphs."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label, Static

from aireader.core.article import Article, DateSource, Format, Skipped
from aireader.core.store import ArticleState
from aireader.core.text import chunks, neutralise_line
from aireader.ui.widgets.long_text import LONG, LongText, render_piece

if TYPE_CHECKING:
    from textual.widgets import Markdown

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


MATCH_STYLE = "bold $text on $warning 35%"
CURRENT_STYLE = "bold reverse $warning"


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


def _prepare(article: Article, root: Path) -> tuple[Article, str, list[str], bool] | Skipped:
    """What the reading pane shows of ``article``, read afresh: the file parsed, its
    text (for the extract), the pieces to draw, and whether it is drawn as a long
    text. All the work on the whole text, done here, off the event loop."""
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
    return fresh, body, chunks(_short_lines(shown[:MAX_SHOWN])), len(shown) > LONG


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


class TextPiece(Static):
    """A piece of a plain-text article; keeps its text for highlighting."""

    def __init__(self, text: str) -> None:
        self.original = Content(text)
        super().__init__(self.original, classes="text-piece")


class _Target:
    """A piece of shown text that can carry highlights: a Markdown block or a text piece."""

    def __init__(self, widget: Widget, original: Content, show: Widget) -> None:
        self.widget = widget
        self.original = original
        self.show = show  # the widget whose content is replaced (a fence's label)
        self.spans: list[tuple[int, int]] = []

    def paint(self, current: int | None) -> None:
        content = self.original
        for n, (start, end) in enumerate(self.spans):
            content = content.stylize(CURRENT_STYLE if n == current else MATCH_STYLE, start, end)
        if isinstance(self.show, Static | Label):
            self.show.update(content)


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
        self.passive: Query | None = None
        """The list's search, highlighted in whatever article is shown."""
        self.finding: Query | None = None
        """The find in this article (``/`` while reading); ``n``/``N`` go through its matches."""
        self._targets: list[_Target] = []
        self._hits: list[tuple[_Target | None, int]] = []
        """Each match: its piece and the span's number there (None, line: a long text's line)."""
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
            yield Vertical(id="plain")
            yield LongText(id="long")

    def on_mount(self) -> None:
        for part in ("#header", "#extract", "#notice", "#plain", "#long"):
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
        self._targets, self._hits, self._current = [], [], -1

    def show(
        self, article: Article, state: ArticleState, root: Path, *, resume: float | None = None
    ) -> None:
        """Show ``article``: its header at once, its text as soon as it is read from disk,
        then scrolled to ``resume`` (a fraction of the text) when that is given."""
        self.article = article
        self._root = root
        self.tracking = False
        self._resume = resume
        self.query_one("#extract").display = False
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
        prepared = await asyncio.to_thread(_prepare, article, root)
        await self._clear_text()
        if isinstance(prepared, Skipped):
            notice = self.query_one("#notice", Static)
            notice.update(Text(f"This file cannot be shown now: {prepared.reason}", "bold"))
            notice.display = True
            self.post_message(self.Shown(article, None))
            return
        fresh, body, pieces, long = prepared
        self._body = (article, body)
        if self.extracting:
            self._show_extract(article, fresh.title, body)
        if len(body) > MAX_SHOWN or article.size > HEAD_BYTES:
            notice = self.query_one("#notice", Static)
            notice.update(
                Text(
                    f"This article is long ({article.size / 1e6:.1f} MB): its first "
                    f"{MAX_SHOWN // 1_000_000} million characters are shown. The whole "
                    f"text is in {neutralise_line(str(fresh.path))}",
                    "bold",
                )
            )
            notice.display = True
        if long:
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
                await plain.mount(TextPiece(piece.strip("\n")))
                await asyncio.sleep(0)
        self._highlight(jump=False)
        self.post_message(self.Shown(article, fresh))
        self.call_after_refresh(self._resume_position, article)

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
        text = Text()
        text.append("In short", "bold")
        text.append("  (sentences from the article; s hides this)\n", "dim")
        if chosen:
            text.append("\n".join(f"▸ {neutralise_line(s)}" for s in chosen), "italic")
        else:
            text.append("Too short to take sentences from.", "italic dim")
        box.update(text)
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
        self.tracking = True

    @property
    def position(self) -> float | None:
        """How far into the article the view is: 0 at the top, 1 at the end."""
        if self.article is None or not self.tracking:
            return None
        if self.max_scroll_y <= 0:
            return 1.0
        return min(1.0, self.scroll_y / self.max_scroll_y)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.tracking and self.article is not None and round(old_value) != round(new_value):
            position = self.position
            if position is not None:
                self.post_message(self.Moved(self.article, position))

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

    def _text_targets(self) -> list[_Target]:
        from textual.widgets._markdown import MarkdownFence, MarkdownHeader, MarkdownParagraph

        targets: list[_Target] = []
        for widget in self.query("#markdown MarkdownBlock"):
            if isinstance(widget, MarkdownFence):
                labels = widget.query("#code-content")
                if labels:
                    targets.append(_Target(widget, widget._content, labels.first()))
            elif isinstance(widget, MarkdownParagraph | MarkdownHeader):
                targets.append(_Target(widget, widget._content, widget))
        for piece in self.query(TextPiece):
            targets.append(_Target(piece, piece.original, piece))
        return targets

    def _highlight(self, *, jump: bool) -> None:
        """Repaint the highlights for the query in force; optionally go to the first match."""
        for target in self._targets:
            if target.spans:
                target.spans = []
                target.paint(None)
        self._hits, self._current = [], -1
        long_text = self.query_one("#long", LongText)
        query = self.shown_query
        long_text.set_highlighter(query.highlights if query is not None else None)
        if query is None:
            self._targets = []
            return
        self._targets = self._text_targets()
        for target in self._targets:
            target.spans = query.highlights(target.original.plain)
            if target.spans:
                target.paint(None)
                self._hits.extend((target, n) for n in range(len(target.spans)))
        self._hits.extend((None, line) for line in long_text.match_lines())
        if jump and self._hits:
            top = self.scroll_offset.y
            first = next((n for n, hit in enumerate(self._hits) if self._hit_y(hit) >= top), 0)
            self._go(first)

    def _hit_y(self, hit: tuple[_Target | None, int]) -> int:
        """Roughly where a match is, in lines from the top of the article."""
        target, n = hit
        if target is None:
            return self._offset_of(self.query_one("#long")) + n
        start = target.spans[n][0]
        width = max(1, target.show.content_region.width)
        text_before = target.original.plain[:start]
        lines = sum(len(line) // width + 1 for line in text_before.split("\n")) - 1
        return self._offset_of(target.widget) + lines

    def _offset_of(self, widget: Widget) -> int:
        y = 0
        node: Widget | None = widget
        while node is not None and node is not self:
            y += node.virtual_region.y
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        return y

    def _go(self, index: int) -> None:
        previous = self._hits[self._current][0] if 0 <= self._current < len(self._hits) else None
        self._current = index
        target, n = self._hits[index]
        if previous is not None and previous is not target:
            previous.paint(None)
        if target is not None:
            target.paint(n)
        else:
            self.query_one("#long", LongText).set_current(n)
        y = self._hit_y(self._hits[index])
        if (
            not self.scroll_offset.y
            <= y
            < self.scroll_offset.y + self.scrollable_content_region.height - 1
        ):
            self.scroll_to(y=max(0, y - 3), animate=False, immediate=True)

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
        query = self.shown_query
        target.set_highlighter(query.highlights if query is not None else None)
        waiting: list[Strip] = []
        shown = 0.0
        for n, piece in enumerate(pieces):
            waiting += await asyncio.to_thread(render_piece, console, piece, markdown, width)
            now = time.monotonic()
            if n == 0 or now - shown > 0.5 or n == len(pieces) - 1:
                # Lines join the pane now and then, not per piece: each addition
                # lays out the screen again, and keys wait for that.
                target.add_lines(waiting)
                waiting, shown = [], now
            await asyncio.sleep(0.02)  # a moment for keys between pieces

    def show_header(self, article: Article, state: ArticleState) -> None:
        """The title, the byline, the tags and the source link, in the theme's colours.

        Each tag is one unit, however many words it has: ``#sora ai · #text to video``."""
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
        if article.tags:
            parts.append("\n")
            for n, tag in enumerate(article.tags):
                if n:
                    parts.append((" · ", "$foreground-muted"))
                parts.append((f"#{tag}", "$text-primary"))
        if article.link:
            parts.append("\n")
            parts.append((article.link, "$foreground-muted underline"))
        widget = self.query_one("#header", Static)
        widget.update(Content.assemble(*parts))
        widget.display = True

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """A click on a link is the user asking; only web and mail links are opened."""
        event.stop()
        href = event.href.strip()
        from aireader.core.links import SAFE_SCHEMES  # one list of what is opened

        if href.lower().startswith(SAFE_SCHEMES):
            self.app.open_url(href)
        else:
            self.notify(f"Not opening {href[:80]!r}: only web links are opened.", timeout=4)
