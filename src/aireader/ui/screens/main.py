"""The main screen: tag sidebar, article list and reading pane.

The screen holds the handlers: it turns the widgets' messages and the user's
keys into calls on the core (views, the store) and shows what comes back.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from aireader import paths
from aireader.core.article import Article
from aireader.core.index import Index, SyncCancelled
from aireader.core.shelf import Shelf
from aireader.core.store import ArticleState, Store
from aireader.core.views import ALL, View, plural, summary_line
from aireader.ui.feed import FIRST_PAINT, LibraryFeed
from aireader.ui.widgets.article_list import ArticleList
from aireader.ui.widgets.reader import Reader
from aireader.ui.widgets.status_bar import StatusBar
from aireader.ui.widgets.tag_sidebar import TagSidebar
from aireader.ui.writer import StateWriter


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
            tooltip="Open the next unread article",
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
            tooltip="Back to the list; in the list, back to All",
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

    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Next unread article", "next_unread", "Open the next unread article in the list"),
        ("Toggle read", "toggle_read", "Mark the current article read or unread"),
        ("Toggle bookmark", "toggle_bookmark", "Bookmark the current article, or remove it"),
        ("Mark all in view read", "mark_view_read", "Mark every article in this list read"),
        ("Open source link", "open_link", "Open the article's source in the browser"),
        ("Show or hide the tag sidebar", "toggle_sidebar", "More room for the list"),
        ("Zoom the focused pane", "zoom", "Give the focused pane the whole screen, or put it back"),
        ("Show skipped files", "skipped", "Files that could not be loaded, and why"),
        ("Show keys", "help", "Every key and what it does"),
    ]

    def __init__(self, folder: Path, store: Store, writer: StateWriter) -> None:
        super().__init__()
        self.folder = folder
        self.store = store
        self.writer = writer
        self.shelf = Shelf(folder)
        self.current_view: View = ALL
        self.is_loading = True
        self.busy = "loading…"
        self._stop_following = threading.Event()
        self._follower: threading.Thread | None = None
        self._skips_announced = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield TagSidebar(id="tags")
            with Container(id="main"):
                yield ArticleList(id="articles")
                yield Reader(id="reader")
        yield StatusBar(id="status")

    STACK_BELOW = 140
    """Narrower than this, the reading pane goes under the list instead of beside it."""

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.STACK_BELOW, "-stacked")
        self.set_class(event.size.width < 100, "-narrow")

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()
        self.query_one(ArticleList).border_title = "All"
        self.query_one(TagSidebar).border_title = "Tags"
        self.query_one(Reader).border_title = "Reading"
        self._show_status()
        if self._first_paint():
            # Titles are in the first frame: the worker and the footer (a widget
            # per key) wait for it to be out, so neither holds it up.
            self.call_after_refresh(self._after_first_frame)
        else:
            # Nothing cached: the titles come from the worker, so it starts now
            # (the footer follows the first titles, see show_shelf).
            self.load(painted=False)

    def _after_first_frame(self) -> None:
        self.load(painted=True)
        self._ensure_footer()

    def _ensure_footer(self) -> None:
        if not self.query(Footer):
            self.mount(Footer())
            # A footer mounted late must be told the keys: it builds its entries
            # when bindings change, which already happened before it existed.
            self.call_after_refresh(self.refresh_bindings)

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
            if not first:
                return False
            states = self.store.states(first, follow=False)
            shelf = Shelf(index.root, first, index.skipped(), states, ids)
        finally:
            index.close()
        self.show_shelf(shelf, self.writer.submitted, "loading…")
        return True

    @work(thread=True, exclusive=True, group="load")
    def load(self, painted: bool = False) -> None:
        """Read the whole cache, then bring it up to date with the folder."""
        worker = get_current_worker()
        index = Index.open(self.folder, paths.cache_dir())
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
        self._stop_following.set()

    def show_shelf(self, shelf: Shelf, submitted: int, busy: str) -> None:
        """Take a freshly loaded shelf (called on the UI thread).

        The list comes first; the tag sidebar follows a frame later, since
        measuring hundreds of entries would hold up the titles.
        """
        if self.writer.submitted != submitted:
            # The user changed something while it was read: their changes win.
            shelf.replace_states({**shelf.states, **self.shelf.states})
        article_list = self.query_one(ArticleList)
        # A cursor still on the first row stays on the first row: newer articles
        # found later belong above it, in view. Elsewhere, it stays on its article.
        keep = article_list.current if article_list.cursor > 0 else None
        self.shelf = shelf
        self.busy = busy
        self.is_loading = bool(busy)
        article_list.empty_message = busy.capitalize() if busy else "No articles here."
        if self.current_view.kind == "tag" and not any(
            g.key == self.current_view.tag for g in shelf.groups
        ):
            self.current_view = ALL
        self._apply_view(self.current_view, keep=keep)
        self.call_after_refresh(self._refresh_counts)
        self.call_after_refresh(self._ensure_footer)
        if shelf.skipped and not busy and not self._skips_announced:
            self._skips_announced = True
            self.notify(
                f"{plural(len(shelf.skipped), 'file')} could not be loaded. Press ! to see why.",
                severity="warning",
                timeout=6,
            )

    def show_busy(self, busy: str) -> None:
        """Say what is under way (an empty note: nothing is)."""
        self.busy = busy
        self.is_loading = bool(busy)
        self.query_one(ArticleList).empty_message = busy.capitalize() or "No articles here."
        self._show_status()

    @work(thread=True, exclusive=True, group="reload-states")
    def reload_states(self) -> None:
        """Pick up changes another copy of aireader made (called when the app regains focus)."""
        if self.is_loading:
            return
        submitted = self.writer.submitted
        self.writer.flush()  # our own writes first, so none of them is read back stale
        articles = self.shelf.articles
        states = self.store.states(articles)
        self.app.call_from_thread(self._states_reloaded, articles, states, submitted)

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
        article_list.set_rows(self.shelf.articles, rows, self.state_of, keep=keep)
        article_list.border_title = self._view_name(view)
        article_list.border_subtitle = f"{len(rows):,}"
        self._show_status()

    def _view_name(self, view: View) -> str:
        if view.kind == "tag":
            return f"#{self.shelf.tag_name(view.tag)}"
        return view.kind.capitalize()

    def _refresh_counts(self) -> None:
        self.query_one(TagSidebar).update_views(
            self.shelf.counts, self.shelf.groups, self.current_view
        )
        self._show_status()

    def _show_status(self) -> None:
        text = summary_line(self.shelf.counts, len(self.shelf.skipped))
        self.query_one(StatusBar).show(self._view_name(self.current_view), text, self.busy)

    def _change(
        self,
        articles: Iterable[Article],
        *,
        read: bool | None = None,
        bookmarked: bool | None = None,
    ) -> list[Article]:
        """Apply a read or bookmark change: memory and screen now, the store in order."""
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
        self.query_one(ArticleList).refresh_rows()
        reader = self.query_one(Reader)
        if reader.article is not None and reader.article.identity in {a.identity for a in changed}:
            reader.show_header(reader.article, self.state_of(reader.article))
        self._refresh_counts()
        return changed

    # -- messages ------------------------------------------------------------------

    @on(TagSidebar.Picked)
    def _view_picked(self, event: TagSidebar.Picked) -> None:
        if event.view != self.current_view:
            self._apply_view(event.view, keep=self.query_one(ArticleList).current)

    @on(ArticleList.Opened)
    async def _opened(self, event: ArticleList.Opened) -> None:
        await self.open_article(event.article)

    async def open_article(self, article: Article) -> None:
        """Show an article in the reading pane and mark it read."""
        reader = self.query_one(Reader)
        reader.border_title = article.relpath
        self._change([article], read=True)
        reader.show(article, self.state_of(article), self.shelf.root)
        reader.focus()

    # -- actions --------------------------------------------------------------------

    def _target(self) -> Article | None:
        """The article a key acts on: the one being read, else the one under the cursor."""
        reader = self.query_one(Reader)
        if reader.has_focus and reader.article is not None:
            return reader.article
        return self.query_one(ArticleList).current

    def action_quit(self) -> None:
        self.app.exit()

    def action_help(self) -> None:
        from aireader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_skipped(self) -> None:
        from aireader.ui.screens.skipped import SkippedScreen

        self.app.push_screen(SkippedScreen(self.shelf.skipped))

    async def action_next_unread(self) -> None:
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
        target = self._target()
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
        sidebar = self.query_one(TagSidebar)
        sidebar.display = True
        sidebar.focus()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(TagSidebar)
        sidebar.display = not sidebar.display
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
        self.app.open_url(target.link)
        self.notify(f"Opening {target.link}", timeout=3)

    def action_page_reader(self, direction: int) -> None:
        reader = self.query_one(Reader)
        if direction > 0:
            reader.scroll_page_down()
        else:
            reader.scroll_page_up()

    def action_back(self) -> None:
        article_list = self.query_one(ArticleList)
        if not article_list.has_focus:
            article_list.focus()
        elif self.current_view != ALL:
            self._apply_view(ALL, keep=article_list.current)
            self._refresh_counts()
