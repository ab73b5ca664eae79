"""The sidebar: the user's libraries (when there are several), All, Unread, Bookmarked,
saved searches, the library's folders (its sources), then every tag; each with counts."""

from __future__ import annotations

from collections.abc import Mapping
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


class _Entry(Record):
    """One line of the sidebar before it is drawn: its name and counts."""

    __slots__ = ("id", "name", "total", "unread")
    id: str
    name: str
    unread: int | None
    """Unread articles; None where the view has no unread count (Unread, Bookmarked)."""
    total: int | str
    """The view's articles, or what stands for a number not known yet."""

    def __init__(self, id: str, name: str, total: int | str, unread: int | None = None) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "unread", unread)


def _number(value: int | str | None) -> str:
    return f"{value:,}" if isinstance(value, int) else (value or "")


def _prompt(entry: _Entry, width: int, unread_width: int, total_width: int) -> Text:
    """``name  unread/total`` on one line of ``width`` cells, the counts in columns
    shared by every line: the unread count (bold; a plain 0 when none), a slash, the
    total. A view without an unread count (Unread, Bookmarked) leaves its column blank.
    (No "dim": Rich's dim blends toward the background and falls under 4.5:1 in the
    light themes; a count that is not bold reads as the quieter one.)"""
    if entry.unread is None:
        counts = Text(" " * (unread_width + 1))
    else:
        style = "bold" if entry.unread else ""
        counts = Text.assemble((_number(entry.unread).rjust(unread_width), style), "/")
    counts.append(_number(entry.total).rjust(total_width))
    label = Text(entry.name, no_wrap=True, overflow="ellipsis")
    label.truncate(max(1, width - counts.cell_len - 1), overflow="ellipsis", pad=True)
    return Text.assemble(label, " ", counts, no_wrap=True)


def _heading(text: str, width: int) -> Text:
    """A group's heading, on one line however narrow the sidebar."""
    heading = Text(text, style="italic", no_wrap=True, overflow="ellipsis")
    heading.truncate(width, overflow="ellipsis")
    return heading


def _library_entry(n: int, library: LibraryEntry) -> _Entry:
    name = ("▸ " if library.current else "  ") + library.name
    if library.counts is None:
        return _Entry(f"library:{n}", name, "")
    total, unread = library.counts
    return _Entry(f"library:{n}", name, total, unread)


def _saved_entry(name: str, found: SavedCount | None) -> _Entry:
    if found is None:  # not counted yet
        return _Entry(f"saved:{name}", f"⌕ {name}", "…")
    return _Entry(f"saved:{name}", f"⌕ {name}", found[0], found[1])


def _group_entries(
    kind: str,
    mark: str,
    groups: list[TagGroup],
    total: Mapping[str, int],
    unread: Mapping[str, int],
) -> list[_Entry]:
    return [
        _Entry(View(kind, g.key).id, f"{mark}{g.name}", total.get(g.key, 0), unread.get(g.key, 0))
        for g in groups
    ]


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
            tooltip="Delete the saved search under the cursor (u brings it back)",
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
        # A library's folders are its sources when there are a few of them; a
        # thousand numbered folders are storage, not sources (in: still finds them).
        folders = counts.folder_total if len(counts.folder_total) <= MAX_FOLDERS else {}
        # Each group after a rule; derived topics under a heading: never mixed with
        # the author's tags.
        sections: list[tuple[str | None, list[_Entry]]] = [
            # The libraries first, each a source. One not opened yet has no cache to
            # count from: no count, not "…".
            (None, [_library_entry(n, library) for n, library in enumerate(libraries)]),
            (
                None,
                [
                    _Entry(ALL.id, "All", counts.articles, counts.unread),
                    _Entry(UNREAD.id, "Unread", counts.unread),
                    _Entry(BOOKMARKED.id, "Bookmarked", counts.bookmarked),
                ],
            ),
            (None, [_saved_entry(name, found) for name, found in saved]),
            (
                None,
                [
                    _Entry(
                        View("folder", folder).id,
                        f"{folder}/",
                        counts.folder_total[folder],
                        counts.folder_unread.get(folder, 0),
                    )
                    for folder in sorted(folders, key=str.casefold)
                ],
            ),
            (None, _group_entries("tag", "", groups, counts.tag_total, counts.tag_unread)),
            (
                "Topics (derived)",
                _group_entries("topic", "~", topics, counts.topic_total, counts.topic_unread),
            ),
        ]
        shown = [entry for _, entries in sections for entry in entries]
        unread_width = max(
            (len(_number(e.unread)) for e in shown if e.unread is not None), default=0
        )
        total_width = max((len(_number(e.total)) for e in shown), default=0)
        width = max(8, self.scrollable_content_region.width or 22)
        options: list[Option | None] = []
        for heading, entries in sections:
            if not entries:
                continue
            if options:
                options.append(None)
            if heading:
                options.append(Option(_heading(heading, width), disabled=True))
            options += [
                Option(_prompt(e, width, unread_width, total_width), id=e.id) for e in entries
            ]
        # While the sidebar has focus its highlight is the user's: a recount (a
        # worker's, a store change's) redraws around it rather than moving it.
        kept = self.highlighted_option if self.has_focus else None
        wanted = kept.id if kept is not None and kept.id else current.id
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            try:
                self.highlighted = self.get_option_index(wanted)
            except Exception:
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
