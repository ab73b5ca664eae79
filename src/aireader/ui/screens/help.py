"""The help screen: every key in force, by where it works."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import key_to_character
from textual.widgets import Static

from aireader.ui.palette import muted_style
from aireader.ui.screens.popup import Popup

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "exclamation_mark": "!",
    "space": "Space",
    "enter": "Enter",
    "escape": "Esc",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "tab": "Tab",
}


def key_name(key: str) -> str:
    """A key as people write it: ``ctrl+d`` → ``Ctrl+D``, ``pagedown`` → ``PgDn``."""
    key = key.strip()
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    *mods, last = key.split("+")
    if not mods:
        character = key_to_character(last)  # slash → /, comma → ,
        return character if character and character.isprintable() else last
    last = KEY_NAMES.get(last, last.upper() if len(last) == 1 else last)
    return "+".join([*(m.capitalize() for m in mods), last])


def _keys(binding: Binding, keymap: dict[str, str]) -> str:
    keys = keymap.get(binding.id or "", binding.key)
    return "  ".join(key_name(k) for k in keys.split(","))


NAMES_APART = 90
"""Cells the table needs to give the names in [keys] a column of their own."""


def key_table(
    keymap: dict[str, str] | None = None,
    width: int = NAMES_APART,
    muted: Style | str = "dim",
) -> Table:
    """The key map as a table, built from the bindings the widgets declare.

    Narrower than :data:`NAMES_APART`, each action's name in [keys] follows what
    it does (dim) rather than standing in a third column, which would squeeze
    the descriptions to a word a line."""
    from aireader.ui.screens.main import MainScreen
    from aireader.ui.widgets.article_list import ArticleList
    from aireader.ui.widgets.reader import Reader
    from aireader.ui.widgets.tag_sidebar import TagSidebar

    keymap = keymap or {}
    apart = width >= NAMES_APART
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    if apart:
        table.add_column(style=muted, no_wrap=True)
    sections = [
        ("Anywhere", MainScreen.BINDINGS),
        ("Article list", ArticleList.BINDINGS),
        ("Reading pane", Reader.BINDINGS),
        ("Tag sidebar", TagSidebar.BINDINGS),
    ]
    first = True
    listed: set[str] = set()
    for title, bindings in sections:
        heading = Text(title, style="underline")
        if apart:
            table.add_row(heading, "", Text("name in [keys]" if first else ""))
        else:
            table.add_row(heading, Text("(name in [keys])", style=muted) if first else "")
        first = False
        for binding in bindings:
            if isinstance(binding, Binding):
                # A key that does two things by context (n) has one name in [keys].
                name = (binding.id or "").removeprefix("main.")
                if binding.id in listed:
                    name = ""
                listed.add(binding.id or "")
                does = Text(binding.tooltip or binding.description)
                if apart:
                    table.add_row(_keys(binding, keymap), does, name)
                else:
                    if name:
                        does.append(f" ({name})", muted)
                    table.add_row(_keys(binding, keymap), does)
        table.add_row("", "")
    table.add_row("Tab / Shift+Tab", "next / previous pane")
    table.add_row("Ctrl+P", "command palette (themes, every action)")
    return table


class HelpScreen(Popup[None]):
    """Keys, on top of the main screen; any of Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="help.bottom"),
        Binding(
            "space,pagedown,ctrl+d",
            "scroll('page_down')",
            "Page down",
            show=False,
            id="help.page_down",
        ),
        Binding("pageup,ctrl+u", "scroll('page_up')", "Page up", show=False, id="help.page_up"),
    ]

    def compose(self) -> ComposeResult:
        # The keys are this screen's: the scrolling box must not take them (its own
        # Home, End, PageUp... would win over g, G and Space otherwise).
        with VerticalScroll(id="help-body", can_focus=False) as body:
            body.border_title = "Keys"
            body.border_subtitle = "j k g G Space: scroll · Escape: close"
            yield Static(self._table(self.app.size.width), id="help-keys")

    def _table(self, screen_width: int) -> Table:
        # The room inside the box: less its border and padding (the app.tcss sizes).
        inside = min(screen_width, 100) - 6
        return key_table(
            getattr(self.app, "keymap_in_force", {}),
            inside,
            muted_style(self.app.theme_variables),
        )

    def on_screen_resume(self) -> None:
        """Shown again (the screen is kept): the keys as the theme and size are now."""
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)
        self.query_one("#help-keys", Static).update(self._table(self.app.size.width))

    def on_resize(self, event: events.Resize) -> None:
        # (Popup's own handler runs too: Textual calls each class's in turn.)
        self.query_one("#help-keys", Static).update(self._table(event.size.width))

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        move = {
            "down": body.scroll_down,
            "up": body.scroll_up,
            "home": body.scroll_home,
            "end": body.scroll_end,
            "page_down": body.scroll_page_down,
            "page_up": body.scroll_page_up,
        }[where]
        move(animate=False)
