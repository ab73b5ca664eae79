"""The footer: the keys in force, on one line, drawn by one widget.

Textual's ``Footer`` makes a widget per key and recomposes them all whenever the
bindings change, which is on every change of focus (Enter, Tab, Escape): the
next frame waited for that. This bar draws the same line from the screen's
active bindings, and only redraws when they change. A click on a key presses it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


@functools.cache
def _declared(owner: type) -> dict[str, int]:
    """Each action bound in ``owner``'s class ``BINDINGS`` (its bases' first), and
    its place there."""
    order: dict[str, int] = {}
    for cls in reversed(owner.__mro__):
        for binding in vars(cls).get("BINDINGS", ()):
            if isinstance(binding, Binding):
                order.setdefault(binding.action, len(order))
    return order


class KeyBar(Widget, can_focus=False):
    """The keys that do something here, each with what it does; the palette's on the right."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[tuple[int, int, str, Binding]] = []
        """Each key drawn: its first cell and the cell after its last, the key, its binding."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def _shown(self) -> tuple[list[tuple[str, Binding, bool]], tuple[str, Binding, bool] | None]:
        """The keys to show (key, binding, enabled), one per action, and the palette's.

        In the order the widgets declare their bindings: a key moved by the user's
        keymap is re-added at the end of Textual's map, where a narrow footer has no
        room left, and the footer would reorder itself by configuration."""
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING
        places: dict[int, int] = {}  # each node's place in the focus chain, as met
        found: list[tuple[tuple[int, int], str, Binding, bool]] = []
        actions: set[str] = set()
        for key, (node, binding, enabled, _tooltip) in active.items():
            if binding.show and binding.action not in actions and key != palette_key:
                actions.add(binding.action)
                declared = _declared(type(node))
                rank = declared.get(binding.action, len(declared))
                found.append(
                    ((places.setdefault(id(node), len(places)), rank), key, binding, enabled)
                )
        found.sort(key=lambda item: item[0])  # stable: ties keep the map's order
        shown = [(key, binding, enabled) for _, key, binding, enabled in found]
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and palette_key in active:
            _node, binding, enabled, _tooltip = active[palette_key]
            palette = (palette_key, binding, enabled)
        return shown, palette

    def _item(self, binding: Binding, enabled: bool, lead: str = " ") -> Text:
        """`` q Quit ``: the key as the app shows it, then what it does."""
        key = self.app.get_key_display(binding)
        item = Text.assemble(
            (f"{lead}{key} ", self.get_component_rich_style("key-bar--key")),
            (f"{binding.description} ", self.get_component_rich_style("key-bar--description")),
        )
        if not enabled:
            item.stylize("dim")
        return item

    def render(self) -> Text:
        width = self.size.width
        shown, palette = self._shown()
        keys: list[tuple[int, int, str, Binding]] = []
        right = Text()
        if palette is not None:
            key, binding, enabled = palette
            item = self._item(binding, enabled, lead="")
            right = Text.assemble(("▏", "dim"), item)  # the bar dim, not the key
            keys.append((width - item.cell_len, width, key, binding))
        line = Text(no_wrap=True, overflow="crop")
        room = width - right.cell_len
        for key, binding, enabled in shown:
            item = self._item(binding, enabled)
            if line.cell_len + item.cell_len > room:
                break  # no room for more: the help screen (?) lists every key
            keys.append((line.cell_len, line.cell_len + item.cell_len, key, binding))
            line.append_text(item)
        line.pad_right(max(0, room - line.cell_len))
        line.append_text(right)
        self._keys = keys
        return line

    def _key_at(self, x: int) -> tuple[str, Binding] | None:
        for start, end, key, binding in self._keys:
            if start <= x < end:
                return key, binding
        return None

    def on_click(self, event: events.Click) -> None:
        found = self._key_at(event.x)
        if found is not None:
            self.app.simulate_key(found[0])

    def on_mouse_move(self, event: events.MouseMove) -> None:
        found = self._key_at(event.x)
        self.tooltip = (found[1].tooltip or found[1].description) if found else None
