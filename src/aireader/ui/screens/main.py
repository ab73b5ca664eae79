"""The main screen: tag sidebar, article list and reading pane.

The screen holds the handlers: it turns the widgets' messages and the user's
keys into calls on the core (views, the store) and shows what comes back.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from aireader import paths
from aireader.core.article import Article, title_key
from aireader.core.config import Settings
from aireader.core.index import LOCK_TIMEOUT, Index, SyncCancelled
from aireader.core.shelf import Shelf
from aireader.core.store import UNTOUCHED, ArticleState, SavedSearch, Store, StoreError
from aireader.core.text import neutralise_line
from aireader.core.views import ALL, View, plural, summary_line
from aireader.ui.feed import FIRST_PAINT, LibraryFeed
from aireader.ui.widgets.article_list import ArticleList
from aireader.ui.widgets.key_bar import KeyBar
from aireader.ui.widgets.query_bar import QueryBar
from aireader.ui.widgets.reader import Reader
from aireader.ui.widgets.status_bar import StatusBar
from aireader.ui.widgets.tag_sidebar import LibraryEntry, SavedCount, TagSidebar
from aireader.ui.writer import StateWriter

if TYPE_CHECKING:  # loaded on the first search: they cost start-up time
    from aireader.core.query import Query
    from aireader.core.search import Search

POSITION_DELAY = 1.0
"""Seconds after the last scroll before the reading position is written."""
COUNTS_DELAY = 0.15
"""Seconds after a read or bookmark change before the sidebar's counts are redrawn."""
UNDO_DEPTH = 100
"""How many changes ``u`` can take back."""
SEARCH_HINT = 'words  "a phrase"  -not  a OR b  pre*  tag:x  is:unread  after:2024-03'
FIND_HINT = "words in this article · Enter: keep · n/N: next/previous"


def _collect_again() -> None:
    """After the first frame, when start-up turned the garbage collector off (see
    ``cli``): its objects go where collections never look (they live as long as
    the app), and the collector is on again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class MainScreen(Screen[None]):
    """Browse the library by view, read, and keep track of what was read."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="main.quit", tooltip="Quit aireader"),
        Binding(
            "question_mark",
            "help",
            "Help",
            key_display="?",
            id="main.help",
            tooltip="Show this list of keys",
        ),
        Binding(
            "n",
            "next_unread",
            "Next unread",
            id="main.next_unread",
            tooltip="Next unread article",
        ),
        # The same key while finding in the article, named for what it does then. The
        # same id: a [keys] line that moves one moves both (check_action picks one).
        Binding(
            "n",
            "next_match",
            "Next match",
            id="main.next_unread",
            tooltip="While finding in an article: next match",
        ),
        Binding(
            "N",
            "previous_match",
            "Previous match",
            show=False,
            id="main.previous_match",
            tooltip="While finding in an article: previous match",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            key_display="/",
            id="main.search",
            tooltip="Search the list (while reading: find in it)",
        ),
        Binding(
            "S",
            "save_search",
            "Save search",
            show=False,
            id="main.save_search",
            tooltip="Save the search in the sidebar, under a name",
        ),
        Binding(
            "m",
            "toggle_read",
            "Read/unread",
            id="main.toggle_read",
            tooltip="Mark the article read or unread",
        ),
        Binding(
            "b",
            "toggle_bookmark",
            "Bookmark",
            id="main.toggle_bookmark",
            tooltip="Bookmark the article, or remove the bookmark",
        ),
        Binding(
            "A",
            "mark_view_read",
            "All read",
            id="main.mark_view_read",
            tooltip="Mark every article in the list read",
        ),
        Binding("t", "focus_tags", "Tags", id="main.focus_tags", tooltip="Go to the tag sidebar"),
        Binding(
            "T",
            "toggle_sidebar",
            "Hide tags",
            show=False,
            id="main.toggle_sidebar",
            tooltip="Hide or show the tag sidebar",
        ),
        Binding(
            "z",
            "zoom",
            "Zoom",
            show=False,
            id="main.zoom",
            tooltip="Zoom the focused pane to the whole screen, and back",
        ),
        Binding(
            "o",
            "open_link",
            "Open link",
            id="main.open_link",
            tooltip="Open the article's source link in the browser",
        ),
        Binding(
            "l",
            "links",
            "Links",
            id="main.links",
            tooltip="List the article's links (and images); Enter opens one",
        ),
        Binding(
            "y",
            "copy_link",
            "Copy link",
            show=False,
            id="main.copy_link",
            tooltip="Copy the article's source link",
        ),
        Binding(
            "s",
            "extract",
            "Extract",
            show=False,
            id="main.extract",
            tooltip="Show or hide an extract of the article",
        ),
        Binding(
            "v",
            "raw",
            "Raw file",
            show=False,
            id="main.raw",
            tooltip="Show the file as it is on disk, and back",
        ),
        Binding(
            "r",
            "related",
            "Related",
            show=False,
            id="main.related",
            tooltip="Articles related to this one; Enter opens one",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            show=False,
            id="main.undo",
            tooltip="Undo the last change (read, bookmark, deleted search)",
        ),
        Binding(
            "space,pagedown",
            "page_reader(1)",
            "Scroll",
            show=False,
            id="main.page_down",
            tooltip="Scroll the reading pane down a page",
        ),
        Binding(
            "pageup,shift+space",
            "page_reader(-1)",
            "Scroll up",
            show=False,
            id="main.page_up",
            tooltip="Scroll the reading pane up a page",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            show=False,
            id="main.back",
            tooltip="Back to the list; clear the search; back to All",
        ),
        Binding(
            "exclamation_mark",
            "skipped",
            "Skipped files",
            key_display="!",
            show=False,
            id="main.skipped",
            tooltip="Files that could not be loaded, and why",
        ),
    ]

    ALLOW_IN_MAXIMIZED_VIEW: ClassVar[str] = "KeyBar"
    """A zoomed pane (z) keeps the keys in sight."""

    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Search", "search", "Filter the list by words, phrases, tags, dates…"),
        ("Save search", "save_search", "Keep the current search in the sidebar"),
        ("Delete saved search", "delete_saved", "Remove the saved search picked (u undoes it)"),
        ("Find in article", "find", "Find words in the article being read"),
        ("Next unread article", "next_unread", "Open the next unread article in the list"),
        ("Toggle read", "toggle_read", "Mark the current article read or unread"),
        ("Toggle bookmark", "toggle_bookmark", "Bookmark the current article, or remove it"),
        ("Mark all in view read", "mark_view_read", "Mark every article in this list read"),
        ("Open source link", "open_link", "Open the article's source in the browser"),
        ("List links", "links", "The article's links and images, numbered; open or copy one"),
        ("Copy source link", "copy_link", "Copy the article's source link to the clipboard"),
        ("Undo", "undo", "Undo the last read, all-read or bookmark change, or deletion"),
        ("Extract", "extract", "Show or hide 2-3 of the article's own sentences at the top"),
        ("Related articles", "related", "The articles that share this one's tags and key terms"),
        ("Raw file", "raw", "The article's file as it is on disk: front matter, page furniture"),
        ("Show or hide the tag sidebar", "toggle_sidebar", "More room for the list"),
        ("Zoom the focused pane", "zoom", "Give the focused pane the whole screen, or put it back"),
        ("Show skipped files", "skipped", "Files that could not be loaded, and why"),
        ("Show keys", "help", "Every key and what it does"),
    ]

    def __init__(
        self,
        folder: Path,
        store: Store,
        writer: StateWriter,
        settings: Settings | None = None,
        open_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.folder = folder
        self._open_path = open_path
        """An article file to open as soon as the library has it (``aireader FILE.md``)."""
        self.store = store
        self.writer = writer
        self.settings = settings or Settings()
        self._undo: list[tuple[list[Article], str, bool] | SavedSearch] = []
        """Changes that ``u`` can take back, newest last: (articles, "read"/"bookmarked",
        value), or a saved search deleted."""
        self._moved: tuple[Article, float] | None = None
        """The reading position not yet written: (article, position)."""
        self._position_timer: Timer | None = None
        self._title_order: tuple[list[Article], list[int]] | None = None
        """For the title sort: each article's rank by title, for the shelf's articles."""
        self.shelf = Shelf(folder)
        self.current_view: View = ALL
        self.is_loading = True
        self.busy = "loading…"
        self._stop_following = threading.Event()
        self._follower: threading.Thread | None = None
        self._skips_announced = False
        self.search_text = ""
        """The search in force over the list ("" for none)."""
        self.search_query: Query | None = None
        self.search_hits: list[int] | None = None
        """The search's hits (positions in the shelf, best first), or None: no search."""
        self.search_source: str | None = None
        """The name of the saved search in force, if it came from the sidebar."""
        self._search_seq = 0
        self._text_index: Index | None = None
        """A handle on the index for full-text search, usable from the search worker."""
        self._first_index: Index | None = None
        """The index as the first paint opened it, until the loading worker takes it."""
        self._searcher: Search | None = None
        self.saved: list[SavedSearch] = []
        self.saved_counts: dict[str, SavedCount] = {}
        self._saved_timer: Timer | None = None
        self._counts_timer: Timer | None = None
        self._libraries_counted = False
        self._store_message: str | None = None
        """The last store failure told to the user (each is told once)."""
        self._sidebar_choice: bool | None = None
        """The sidebar shown (True) or hidden (False) with ``T``; None: by the width."""

    def compose(self) -> ComposeResult:
        # The layout classes go on before the first layout: set on the first
        # resize, they would restyle every widget once more before the first frame.
        self._set_layout_classes(self.app.size.width, self.app.size.height)
        with Horizontal(id="panes"):
            sidebar = TagSidebar(id="tags")
            sidebar.display = self._sidebar_wanted(self.app.size.width)
            yield sidebar
            with Container(id="main"):
                with Vertical(id="list-column"):  # the search bar joins it on first use
                    yield ArticleList(id="articles")
                yield Reader(id="reader")
        yield StatusBar(id="status")
        yield KeyBar()

    STACK_BELOW = 140
    """Narrower than this, the reading pane goes under the list instead of beside it."""
    SIDEBAR_BELOW = 100
    """Narrower than this, the sidebar is out of sight until ``t`` or ``T`` brings it."""
    SHORT_BELOW = 32
    """Lower than this (stacked), the list shrinks to a few rows while reading."""

    def on_resize(self, event: events.Resize) -> None:
        self._set_layout_classes(event.size.width, event.size.height)
        sidebar = self.query_one(TagSidebar)
        if self._sidebar_choice is None and not sidebar.has_focus:
            sidebar.display = self._sidebar_wanted(event.size.width)

    def _set_layout_classes(self, width: int, height: int) -> None:
        self.set_class(width < self.STACK_BELOW, "-stacked")
        self.set_class(width >= self.STACK_BELOW, "-beside")
        self.set_class(width < self.SIDEBAR_BELOW, "-narrow")
        self.set_class(height < self.SHORT_BELOW, "-short")

    def _sidebar_wanted(self, width: int) -> bool:
        """Whether the sidebar shows unless the user said otherwise (``T``): where the
        settings want it and the terminal has room for it beside the list."""
        return self.settings.sidebar and width >= self.SIDEBAR_BELOW

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The pane with focus decides the layout: a sidebar brought by ``t`` where
        it is not kept goes away when focus leaves it, and while reading on a short
        stacked screen the reading pane takes the list's room."""
        focused = event.widget
        reader = self.query_one(Reader)
        reading = focused is reader or reader in focused.ancestors
        self.query_one("#list-column").set_class(reading, "-reading")
        sidebar = self.query_one(TagSidebar)
        if (
            focused is not sidebar
            and sidebar.display
            and self._sidebar_choice is None
            and not self._sidebar_wanted(self.size.width)
        ):
            sidebar.display = False

    def on_mount(self) -> None:
        article_list = self.query_one(ArticleList)
        article_list.focus()
        article_list.border_title = "All"
        article_list.date_format = self.settings.date_format
        self.query_one(TagSidebar).border_title = "Tags"
        self.query_one(Reader).border_title = "Reading"
        try:
            self.saved = self.store.saved_searches()
        except Exception:  # a store fault is reported elsewhere; searches simply start empty
            self.saved = []
        self._show_status()
        self.call_after_refresh(_collect_again)
        if self._first_paint():
            # Titles are in the first frame: the worker waits for it to be out.
            self.call_after_refresh(self.load, painted=True)
        else:
            # Nothing cached: the titles come from the worker, so it starts now.
            self.load(painted=False)

    # -- loading ---------------------------------------------------------------

    def _first_paint(self) -> bool:
        """Show the newest rows straight from the cache, in time for the first frame.

        A bounded read (a few hundred rows, a few milliseconds) done here rather
        than in the worker, so the first frame already has titles; the worker
        does everything else.
        """
        try:
            # Never wait here for another copy of aireader writing the cache.
            index = Index.open(self.folder, paths.cache_dir(), timeout=0.2)
        except Exception:  # the worker will say what is wrong
            return False
        try:
            ids: list[int] = []
            first = index.articles(limit=FIRST_PAINT, ids=ids)
            shelf = None
            if first:
                states = self.store.states(first, follow=False)
                shelf = Shelf(index.root, first, index.skipped(), states, ids)
        except BaseException:
            index.close()
            raise
        if shelf is None:
            index.close()
            return False
        # The worker goes on with this connection: closing it here would also
        # checkpoint the cache, on the event loop, before the first frame.
        self._first_index = index
        # (no search on these first rows: the worker's shelf, a moment later, has it)
        self.show_shelf(shelf, self.writer.submitted, "loading…")
        return True

    @work(thread=True, exclusive=True, group="load")
    def load(self, painted: bool = False) -> None:
        """Read the whole cache, then bring it up to date with the folder."""
        worker = get_current_worker()
        index, self._first_index = self._first_index, None
        if index is None:
            index = Index.open(self.folder, paths.cache_dir())
        else:  # opened for the first paint, which must never wait long
            index.wait_for_locks(LOCK_TIMEOUT)
        try:
            LibraryFeed(self, index, worker.cancelled_event).load(painted=painted)
        except SyncCancelled:
            return
        except Exception as exc:  # never let a loading fault take the reader down
            self.app.call_from_thread(self._load_failed, exc)
            return
        finally:
            index.close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._start_following)

    def _load_failed(self, exc: Exception) -> None:
        self.show_busy("")
        self.notify(f"Could not finish reading {self.folder}: {exc}", severity="error", timeout=15)

    def _start_following(self) -> None:
        """Watch the folder for the rest of the session.

        A daemon thread rather than a worker: it lives as long as the screen, and
        must neither hold up quitting nor count as work still to finish.
        """
        if self._follower is None and self.is_attached:
            self._follower = threading.Thread(
                target=self._follow, name="aireader-follow", daemon=True
            )
            self._follower.start()

    def _follow(self) -> None:
        index = Index.open(self.folder, paths.cache_dir())
        try:
            LibraryFeed(self, index, self._stop_following).follow()
        except SyncCancelled:
            pass
        except Exception as exc:  # the list stays as it is; say that it stopped following
            with contextlib.suppress(RuntimeError):
                self.app.call_from_thread(
                    self.notify, f"Stopped following changes in the folder: {exc}", timeout=10
                )
        finally:
            index.close()

    def on_unmount(self) -> None:
        if self._first_index is not None:  # gone before the loading worker started
            self._first_index.close()
            self._first_index = None
        self._stop_following.set()
        self._save_position(show=False)

    def let_go(self) -> None:
        """Stop working for this library, which stays mounted while another is shown
        (see ``ReaderApp.open_library``): what unmounting does, and free what was loaded."""
        self.workers.cancel_node(self)
        self.on_unmount()
        self.shelf = Shelf(self.folder)
        self._text_index = self._searcher = None
        for article_list in self.query(ArticleList):
            article_list.set_rows([], [], self.state_of)

    def show_shelf(
        self, shelf: Shelf, submitted: int, busy: str, text_index: Index | None = None
    ) -> None:
        """Take a freshly loaded shelf (called on the UI thread).

        The list comes first; the tag sidebar follows a frame later, since
        measuring hundreds of entries would hold up the titles. ``text_index``
        is where the shelf's articles can be searched by their words.
        """
        if text_index is not None and text_index is not self._text_index:
            self._text_index = text_index
        self._searcher = None
        if self.writer.submitted != submitted:
            # The user changed something while it was read: their changes win.
            shelf.replace_states({**shelf.states, **self.shelf.states})
        article_list = self.query_one(ArticleList)
        # A cursor still on the first row stays on the first row: newer articles
        # found later belong above it, in view. Elsewhere, it stays on its article.
        keep = article_list.current if article_list.cursor > 0 else None
        self.shelf = shelf
        article_list.usual_lang = shelf.usual_lang
        self.busy = busy
        self.is_loading = bool(busy)
        article_list.empty_message = busy.capitalize() if busy else "No articles here."
        view = self.current_view
        if (
            (view.kind == "tag" and not any(g.key == view.tag for g in shelf.groups))
            or (view.kind == "topic" and not any(g.key == view.tag for g in shelf.topic_groups))
            or (view.kind == "folder" and view.tag not in shelf.counts.folder_total)
        ):
            self.current_view = ALL
        if self.search_text:
            # The list keeps the last hits until the search has run on the new shelf.
            self._run_search(keep=keep)
        else:
            self._apply_view(self.current_view, keep=keep)
        if not busy:
            self._settled()
        if self._open_path is not None:
            self._open_at_start(busy)
        self.call_after_refresh(self._refresh_counts)
        if shelf.skipped and not busy and not self._skips_announced:
            self._skips_announced = True
            self.notify(
                f"{plural(len(shelf.skipped), 'file')} could not be loaded. Press ! to see why.",
                severity="warning",
                timeout=6,
            )

    def _open_at_start(self, busy: str) -> None:
        """Open the article ``aireader FILE.md`` named, once the shelf has it; say why
        not if the library is in without it."""
        assert self._open_path is not None
        location = str(self._open_path)
        article = next((a for a in self.shelf.articles if a.location == location), None)
        if article is None and busy:
            return  # not read yet
        self._open_path = None
        if article is None:
            why = next((s.reason for s in self.shelf.skipped if str(s.path) == location), None)
            name = neutralise_line(Path(location).name)
            self.notify(
                f"Could not open {name}: {neutralise_line(why or 'it is not in the library')}",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        self.query_one(ArticleList).move_to(article)
        self.call_later(self.open_article, article)

    @work(thread=True, exclusive=True, group="warm-up")
    def _load_readers(self) -> None:
        """Load what opening an article needs, once the library is in and nothing
        else is under way, so that the first article opened does not wait for it:
        the parser (YAML, front matter: a start that parsed nothing has not loaded
        it) and the Markdown stack (markdown-it, Pygments' lexer table); some
        100 ms in all."""
        import aireader.core.parse  # noqa: F401
        from aireader.ui.widgets.article_text import markdown_class

        markdown_class()

    def set_text_index(self, shelf: Shelf, text_index: Index) -> None:
        """Where ``shelf``'s articles can be searched by their words (UI thread)."""
        if shelf is self.shelf:
            self._text_index = text_index
            self._searcher = None
            if self.search_text:
                self._run_search()

    def show_busy(self, busy: str) -> None:
        """Say what is under way (an empty note: nothing is)."""
        self.busy = busy
        self.is_loading = bool(busy)
        self.query_one(ArticleList).empty_message = busy.capitalize() or "No articles here."
        self._show_status()
        if not busy:  # e.g. a start that found nothing changed: no new shelf comes
            self._settled()

    def _settled(self) -> None:
        """The library is in and nothing is under way: count what the sidebar counts
        in the background, and, the first time, what only idle time should pay for."""
        self._count_saved()
        if not self._libraries_counted:
            self._libraries_counted = True
            self._count_libraries()
            self._load_readers()
            self.call_after_refresh(self._make_bars)

    async def _make_bars(self) -> None:
        """Both query bars, made (hidden) once the library is in: ``/`` then shows
        one at once, where making it on the key took a few hundred milliseconds."""
        for which in ("search", "find"):
            await self._made_bar(which)

    @work(thread=True, exclusive=True, group="reload-states")
    def reload_states(self) -> None:
        """Pick up changes another copy of aireader made (called when the app regains focus)."""
        if self.is_loading:
            return
        submitted = self.writer.submitted
        self.writer.flush()  # our own writes first, so none of them is read back stale
        articles = self.shelf.articles
        try:
            states = self.store.states(articles)
        except StoreError as exc:  # the list keeps the state it has; say why once
            self.app.call_from_thread(self.show_store_failure, str(exc))
            return
        self.app.call_from_thread(self._states_reloaded, articles, states, submitted)

    def show_store_failure(self, message: str) -> None:
        if message != self._store_message:
            self._store_message = message
            self.notify(f"Read-state: {message}", severity="error", timeout=10)

    def _states_reloaded(
        self, articles: list[Article], states: dict[str, ArticleState], submitted: int
    ) -> None:
        if self.writer.submitted != submitted:
            return  # the user changed something meanwhile; what we read may predate it
        if articles is not self.shelf.articles or states == self.shelf.states:
            return
        self.shelf.replace_states(states)
        self.query_one(ArticleList).refresh_rows()
        reader = self.query_one(Reader)
        if reader.article is not None:
            reader.show_header(reader.article, self.state_of(reader.article))
        self._refresh_counts()

    # -- state -------------------------------------------------------------------

    def state_of(self, article: Article) -> ArticleState:
        return self.shelf.state(article)

    def _apply_view(self, view: View, *, keep: Article | None = None) -> None:
        self.current_view = view
        article_list = self.query_one(ArticleList)
        rows = self.shelf.rows(view)
        hits = self.search_hits
        if hits is not None:
            if view.kind in ("all", "saved"):
                rows = hits
            else:
                allowed = set(rows)
                rows = [i for i in hits if i in allowed]
        else:
            rows = self._sorted(rows)
        query = self.search_query
        article_list.highlighter = query.title_highlights if hits is not None and query else None
        article_list.set_rows(self.shelf.articles, rows, self.state_of, keep=keep)
        article_list.border_title = self._view_name(view)
        article_list.border_subtitle = f"{len(rows):,}"
        self._show_status()

    def _sorted(self, rows: list[int]) -> list[int]:
        """``rows`` (newest first) in the order the settings ask for."""
        order = self.settings.sort
        if order == "oldest":
            return rows[::-1]
        if order == "title":
            articles = self.shelf.articles
            if self._title_order is None or self._title_order[0] is not articles:
                by_title = sorted(range(len(articles)), key=lambda i: title_key(articles[i].title))
                rank = [0] * len(articles)
                for place, i in enumerate(by_title):
                    rank[i] = place
                self._title_order = (articles, rank)
            return sorted(rows, key=self._title_order[1].__getitem__)
        return rows

    def _view_name(self, view: View) -> str:
        if view.kind == "tag":
            name = f"#{self.shelf.tag_name(view.tag)}"
        elif view.kind == "saved":
            return f"⌕ {view.tag}"
        elif view.kind == "folder":
            name = f"{view.tag}/"
        elif view.kind == "topic":
            name = f"~{self.shelf.topic_name(view.tag)}"
        else:
            name = view.kind.capitalize()
        if self.search_text and self.search_hits is not None:
            return f"{name} ⌕ {self.search_text}"
        return name

    def _refresh_counts(self) -> None:
        self.query_one(TagSidebar).update_views(
            self.shelf.counts,
            self.shelf.groups,
            self.current_view,
            [(s.name, self.saved_counts.get(s.name)) for s in self.saved],
            self._library_entries(),
            self.shelf.topic_groups,
        )
        self._show_status()

    # -- the other libraries ----------------------------------------------------------

    def _library_entries(self) -> list[LibraryEntry]:
        """The user's libraries for the sidebar (none when there is only this one)."""
        from aireader.ui.app import ReaderApp, library_names

        app = self.app
        if not isinstance(app, ReaderApp) or len(app.libraries) < 2:
            return []
        entries = []
        for folder, name in zip(app.libraries, library_names(app.libraries), strict=True):
            if folder == self.folder:
                counts = self.shelf.counts
                entries.append(LibraryEntry(name, (counts.articles, counts.unread), True))
            else:
                entries.append(LibraryEntry(name, app.library_counts.get(folder), False))
        return entries

    @work(thread=True, exclusive=True, group="library-counts")
    def _count_libraries(self) -> None:
        """Count the other libraries' articles from their caches (not scanned: a library
        never opened shows no count until it is)."""
        from aireader.ui.app import ReaderApp

        app = self.app
        if not isinstance(app, ReaderApp):
            return
        worker = get_current_worker()
        for folder in list(app.libraries):
            if folder == self.folder or worker.is_cancelled:
                continue
            try:
                index = Index.open(folder, paths.cache_dir(), timeout=0.2)
                try:
                    articles = index.articles()
                finally:
                    index.close()
                if not articles:
                    continue
                states = self.store.states(articles, follow=False)
            except Exception:  # a count is a nicety: a library that cannot be read shows none
                continue
            unread = sum(1 for a in articles if not states.get(a.identity, UNTOUCHED).read)
            app.library_counts[folder] = (len(articles), unread)
            self.app.call_from_thread(self._refresh_counts)

    def _show_status(self) -> None:
        text = summary_line(self.shelf.counts, len(self.shelf.skipped))
        self.query_one(StatusBar).show(self._view_name(self.current_view), text, self.busy)

    def _change(
        self,
        articles: Iterable[Article],
        *,
        read: bool | None = None,
        bookmarked: bool | None = None,
        undoable: bool = True,
    ) -> list[Article]:
        """Apply a read or bookmark change: memory and screen now, the store in order.

        An ``undoable`` change is remembered so that ``u`` can take it back."""
        now = time.time()
        if read is not None:
            changed = self.shelf.set_read(articles, read, now)
            if changed:
                self.writer.submit(self.store.set_read, changed, read, now)
        else:
            changed = self.shelf.set_bookmarked(articles, bool(bookmarked), now)
            if changed:
                self.writer.submit(self.store.set_bookmarked, changed, bool(bookmarked), now)
        if not changed:
            return changed
        if undoable:
            flag, value = ("read", read) if read is not None else ("bookmarked", bookmarked)
            self._remember((changed, flag, bool(value)))
        if self.saved:
            self._count_saved_soon()
        self.query_one(ArticleList).refresh_rows()
        reader = self.query_one(Reader)
        if reader.article is not None and reader.article.identity in {a.identity for a in changed}:
            reader.show_header(reader.article, self.state_of(reader.article))
        # The sidebar's counts a moment later: the row and the article come first
        # (redrawing the sidebar's entries took a third of the first frame).
        self._show_status()
        self._refresh_counts_soon()
        return changed

    def _refresh_counts_soon(self) -> None:
        if self._counts_timer is not None:
            self._counts_timer.stop()
            self._counts_timer = None
        if COUNTS_DELAY > 0:
            self._counts_timer = self.set_timer(COUNTS_DELAY, self._refresh_counts)
        else:
            self.call_after_refresh(self._refresh_counts)

    # -- messages ------------------------------------------------------------------

    @on(TagSidebar.Picked)
    async def _view_picked(self, event: TagSidebar.Picked) -> None:
        if event.view.kind == "library":
            from aireader.ui.app import ReaderApp

            if isinstance(self.app, ReaderApp):
                self.app.open_library(self.app.libraries[int(event.view.tag)])
            return
        if event.view == self.current_view:
            return
        keep = self.query_one(ArticleList).current
        if event.view.kind == "saved":
            saved = next((s for s in self.saved if s.name == event.view.tag), None)
            if saved is not None:
                self.current_view = event.view
                self.search_source = saved.name
                bar = await self._made_bar("search")
                bar.display = True
                with bar.input.prevent(bar.input.Changed):
                    bar.input.value = saved.query
                self._start_search(saved.query, keep=keep)
            return
        if self.search_source is not None:  # leaving a saved search: it no longer applies
            # The picked view first: clearing falls back to All only from a saved search.
            self.current_view = event.view
            self._clear_search(keep_focus=True)  # shows the picked view
            return
        self._apply_view(event.view, keep=keep)

    @on(ArticleList.Opened)
    async def _opened(self, event: ArticleList.Opened) -> None:
        await self.open_article(event.article)

    async def open_article(self, article: Article) -> None:
        """Show an article in the reading pane and mark it read."""
        reader = self.query_one(Reader)
        reader.border_title = Text(neutralise_line(article.relpath))  # a name is not markup
        if self.settings.mark_read_on_open:
            self._change([article], read=True)
        if reader.finding is not None and (find := self._bar("find")) is not None:
            reader.finding = None
            find.close()
            self.refresh_bindings()
        reader.passive = self.search_query if self.search_hits is not None else None
        self._save_position()
        state = self.state_of(article)
        reader.show(article, state, self.shelf.root, resume=state.progress)
        reader.focus()

    # -- reading position ---------------------------------------------------------

    @on(Reader.Moved)
    def _reader_moved(self, event: Reader.Moved) -> None:
        """Keep the position a moment after scrolling stops (keys repeat; each write syncs)."""
        self._moved = (event.article, event.position)
        if self._position_timer is not None:
            self._position_timer.stop()
        self._position_timer = self.set_timer(POSITION_DELAY, self._save_position)

    def _save_position(self, *, show: bool = True) -> None:
        """Write the reading position now (on leaving an article, and on quitting)."""
        if self._position_timer is not None:
            self._position_timer.stop()
            self._position_timer = None
        if self._moved is None:
            return
        article, position = self._moved
        self._moved = None
        now = time.time()
        self.shelf.set_position(article, position, now)
        self.writer.submit(self.store.set_position, article, position, now)
        if show:
            self.query_one(ArticleList).refresh_rows()

    # -- actions --------------------------------------------------------------------

    def _target(self) -> Article | None:
        """The article a key about "the article" acts on (links, source, copy, related,
        extract, bookmark, raw file): the one in the reading pane while one is open,
        wherever the focus is; else the one under the list's cursor."""
        reader = self.query_one(Reader)
        if reader.article is not None:
            return reader.article
        return self.query_one(ArticleList).current

    def _read_target(self) -> Article | None:
        """What ``m`` marks: the row under the cursor while the list has the focus
        (marking without opening, row by row), else the article being read."""
        article_list = self.query_one(ArticleList)
        if article_list.has_focus and article_list.current is not None:
            return article_list.current
        return self._target()

    def action_quit(self) -> None:
        self._save_position(show=False)
        self.app.exit()

    def action_help(self) -> None:
        from aireader.ui.screens.help import HelpScreen

        # Made once and kept: composing and laying out the key table cost more
        # than a key may take to show something.
        if not self.app.is_screen_installed("help"):
            self.app.install_screen(HelpScreen(), "help")
        self.app.push_screen("help")

    def action_skipped(self) -> None:
        from aireader.ui.screens.skipped import SkippedScreen

        self.app.push_screen(SkippedScreen(self.shelf.skipped))

    def _finding(self) -> bool:
        """Whether ``n`` and ``N`` go from match to match (finding in the article read)."""
        reader = self.query_one(Reader)
        return reader.finding is not None and reader.has_focus

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``n`` is "next match" while finding in the article, "next unread" otherwise:
        one binding or the other, so the footer names what it does."""
        if action in ("next_unread", "next_match") and self.is_mounted:
            return self._finding() == (action == "next_match")
        return True

    def action_next_match(self) -> None:
        note = self.query_one(Reader).next_match(1)
        if (find := self._bar("find")) is not None:
            find.note(note)

    async def action_next_unread(self) -> None:
        if self._finding():
            self.action_next_match()
            return
        article_list = self.query_one(ArticleList)
        candidates: Iterable[Article] = article_list.iter_from_cursor()
        current = article_list.current
        if current is not None and self.query_one(Reader).article is not current:
            # The cursor's article was not opened yet: it is the next one.
            candidates = itertools.chain([current], candidates)
        for article in candidates:
            if not self.state_of(article).read:
                article_list.move_to(article)
                await self.open_article(article)
                return
        self.notify("No unread articles in this view.", timeout=3)

    def action_toggle_read(self) -> None:
        target = self._read_target()
        if target is not None:
            self._change([target], read=not self.state_of(target).read)

    def action_toggle_bookmark(self) -> None:
        target = self._target()
        if target is not None:
            self._change([target], bookmarked=not self.state_of(target).bookmarked)

    def action_mark_view_read(self) -> None:
        visible = self.query_one(ArticleList).visible_articles()
        changed = self._change(visible, read=True)
        self.notify(f"Marked {plural(len(changed), 'article')} read.", timeout=3)

    def action_focus_tags(self) -> None:
        """``t``: to the sidebar, shown if it was not (until focus leaves it, unless
        there is room for it or ``T`` keeps it)."""
        sidebar = self.query_one(TagSidebar)
        sidebar.display = True
        sidebar.focus()

    def action_toggle_sidebar(self) -> None:
        """``T``: show or hide the sidebar, and keep it so whatever the width."""
        sidebar = self.query_one(TagSidebar)
        self._sidebar_choice = sidebar.display = not sidebar.display
        if not sidebar.display and sidebar.has_focus:
            self.query_one(ArticleList).focus()

    def action_zoom(self) -> None:
        """Give the focused pane the whole screen, or put it back."""
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused)

    def action_open_link(self) -> None:
        target = self._target()
        if target is None or not target.link:
            self.notify("This article has no source link.", timeout=3)
            return
        self.app.open_url(target.link)  # it says "Opening", or why it could not

    def action_copy_link(self) -> None:
        target = self._target()
        if target is None or not target.link:
            self.notify("This article has no source link to copy.", timeout=3)
            return
        self.app.copy_to_clipboard(target.link)
        self.notify(f"Copied {neutralise_line(target.link)}", timeout=3)

    def action_links(self) -> None:
        target = self._target()
        if target is None:
            self.notify("No article here: pick one first.", timeout=3)
            return
        from aireader.ui.screens.links import LinksScreen

        self.app.push_screen(LinksScreen(target, self.shelf.root))

    def action_extract(self) -> None:
        reader = self.query_one(Reader)
        shown = reader.toggle_extract()
        if reader.article is None:
            self.notify("Extracts " + ("on: open an article" if shown else "off") + ".", timeout=3)

    def action_related(self) -> None:
        target = self._target()
        if target is None:
            self.notify("No article here: pick one first.", timeout=3)
            return
        self._find_related(target, self.shelf)

    @work(thread=True, exclusive=True, group="related")
    def _find_related(self, article: Article, shelf: Shelf) -> None:
        from aireader.core.query import QueryError
        from aireader.core.related import article_terms, related

        terms = article_terms(article)
        try:
            found = related(article, self._search_with(shelf), terms)
        except QueryError as exc:
            self.app.call_from_thread(self.notify, str(exc), timeout=4)
            return
        articles = [shelf.articles[p] for p in found]
        self.app.call_from_thread(self._show_related, article, articles, terms)

    def _show_related(self, article: Article, found: list[Article], terms: list[str]) -> None:
        from aireader.ui.screens.related import RelatedScreen

        async def chosen(other: Article | None) -> None:
            if other is not None:
                self.query_one(ArticleList).move_to(other)
                await self.open_article(other)

        self.app.push_screen(RelatedScreen(article, found, terms), chosen)

    def _remember(self, change: tuple[list[Article], str, bool] | SavedSearch) -> None:
        self._undo.append(change)
        del self._undo[:-UNDO_DEPTH]

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("Nothing to undo.", timeout=3)
            return
        change = self._undo.pop()
        if isinstance(change, SavedSearch):
            self._restore_saved(change)
            return
        articles, flag, value = change
        if flag == "read":
            self._change(articles, read=not value, undoable=False)
            now = "unread again" if value else "read again"
        else:
            self._change(articles, bookmarked=not value, undoable=False)
            now = "no longer bookmarked" if value else "bookmarked again"
        if len(articles) == 1:
            what = f"“{neutralise_line(articles[0].title)}” is"
        else:
            what = f"{plural(len(articles), 'article')} are"
        self.notify(f"Undone: {what} {now}.", timeout=4)

    def action_page_reader(self, direction: int) -> None:
        reader = self.query_one(Reader)
        if direction > 0:
            reader.page_down()
        else:
            reader.page_up()

    def action_raw(self) -> None:
        reader = self.query_one(Reader)
        target = self._target()
        if target is None:
            self.notify("No article here: pick one first.", timeout=3)
            return
        if reader.article is not target:
            reader.show(target, self.state_of(target), self.shelf.root)
        reader.toggle_raw()
        reader.focus()

    def action_back(self) -> None:
        article_list = self.query_one(ArticleList)
        reader = self.query_one(Reader)
        if reader.has_focus and reader.finding is not None:
            self._end_find()
        elif not article_list.has_focus:
            article_list.focus()
        elif self.search_text or ((bar := self._bar("search")) is not None and bar.display):
            self._clear_search()
        elif self.current_view != ALL:
            self._apply_view(ALL, keep=article_list.current)
            self._refresh_counts()

    # -- search ------------------------------------------------------------------------

    def _bar(self, which: str) -> QueryBar | None:
        """The search bar (``search``) or the find bar (``find``), if made yet."""
        found = self.query(f"#{which}")
        return found.first(QueryBar) if found else None

    async def _made_bar(self, which: str) -> QueryBar:
        """The bar, made on first use (two text boxes cost start-up time)."""
        bar = self._bar(which)
        if bar is None:
            if which == "search":
                bar = QueryBar("Search", SEARCH_HINT, id="search")
                await self.query_one("#list-column").mount(bar, before=0)
            else:
                bar = QueryBar("Find", FIND_HINT, id="find")
                await self.query_one(Reader).mount(bar)
        return bar

    async def action_search(self) -> None:
        """``/``: search the list; in the reading pane, find in the article."""
        if self.query_one(Reader).has_focus:
            await self.action_find()
            return
        (await self._made_bar("search")).open()

    async def action_find(self) -> None:
        reader = self.query_one(Reader)
        if reader.article is None:
            self.notify("Open an article first: / in the list searches the list.", timeout=3)
            return
        (await self._made_bar("find")).open()

    def action_previous_match(self) -> None:
        reader = self.query_one(Reader)
        if reader.finding is not None:
            note = reader.next_match(-1)
            if (find := self._bar("find")) is not None:
                find.note(note)
        else:
            self.notify("Nothing to go back to: press / while reading to find.", timeout=3)

    @on(QueryBar.Changed, "#search")
    def _search_typed(self, event: QueryBar.Changed) -> None:
        self.search_source = None
        if self.current_view.kind == "saved":
            self.current_view = ALL
        self._start_search(event.text)

    @on(QueryBar.Submitted, "#search")
    def _search_submitted(self, event: QueryBar.Submitted) -> None:
        if not event.text.strip():
            self._clear_search()
            return
        article_list = self.query_one(ArticleList)
        article_list.focus()

    @on(QueryBar.Cancelled, "#search")
    def _search_cancelled(self, event: QueryBar.Cancelled) -> None:
        self._clear_search()

    def _start_search(self, text: str, *, keep: Article | None = None) -> None:
        self.search_text = text.strip()
        if not self.search_text:
            self._show_results(None, None, keep=keep)
            if (bar := self._bar("search")) is not None:
                bar.note("")
            return
        self._run_search(keep=keep)

    def _run_search(self, *, keep: Article | None = None) -> None:
        self._search_seq += 1
        self._search(self._search_seq, self.search_text, self.shelf, keep)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, seq: int, text: str, shelf: Shelf, keep: Article | None) -> None:
        """Run a query off the UI thread; only the latest one's results are shown."""
        from aireader.core.query import QueryError, parse

        try:
            query = parse(text)
            hits = self._search_with(shelf).run(query)
        except QueryError as exc:
            self.app.call_from_thread(self._search_failed, seq, str(exc))
            return
        self.app.call_from_thread(self._search_done, seq, shelf, query, hits, keep)

    def _search_with(self, shelf: Shelf) -> Search:
        """The searcher for ``shelf`` (made once per shelf; called in the worker)."""
        from aireader.core.query import QueryError
        from aireader.core.search import Search

        searcher = self._searcher
        if searcher is None or searcher.articles is not shelf.articles:
            index = self._text_index
            if index is None:
                raise QueryError("the library is still loading: search in a moment")
            searcher = self._searcher = Search(index, shelf.articles, shelf.ids, shelf.states)
        searcher.states = shelf.states
        return searcher

    def _search_done(
        self, seq: int, shelf: Shelf, query: Query, hits: list[int], keep: Article | None
    ) -> None:
        if seq != self._search_seq or shelf is not self.shelf:
            return  # a newer search (or a newer shelf) is on its way
        self._show_results(query, hits, keep=keep)
        if (bar := self._bar("search")) is not None:
            bar.note(f"{len(hits):,} found")

    def _search_failed(self, seq: int, message: str) -> None:
        if seq == self._search_seq and (bar := self._bar("search")) is not None:
            bar.note(message, error=True)

    def _show_results(
        self, query: Query | None, hits: list[int] | None, *, keep: Article | None = None
    ) -> None:
        self.search_query, self.search_hits = query, hits
        self._apply_view(self.current_view, keep=keep)
        self.query_one(Reader).set_passive(query if hits is not None else None)

    def _clear_search(self, *, keep_focus: bool = False) -> None:
        """Drop the search: the whole view again, the cursor on the same article."""
        article_list = self.query_one(ArticleList)
        keep = article_list.current
        self._search_seq += 1
        self.search_text, self.search_source = "", None
        if (bar := self._bar("search")) is not None:
            bar.close()
        if self.current_view.kind == "saved":
            self.current_view = ALL
            self._refresh_counts()
        self._show_results(None, None, keep=keep)
        if not keep_focus:
            article_list.focus()

    # -- find in the article --------------------------------------------------------------

    @on(QueryBar.Changed, "#find")
    def _find_typed(self, event: QueryBar.Changed) -> None:
        from aireader.core.query import QueryError, parse

        bar = event.bar
        reader = self.query_one(Reader)
        self.refresh_bindings()  # n: next match, or next unread again
        if not event.text.strip():
            reader.find(None)
            bar.note("")
            return
        try:
            query = parse(event.text)
        except QueryError as exc:
            bar.note(str(exc), error=True)
            return
        reader.find(query)
        bar.note(reader.find_note if reader.finding is not None else "")

    @on(QueryBar.Submitted, "#find")
    def _find_submitted(self, event: QueryBar.Submitted) -> None:
        reader = self.query_one(Reader)
        if reader.finding is None:
            self._end_find()
        reader.focus()

    @on(QueryBar.Cancelled, "#find")
    def _find_cancelled(self, event: QueryBar.Cancelled) -> None:
        self._end_find()

    def _end_find(self) -> None:
        reader = self.query_one(Reader)
        reader.find(None)
        if (find := self._bar("find")) is not None:
            find.close()
        reader.focus()
        self.refresh_bindings()

    # -- saved searches -------------------------------------------------------------------

    def action_save_search(self) -> None:
        if not self.search_text or self.search_hits is None:
            self.notify("Search first (/), then S saves the search.", timeout=4)
            return
        from aireader.ui.screens.save_search import SaveSearchScreen

        names = [s.name for s in self.saved]
        self.app.push_screen(
            SaveSearchScreen(self.search_source or self.search_text, names), self._saved
        )

    def _saved(self, name: str | None) -> None:
        if not name:
            return
        text = self.search_text
        try:
            self.store.save_search(name, text)
        except Exception as exc:
            self.notify(f"Could not save the search: {exc}", severity="error", timeout=8)
            return
        self.saved = self.store.saved_searches()
        self.search_source = name
        self.current_view = View("saved", name)
        self.notify(f"Saved “{name}”: it is in the sidebar.", timeout=4)
        self._count_saved()
        self._refresh_counts()

    def action_delete_saved(self) -> None:
        view = self.current_view
        sidebar = self.query_one(TagSidebar)
        option = sidebar.highlighted_option
        if option is not None and option.id and option.id.startswith("saved:"):
            view = View.from_id(option.id)
        if view.kind != "saved":
            self.notify("Pick a saved search in the sidebar first.", timeout=4)
            return
        deleted = next((s for s in self.saved if s.name == view.tag), None)
        try:
            self.store.delete_search(view.tag)
        except Exception as exc:
            self.notify(f"Could not delete the search: {exc}", severity="error", timeout=8)
            return
        self.saved = self.store.saved_searches()
        # No question asked, as for every other change here: u brings it back.
        if deleted is not None:
            self._remember(deleted)
        name, undo = neutralise_line(view.tag), self._key_of("undo")
        self.notify(
            f"Deleted the saved search “{name}”: {undo} brings it back.", timeout=6, markup=False
        )
        if self.current_view == view:
            self._clear_search(keep_focus=True)
        self._refresh_counts()

    def _key_of(self, action: str) -> str:
        """The key that runs ``action`` here, as the footer shows it (keys can be remapped)."""
        for active in self.active_bindings.values():
            if active.binding.action == action:
                return self.app.get_key_display(active.binding)
        return action

    def _restore_saved(self, search: SavedSearch) -> None:
        """Save a deleted search again (``u``), under its name, with its query."""
        if any(s.name == search.name for s in self.saved):
            self.notify(
                f"A search is saved as “{neutralise_line(search.name)}” again: it stays.",
                timeout=6,
                markup=False,
            )
            return
        try:
            self.store.save_search(search.name, search.query)
        except Exception as exc:
            self.notify(f"Could not bring the search back: {exc}", severity="error", timeout=8)
            return
        self.saved = self.store.saved_searches()
        name = neutralise_line(search.name)
        self.notify(f"Undone: the saved search “{name}” is back.", timeout=4, markup=False)
        self._count_saved()
        self._refresh_counts()

    @on(TagSidebar.DeleteSaved)
    def _delete_saved_key(self, event: TagSidebar.DeleteSaved) -> None:
        self.action_delete_saved()

    def _count_saved_soon(self) -> None:
        """Recount saved searches a moment after state changes stop (keys can repeat)."""
        if self._saved_timer is not None:
            self._saved_timer.stop()
        self._saved_timer = self.set_timer(0.5, self._count_saved)

    def _count_saved(self) -> None:
        if self.saved and self.shelf.ids:
            self._saved_counts_worker(self.shelf, list(self.saved))

    @work(thread=True, exclusive=True, group="saved-counts")
    def _saved_counts_worker(self, shelf: Shelf, saved: list[SavedSearch]) -> None:
        from aireader.core.query import QueryError, parse

        counts: dict[str, SavedCount] = {}
        try:
            searcher = self._search_with(shelf)
        except QueryError:
            return
        for item in saved:
            try:
                hits = searcher.run(parse(item.query))
            except QueryError:
                continue
            unread = sum(1 for i in hits if not searcher.state(i).read)
            counts[item.name] = (len(hits), unread)
        self.app.call_from_thread(self._saved_counted, shelf, counts)

    def _saved_counted(self, shelf: Shelf, counts: dict[str, SavedCount]) -> None:
        if shelf is self.shelf:
            self.saved_counts = counts
            self._refresh_counts()
