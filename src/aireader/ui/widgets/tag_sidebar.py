"""The sidebar: the user's libraries (when there are several), All, Unread, Bookmarked,
saved searches, the library's folders (its sources), then every tag; each with counts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from aireader.core.library import TagGroup
from aireader.core.record import Record
from aireader.core.views import ALL, BOOKMARKED, UNREAD, Counts, View

MAX_FOLDERS = 40
"""Top-level folders listed as sources at most (more: none are listed)."""

SavedCount = tuple[int, int]
"""A saved search's hits and unread hits."""


class LibraryEntry(Record):
    """One of the user's library folders, as the sidebar lists it."""

    __slots__ = ("counts", "current", "name")
    name: str
    counts: SavedCount | None
    """Articles and unread articles; None while not yet counted."""
    current: bool

    def __init__(self, name: str, counts: SavedCount | None, current: bool) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "current", current)


def _prompt(
    width: int, name: str, total: int | None, unread: int | None = None, unknown: str = "…"
) -> Text:
    """``name`` on the left, the counts on the right, on one line of ``width`` cells
    (``unknown`` in place of counts not known yet)."""
    numbers = Text(f"{total:,}" if total is not None else unknown)
    if unread and total is not None:
        numbers = Text.assemble((f"{unread:,}", "bold"), "/", f"{total:,}")
    label = Text(name, no_wrap=True, overflow="ellipsis")
    room = max(1, width - numbers.cell_len - 1)
    label.truncate(room, overflow="ellipsis", pad=True)
    return Text.assemble(label, " ", numbers, no_wrap=True)


class TagSidebar(OptionList):
    """Pick a view; moving the highlight changes the article list at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="tags.down"),
        Binding("k", "cursor_up", "Up", show=False, id="tags.up"),
        Binding("g", "first", "Top", show=False, id="tags.top"),
        Binding("G", "last", "Bottom", show=False, id="tags.bottom"),
        Binding(
            "d,delete",
            "delete_saved",
            "Delete",
            show=False,
            id="tags.delete_saved",
            tooltip="Delete the saved search under the cursor",
        ),
    ]

    class DeleteSaved(Message):
        """The user asked to delete the saved search under the cursor."""

    class Picked(Message):
        """The highlighted view changed."""

        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TagSidebar.Picked)

    _last: (
        tuple[
            Counts,
            list[TagGroup],
            list[tuple[str, SavedCount | None]],
            list[LibraryEntry],
            list[TagGroup],
        ]
        | None
    ) = None

    def action_delete_saved(self) -> None:
        option = self.highlighted_option
        if option is not None and option.id and option.id.startswith("saved:"):
            self.post_message(self.DeleteSaved())

    def update_views(
        self,
        counts: Counts,
        groups: list[TagGroup],
        current: View,
        saved: list[tuple[str, SavedCount | None]] | None = None,
        libraries: list[LibraryEntry] | None = None,
        topics: list[TagGroup] | None = None,
    ) -> None:
        """Rebuild the entries with fresh counts, keeping the highlight on ``current``.

        Plain one-line prompts, padded to the sidebar's width: cheap to measure,
        even with hundreds of tags.
        """
        saved = saved or []
        libraries = libraries or []
        topics = topics or []
        self._last = (counts, groups, saved, libraries, topics)
        width = max(8, (self.scrollable_content_region.width or 24) - 2)  # less the option padding
        options: list[Option | None] = []
        for n, library in enumerate(libraries):  # the libraries first: each a source
            total, unread = library.counts if library.counts is not None else (None, None)
            name = ("▸ " if library.current else "  ") + library.name
            # A library not opened yet has no cache to count from: no count, not "…".
            option = Option(_prompt(width, name, total, unread, unknown=""), id=f"library:{n}")
            options.append(option)
        if libraries:
            options.append(None)
        options += [
            Option(_prompt(width, "All", counts.articles, counts.unread), id=ALL.id),
            Option(_prompt(width, "Unread", counts.unread), id=UNREAD.id),
            Option(_prompt(width, "Bookmarked", counts.bookmarked), id=BOOKMARKED.id),
        ]
        if saved:
            options.append(None)
        for name, found in saved:
            total, unread = found if found is not None else (None, None)
            options.append(Option(_prompt(width, f"⌕ {name}", total, unread), id=f"saved:{name}"))
        # A library's folders are its sources when there are a few of them; a
        # thousand numbered folders are storage, not sources (in: still finds them).
        folders = counts.folder_total if len(counts.folder_total) <= MAX_FOLDERS else {}
        if folders:
            options.append(None)
        for folder in sorted(folders, key=str.casefold):
            total, unread = counts.folder_total[folder], counts.folder_unread.get(folder, 0)
            options.append(
                Option(_prompt(width, f"{folder}/", total, unread), id=View("folder", folder).id)
            )
        if groups:
            options.append(None)
        for group in groups:
            total = counts.tag_total.get(group.key, 0)
            unread = counts.tag_unread.get(group.key, 0)
            options.append(
                Option(_prompt(width, group.name, total, unread), id=View("tag", group.key).id)
            )
        if topics:
            # Derived from the text, never mixed with the author's tags: a group of its own.
            options.append(None)
            options.append(Option(Text("Topics (derived)", style="dim italic"), disabled=True))
        for group in topics:
            total = counts.topic_total.get(group.key, 0)
            unread = counts.topic_unread.get(group.key, 0)
            view_id = View("topic", group.key).id
            options.append(Option(_prompt(width, f"~{group.name}", total, unread), id=view_id))
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            try:
                self.highlighted = self.get_option_index(current.id)
            except Exception:  # the tag no longer exists: fall back to All
                self.highlighted = 0

    def on_resize(self) -> None:
        if self._last is not None:
            highlighted = self.highlighted_option
            current = View.from_id(highlighted.id) if highlighted and highlighted.id else ALL
            counts, groups, saved, libraries, topics = self._last
            self.update_views(counts, groups, current, saved, libraries, topics)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        # A library opens on Enter only: moving through the list must not load each one.
        if event.option.id and not event.option.id.startswith("library:"):
            self.post_message(self.Picked(View.from_id(event.option.id)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id.startswith("library:"):
            self.post_message(self.Picked(View.from_id(event.option.id)))
        elif event.option.id:
            self.post_message(self.Picked(View.from_id(event.option.id)))
            self.screen.focus_next()
