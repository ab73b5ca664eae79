"""The app as a user drives it: every default key, what shows, what is saved.

Each test runs the real :class:`ReaderApp` headless with Textual's Pilot over a
small library written into ``tmp_path`` (or the bundled sample library), with
its own state file. Assertions read the rendered screen (what a person sees),
the widgets' state, and the store after the writer thread has flushed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widget import Widget

from aireader.core.article import Article
from aireader.core.config import Settings
from aireader.core.store import ArticleState, Store
from aireader.paths import bundled_library
from aireader.ui.app import ReaderApp
from aireader.ui.commands import ReaderCommands
from aireader.ui.screens.help import HelpScreen
from aireader.ui.screens.main import MainScreen
from aireader.ui.screens.skipped import SkippedScreen
from aireader.ui.widgets.article_list import BOOKMARK_MARK, UNREAD_MARK, ArticleList, short_date
from aireader.ui.widgets.reader import Reader
from aireader.ui.widgets.tag_sidebar import TagSidebar

# -- the fixture library ---------------------------------------------------------------

LONG_BODY = "\n\n".join(
    f"Paragraph {n} of the delta news, long enough to fill a line or two of the pane."
    for n in range(1, 41)
)

# Newest first, as the list shows them.
TITLES = [
    "Alpha launch notes",
    "Beta model review",
    "Gamma policy brief",
    "Delta chip news",
    "Epsilon plain note",
]
ALPHA, BETA, GAMMA, DELTA, EPSILON = TITLES
ALPHA_LINK = "https://example.com/alpha"

FILES = {
    "alpha.md": f"""---
title: {ALPHA}
date: 2024-06-05
tags: [Sora AI, openai]
url: {ALPHA_LINK}
---

The alpha launch, in short.
""",
    "beta.md": f"""---
title: {BETA}
date: 2024-06-04
tags: [sora-ai]
---

The beta model is reviewed here.
""",
    "notes/gamma.md": f"""---
title: {GAMMA}
date: 2024-06-03
tags: [openai, policy]
---

A brief on policy.
""",
    "delta.md": f"""---
title: {DELTA}
date: 2024-06-02
tags: [china]
---

{LONG_BODY}
""",
    "2024-06-01-epsilon.txt": f"{EPSILON}\n\nA plain text note with no front matter at all.\n",
    "broken.md": "---\ntitle: [never closed\n---\n\nThis file cannot be loaded.\n",
}


def write_library(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch a real user's data or cache folder."""
    monkeypatch.setenv("AIREADER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AIREADER_CACHE_DIR", str(tmp_path / "cache"))


# -- driving the app -------------------------------------------------------------------


KEY_CHARACTERS = {
    "space": " ",
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "question_mark": "?",
    "exclamation_mark": "!",
}


@dataclass
class Session:
    """A running app and handles on what a test looks at."""

    app: ReaderApp
    pilot: Pilot[None]
    store: Store
    notes: list[str] = field(default_factory=list)
    opened_urls: list[str] = field(default_factory=list)

    @property
    def screen(self) -> MainScreen:
        return next(s for s in self.app.screen_stack if isinstance(s, MainScreen))

    @property
    def articles(self) -> ArticleList:
        return self.screen.query_one(ArticleList)

    @property
    def reader(self) -> Reader:
        return self.screen.query_one(Reader)

    @property
    def sidebar(self) -> TagSidebar:
        return self.screen.query_one(TagSidebar)

    async def press(self, *keys: str) -> None:
        """Press keys one by one, each handled before the next, as a terminal sends them.

        Like ``Pilot.press`` (a Key event posted to the app, then wait until the
        screen has processed everything), with one idle wait per key instead of
        two: the file runs a third faster.
        """
        for key in keys:
            character = KEY_CHARACTERS.get(key, key if len(key) == 1 else None)
            self.app.post_message(events.Key(key, character))
            await self.pilot.pause()
            # An opened article's text arrives from a worker: a person sees it
            # before pressing the next key, so the test waits for it too.
            reading = [w for w in self.app.workers if w.group == "reader-text"]
            if reading:
                await self.app.workers.wait_for_complete(reading)
                await self.pilot.pause()

    def lines(self) -> list[str]:
        """The whole terminal, as text (modal screens drawn over the main one)."""
        return [strip.text for strip in self.app.screen._compositor.render_strips()]

    def text(self, widget: Widget | None = None) -> str:
        """What the terminal shows inside ``widget``'s region (or everywhere).

        Columns are counted as characters: fine for the one-cell text used here.
        """
        lines = self.lines()
        if widget is None:
            return "\n".join(lines)
        r = widget.region
        return "\n".join(line[r.x : r.right] for line in lines[r.y : r.bottom])

    def status(self) -> str:
        return " ".join(self.text(self.screen.query_one("#status")).split())

    def header(self) -> str:
        """The reading pane's header as rendered (title, byline, tags, link)."""
        return self.text(self.reader.query_one("#header"))

    def row(self, title: str) -> str:
        """The list's line for ``title``, as shown."""
        rows = [line for line in self.text(self.articles).splitlines() if title in line]
        assert len(rows) == 1, (title, self.text(self.articles))
        return rows[0]

    def article(self, title: str) -> Article:
        return next(a for a in self.screen.shelf.articles if a.title == title)

    def saved(self, title: str) -> ArticleState:
        """The state of ``title`` as committed to the store."""
        self.app.writer.flush()
        article = self.article(title)
        return self.store.states([article]).get(article.identity, ArticleState())

    def list_titles(self) -> list[str]:
        return [a.title for a in self.articles.visible_articles()]


@asynccontextmanager
async def running(
    folder: Path,
    state_path: Path,
    size: tuple[int, int] = (140, 40),
    settings: Settings | None = None,
    problems: Sequence[str] = (),
) -> AsyncIterator[Session]:
    """Run the app over ``folder`` with the state in ``state_path``, loaded and idle."""
    store = Store.open(state_path)
    app = ReaderApp(folder, store, settings, problems)
    app.animation_level = "none"  # scrolling jumps: nothing for a test to wait on
    notes: list[str] = []
    opened: list[str] = []
    notify = app.notify

    def record_notify(message: str, *args: Any, **kwargs: Any) -> None:
        notes.append(str(message))
        notify(message, *args, **kwargs)

    app.notify = record_notify  # type: ignore[method-assign]
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    try:
        async with app.run_test(size=size) as pilot:
            # Loading ends by starting background work of its own (counts, warm-up),
            # and the sidebar takes each new shelf's counts after the next refresh
            # (call_after_refresh): a pause lets that refresh happen, a second one
            # runs what it scheduled. Wait until a round of both starts no worker.
            for _ in range(10):
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.pause()
                if not any(worker.is_running for worker in app.workers):
                    break
            session = Session(app, pilot, store, notes, opened)
            assert not session.screen.is_loading
            yield session
    finally:
        app.writer.close()
        store.close()


Start = Callable[..., Any]


def unread_mark(row: str) -> bool:
    return UNREAD_MARK in row


# -- first sight -----------------------------------------------------------------------


async def test_loaded_library_shows_articles_newest_first_and_counts(start: Start) -> None:
    async with start() as s:
        assert s.list_titles() == TITLES
        assert s.articles.row_count == 5
        assert s.articles.border_title == "All"
        assert s.status().endswith("5 articles · 5 unread · 0 bookmarked · 1 skipped")
        assert s.status().startswith("All")
        shown = s.text(s.articles)
        for title in TITLES:
            assert title in shown
            assert unread_mark(s.row(title))
        assert "broken" not in shown
        # The skipped file is announced once, with the key that explains it.
        assert any("could not be loaded" in n and "!" in n for n in s.notes)
        # The sidebar offers the views and the tags, both spellings under one name.
        sidebar = s.text(s.sidebar)
        for name in ("All", "Unread", "Bookmarked", "openai", "sora-ai", "china", "policy"):
            assert name in sidebar
        assert "Sora AI" not in sidebar
        assert s.app.focused is s.articles


# -- moving in the list ----------------------------------------------------------------


async def test_j_k_arrows_g_and_G_move_the_cursor(start: Start) -> None:
    async with start() as s:
        lst = s.articles

        def at() -> tuple[int, str | None]:
            return lst.cursor, lst.current.title if lst.current else None

        assert at() == (0, ALPHA)
        await s.press("j")
        assert at() == (1, BETA)
        await s.press("down", "down")
        assert at() == (3, DELTA)
        await s.press("k")
        assert at() == (2, GAMMA)
        await s.press("up", "up", "k")  # and no further than the first
        assert at() == (0, ALPHA)
        await s.press("G")
        assert at() == (4, EPSILON)
        await s.press("j")  # no further than the last
        assert at() == (4, EPSILON)
        await s.press("g")
        assert at() == (0, ALPHA)


# -- reading ---------------------------------------------------------------------------


async def test_enter_opens_the_article_and_marks_it_read(start: Start) -> None:
    async with start() as s:
        assert "Pick an article" in s.text(s.reader)
        await s.press("j", "enter")
        assert s.reader.article is not None and s.reader.article.title == BETA
        header = s.header()
        assert BETA in header
        assert "#sora-ai" in header
        assert "The beta model is reviewed here." in s.text(s.reader)
        assert "Pick an article" not in s.text(s.reader)
        assert s.reader.border_title == "beta.md"
        assert s.app.focused is s.reader
        assert "4 unread" in s.status()
        assert not unread_mark(s.row(BETA))
        assert unread_mark(s.row(ALPHA))
        assert s.saved(BETA).read is True
        assert s.saved(ALPHA).read is False
        # A .txt file opens as plain text.
        await s.press("escape", "G", "enter")
        assert EPSILON in s.header()
        assert "A plain text note with no front matter at all." in s.text(s.reader)


async def test_space_and_page_keys_scroll_the_reading_pane(start: Start) -> None:
    async with start() as s:
        await s.press("j", "j", "j", "enter")  # the long article
        reader = s.reader
        assert reader.article is not None and reader.article.title == DELTA
        assert reader.scroll_y == 0
        assert reader.max_scroll_y > 2 * reader.size.height
        await s.press("space")
        after_space = reader.scroll_y
        assert after_space > 0
        await s.press("pagedown")
        assert reader.scroll_y > after_space
        await s.press("pageup")
        assert reader.scroll_y == after_space
        assert "Paragraph 1 of" not in s.text(reader)  # scrolled past the top
        assert "Paragraph 40 of" not in s.text(reader)  # and not to the end
        await s.press("shift+space")
        assert reader.scroll_y == 0
        # The page keys scroll the reader from the list too, without moving the cursor.
        await s.press("shift+tab")
        assert s.app.focused is s.articles
        await s.press("space")
        assert reader.scroll_y > 0
        assert s.articles.cursor == 3


async def test_reader_keys_scroll_by_line_and_to_either_end(start: Start) -> None:
    async with start() as s:
        await s.press("j", "j", "j", "enter")
        reader = s.reader
        assert s.app.focused is reader
        await s.press("j", "down")
        assert reader.scroll_y == 2
        await s.press("k")
        assert reader.scroll_y == 1
        await s.press("up")
        assert reader.scroll_y == 0
        await s.press("G")
        assert reader.scroll_y == reader.max_scroll_y > 0
        assert "Paragraph 40 of" in s.text(reader)
        await s.press("g")
        assert reader.scroll_y == 0
        await s.press("end")
        assert reader.scroll_y == reader.max_scroll_y
        await s.press("home")
        assert reader.scroll_y == 0
        assert DELTA in s.header()
        assert s.articles.cursor == 3  # the list did not move


async def test_list_half_pages_home_and_end(start: Start, tmp_path: Path) -> None:
    many = {f"{n:02d}.md": f"# Article number {n:02d}\n\nText {n}.\n" for n in range(40)}
    where = write_library(tmp_path / "many", many)
    async with start(size=(100, 30), where=where) as s:
        lst = s.articles
        half = lst.size.height // 2
        assert half > 0 and 2 * half < lst.row_count
        await s.press("ctrl+d")
        assert lst.cursor == half
        await s.press("ctrl+d")
        assert lst.cursor == 2 * half
        await s.press("ctrl+u")
        assert lst.cursor == half
        await s.press("end")
        assert lst.cursor == 39
        assert lst.current is not None and lst.current.title in s.text(lst)  # scrolled to it
        await s.press("home")
        assert lst.cursor == 0
        assert lst.current is not None and lst.current.title in s.text(lst)


async def test_tab_and_shift_tab_move_between_panes(start: Start) -> None:
    async with start() as s:
        assert s.app.focused is s.articles
        await s.press("tab")
        assert s.app.focused is s.reader
        await s.press("tab")
        assert s.app.focused is s.sidebar
        await s.press("tab")
        assert s.app.focused is s.articles
        await s.press("shift+tab")
        assert s.app.focused is s.sidebar
        await s.press("shift+tab")
        assert s.app.focused is s.reader


# -- next unread, read and bookmarks ---------------------------------------------------


async def test_n_opens_the_next_unread_skipping_read_ones_and_wrapping(start: Start) -> None:
    async with start() as s:
        await s.press("j", "j", "m")  # Gamma marked read from the list
        assert s.saved(GAMMA).read is True
        await s.press("k", "enter")  # read Beta
        assert s.reader.article is not None and s.reader.article.title == BETA
        await s.press("n")  # Gamma is read: Delta comes next
        assert s.reader.article is not None and s.reader.article.title == DELTA
        assert DELTA in s.header()
        assert s.articles.current is not None and s.articles.current.title == DELTA
        await s.press("n")
        assert s.reader.article.title == EPSILON
        await s.press("n")  # wraps to the top
        assert s.reader.article.title == ALPHA
        assert "0 unread" in s.status()
        assert all(s.saved(t).read for t in TITLES)
        notes = len(s.notes)
        await s.press("n")
        assert s.reader.article.title == ALPHA
        assert s.notes[notes:] == ["No unread articles in this view."]


async def test_n_from_the_start_opens_the_first_unread_under_the_cursor(start: Start) -> None:
    async with start() as s:
        await s.press("n")
        assert s.reader.article is not None and s.reader.article.title == ALPHA
        await s.press("n")
        assert s.reader.article.title == BETA


async def test_m_toggles_read_on_the_article_under_the_cursor(start: Start) -> None:
    async with start() as s:
        await s.press("j", "m")
        assert not unread_mark(s.row(BETA))
        assert "4 unread" in s.status()
        assert s.saved(BETA).read is True
        assert s.saved(ALPHA).read is False
        await s.press("m")
        assert unread_mark(s.row(BETA))
        assert "5 unread" in s.status()
        assert s.saved(BETA).read is False


async def test_m_in_the_reader_acts_on_the_article_being_read(start: Start) -> None:
    async with start() as s:
        await s.press("enter")
        assert s.saved(ALPHA).read is True
        await s.press("m")  # focus is on the reader
        assert s.app.focused is s.reader
        assert s.saved(ALPHA).read is False
        assert unread_mark(s.row(ALPHA))
        assert "5 unread" in s.status()


async def test_b_toggles_the_bookmark(start: Start) -> None:
    async with start() as s:
        await s.press("j", "j", "b")
        assert BOOKMARK_MARK in s.row(GAMMA)
        assert BOOKMARK_MARK not in s.row(ALPHA)
        assert "1 bookmarked" in s.status()
        assert s.saved(GAMMA).bookmarked is True
        assert s.saved(GAMMA).read is False  # bookmarking does not read
        await s.press("enter")
        assert "bookmarked" in s.header()
        await s.press("b")  # in the reader: the article being read
        assert BOOKMARK_MARK not in s.row(GAMMA)
        assert "bookmarked" not in s.header()
        assert "0 bookmarked" in s.status()
        assert s.saved(GAMMA).bookmarked is False


async def test_A_marks_every_article_in_the_view_read(start: Start) -> None:
    async with start() as s:
        await s.press("A")
        assert "0 unread" in s.status()
        assert all(s.saved(t).read for t in TITLES)
        assert not any(UNREAD_MARK in line for line in s.text(s.articles).splitlines())
        assert "Marked 5 articles read." in s.notes


async def test_A_in_a_tag_view_marks_only_that_tag(start: Start) -> None:
    async with start() as s:
        await pick_tag(s, "sora-ai")
        assert sorted(s.list_titles()) == sorted([ALPHA, BETA])
        await s.press("A")
        assert "3 unread" in s.status()
        assert s.saved(ALPHA).read and s.saved(BETA).read
        assert not any(s.saved(t).read for t in (GAMMA, DELTA, EPSILON))


# -- views: tags, sidebar, escape ------------------------------------------------------


async def pick_tag(s: Session, name: str) -> None:
    """Focus the sidebar with t and move its highlight down to ``name``."""
    await s.press("t")
    assert s.app.focused is s.sidebar
    for _ in range(s.sidebar.option_count):
        if s.articles.border_title == f"#{name}":
            return
        await s.press("j")
    raise AssertionError(f"no tag {name!r} in the sidebar")


async def test_t_focuses_the_sidebar_and_the_highlight_filters_the_list(start: Start) -> None:
    async with start() as s:
        await s.press("t")
        assert s.app.focused is s.sidebar
        await s.press("j")  # Unread
        assert s.articles.border_title == "Unread"
        assert s.articles.row_count == 5
        await s.press("j")  # Bookmarked: none yet
        assert s.articles.border_title == "Bookmarked"
        assert s.articles.row_count == 0
        assert "No articles here." in s.text(s.articles)
        await s.press("j")  # the library's one subfolder, a source of its own
        assert s.articles.border_title == "notes/"
        assert s.list_titles() == [GAMMA]
        await s.press("j")  # the most used tag
        assert s.articles.border_title == "#openai"
        assert sorted(s.list_titles()) == sorted([ALPHA, GAMMA])
        await s.press("j")
        # "Sora AI" and "sora-ai" are one tag.
        assert s.articles.border_title == "#sora-ai"
        assert s.articles.row_count == 2
        assert sorted(s.list_titles()) == sorted([ALPHA, BETA])
        shown = s.text(s.articles)
        assert ALPHA in shown and BETA in shown and GAMMA not in shown
        assert "#sora-ai" in s.status()
        await s.press("k")
        assert s.articles.border_title == "#openai"
        await s.press("G")  # the last entry: a topic derived for the untagged note
        assert s.articles.border_title.startswith("~")
        assert s.list_titles() == [EPSILON]
        await s.press("g")
        assert s.articles.border_title == "All"
        await s.press("j", "j", "j", "j", "j")
        # Enter in the sidebar goes to the list, keeping the view.
        await s.press("enter")
        assert s.app.focused is s.articles
        assert s.articles.border_title == "#sora-ai"
        assert s.articles.row_count == 2


async def test_escape_goes_back_from_reader_to_list_then_to_all(start: Start) -> None:
    async with start() as s:
        await pick_tag(s, "openai")
        await s.press("enter", "enter")  # to the list, then open the first
        assert s.app.focused is s.reader
        opened = s.reader.article
        await s.press("escape")
        assert s.app.focused is s.articles
        assert s.articles.border_title == "#openai"
        assert s.articles.row_count == 2
        await s.press("escape")
        assert s.articles.border_title == "All"
        assert s.articles.row_count == 5
        assert s.status().startswith("All")
        # The cursor stays on the article it was on.
        assert opened is not None and s.articles.current is opened
        sidebar = s.sidebar
        assert sidebar.highlighted is not None
        assert sidebar.get_option_at_index(sidebar.highlighted).id == "all"


async def test_T_hides_and_shows_the_sidebar(start: Start) -> None:
    async with start() as s:
        width = s.articles.region.width
        await s.press("T")
        assert not s.sidebar.display
        assert s.sidebar.region.width == 0
        assert "Bookmarked" not in s.text()
        assert s.articles.region.width > width
        await s.press("T")
        assert s.sidebar.display
        assert s.sidebar.region.width > 0
        assert "Bookmarked" in s.text(s.sidebar)
        # Hiding the focused sidebar gives focus back to the list; t brings it back.
        await s.press("t", "T")
        assert s.app.focused is s.articles
        await s.press("t")
        assert s.sidebar.display and s.app.focused is s.sidebar


def zoomed(s: Session) -> str | None:
    """The id of the zoomed (maximized) pane, if any."""
    pane = s.screen.maximized
    return pane.id if pane is not None else None


async def test_z_zooms_the_focused_pane_and_back(start: Start) -> None:
    async with start() as s:
        await s.press("z")
        assert zoomed(s) == "articles"
        assert s.articles.region.size == (s.app.size.width, s.app.size.height - 1)
        row = s.row(ALPHA)  # the whole row shows, up to the right border
        assert short_date(s.article(ALPHA)) in row and row.endswith("│")
        shown = s.text()
        assert "Pick an article" not in shown and "Bookmarked" not in shown
        await s.press("z")
        assert zoomed(s) is None
        assert s.articles.region.width < s.app.size.width
        await s.press("enter", "z")
        assert zoomed(s) == "reader"
        assert s.reader.region.width == s.app.size.width
        assert "The alpha launch, in short." in s.text()
        assert BETA not in s.text()
        await s.press("escape")  # escape also puts it back
        assert zoomed(s) is None


# -- links, skipped files, help, quitting ----------------------------------------------


async def test_o_opens_the_source_link_only_when_there_is_one(start: Start) -> None:
    async with start() as s:
        await s.press("o")  # Alpha, under the cursor, has a url
        assert s.opened_urls == [ALPHA_LINK]
        assert any(ALPHA_LINK in n for n in s.notes)
        await s.press("enter")
        assert ALPHA_LINK in s.header()
        await s.press("o")  # from the reader as well
        assert s.opened_urls == [ALPHA_LINK, ALPHA_LINK]
        await s.press("escape", "j")  # Beta has no link
        await s.press("o")
        assert s.opened_urls == [ALPHA_LINK, ALPHA_LINK]
        assert s.notes[-1] == "This article has no source link."


async def test_bang_lists_the_skipped_files_with_the_reason(start: Start) -> None:
    async with start() as s:
        await s.press("exclamation_mark")
        assert isinstance(s.app.screen, SkippedScreen)
        shown = s.text()
        assert "Skipped files (1)" in shown
        assert "broken.md" in shown
        assert "broken YAML front matter" in shown
        await s.press("escape")
        assert s.app.screen is s.screen


async def test_skipped_screen_says_so_when_nothing_was_skipped(
    start: Start, tmp_path: Path
) -> None:
    clean = write_library(tmp_path / "clean", {"a.md": "# One\n\nText.\n"})
    async with start(where=clean) as s:
        assert s.status().endswith("0 skipped")
        await s.press("exclamation_mark")
        assert "Every file in the folder was loaded." in s.text()
        await s.press("q")
        assert s.app.screen is s.screen
        assert s.app.is_running


async def test_question_mark_shows_every_key(start: Start) -> None:
    async with start() as s:
        await s.press("question_mark")
        assert isinstance(s.app.screen, HelpScreen)
        body = s.app.screen.query_one("#help-body", VerticalScroll)
        assert body.region.width > 40 and body.region.height > 10
        # Read it all, a page at a time, as a person scrolling would, to the last line.
        seen = [s.text(body)]
        for _ in range(10):
            if "command palette" in seen[-1]:
                break
            await s.press("pagedown")
            seen.append(s.text(body))
        shown = " ".join(" ".join(seen).split())
        assert len(seen) > 1  # it did not all fit: PgDn scrolled it
        for binding in MainScreen.BINDINGS:
            assert isinstance(binding, Binding)
            assert (binding.tooltip or binding.description) in shown, binding
        for words in ("Move half a page down", "Tab / Shift+Tab", "Ctrl+P", "Esc", "PgDn"):
            assert words in shown, words
        await s.press("escape")
        assert s.app.screen is s.screen
        await s.press("question_mark", "question_mark")  # ? closes it too
        assert s.app.screen is s.screen


async def test_q_quits(start: Start) -> None:
    async with start() as s:
        await s.press("q")
        assert not s.app.is_running
        assert s.app.return_code == 0


# -- state across runs -----------------------------------------------------------------


async def test_read_and_bookmarks_survive_a_restart(start: Start) -> None:
    async with start() as s:
        await s.press("j", "enter")  # Beta read
        await s.press("escape", "j", "b")  # Gamma bookmarked
        await s.press("q")
    async with start() as s:
        assert s.status().endswith("5 articles · 4 unread · 1 bookmarked · 1 skipped")
        assert not unread_mark(s.row(BETA))
        assert unread_mark(s.row(GAMMA))
        assert BOOKMARK_MARK in s.row(GAMMA)
        assert BOOKMARK_MARK not in s.row(BETA)
        assert s.saved(BETA).read and s.saved(GAMMA).bookmarked
        await s.press("t", "j", "j")
        assert s.articles.border_title == "Bookmarked"
        assert s.list_titles() == [GAMMA]


# -- command palette -------------------------------------------------------------------


async def test_command_palette_offers_and_runs_reader_actions(start: Start) -> None:
    async with start() as s:
        provider = ReaderCommands(s.screen)
        found = [hit.text async for hit in provider.discover()]
        assert "Next unread article" in found
        assert "Toggle bookmark" in found
        await s.press("ctrl+p")
        await s.press(*"next")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert "Next unread article" in s.text()
        await s.press("enter")
        await s.pilot.pause()
        assert s.app.screen is s.screen
        assert s.reader.article is not None
        assert s.reader.article.title == ALPHA
        assert s.saved(ALPHA).read is True


# -- hostile text ----------------------------------------------------------------------

MARKUP_FILES = {
    "markup.md": """---
title: "[bold]x[/bold] and [link=http://e.com]y[/link]"
date: 2024-05-02
---

Plain words [red]not red[/red] and [@click=app.quit]no click[/].
""",
    "escapes.md": (
        "---\ntitle: Escapes inside\ndate: 2024-05-01\n---\n\n"
        "before\x1b[2Jafter and \x1b]52;c;SGVsbG8=\x07clipboard done.\n"
    ),
}


async def test_markup_in_titles_shows_literally_and_escapes_are_removed(
    start: Start, tmp_path: Path
) -> None:
    where = write_library(tmp_path / "hostile", MARKUP_FILES)
    assert b"\x1b[2J" in (where / "escapes.md").read_bytes()
    async with start(size=(200, 40), where=where) as s:
        title = "[bold]x[/bold] and [link=http://e.com]y[/link]"
        assert title in s.text(s.articles)
        await s.press("enter")
        assert s.reader.article is not None and s.reader.article.title == title
        assert title in s.header()
        assert "[red]not red[/red]" in s.text(s.reader)
        assert s.app.is_running  # the @click markup did nothing
        await s.press("escape", "j", "enter")
        shown = s.text(s.reader)
        assert "Escapes inside" in s.header()
        assert "beforeafter" in shown and "clipboard done." in shown
        assert "[2J" not in shown and "52;c" not in shown and "SGVsbG8" not in shown
        strips = s.app.screen._compositor.render_strips()
        assert not any("\x1b" in seg.text for strip in strips for seg in strip)


# -- sizes and the bundled library -----------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_usable_at_small_and_large_sizes(size: tuple[int, int], start: Start) -> None:
    async with start(size=size, where=bundled_library()) as s:
        count = s.articles.row_count
        assert count >= 3
        for pane in (s.articles, s.reader):
            assert pane.region.width >= 30 and pane.region.height >= 5, pane
        assert s.status().endswith(f"{count} articles · {count} unread · 0 bookmarked · 0 skipped")
        first = s.articles.current
        assert first is not None
        assert first.title[:20] in s.text(s.articles)
        await s.press("enter")
        assert first.title[:20] in s.header()
        assert f"{count - 1} unread" in s.status()
        await s.press("space")
        assert s.reader.scroll_y > 0
        await s.press("b")
        assert "1 bookmarked" in s.status()
        assert s.saved(first.title).read and s.saved(first.title).bookmarked
        await s.press("question_mark")
        assert isinstance(s.app.screen, HelpScreen)
        assert "Next unread article" in s.text(s.app.screen.query_one("#help-body"))
