"""``l``: the article's links, numbered, like newsboat's link view.

Enter (or the link's number) opens it in the browser, ``y`` copies it. Only web
and mail links are handed to the browser; any other can still be copied.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ScreenResultType
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from aireader.core.article import Article, Format
from aireader.core.links import Link, links
from aireader.ui.palette import muted_style
from aireader.ui.screens.popup import Popup

NUMBER_PAUSE = 0.8
"""Seconds to wait for a second digit of a link number."""


def link_label(number: int, link: Link, muted: Style | str = "dim") -> Text:
    """``3  image: a chart · https://example.com/chart.png``."""
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append(f"{number:>3}  ", "bold")
    if link.image:
        label.append("image: ", "italic")
    if link.text:
        label.append(link.text, "bold")
        label.append(" · ", muted)
    label.append(link.url)  # plain: a quiet colour falls under 4.5:1 on the highlight
    return label


class ListModal(Popup[ScreenResultType]):
    """A modal list: ``j``/``k`` move in its :class:`OptionList` as the arrows do."""

    def action_cursor(self, direction: str) -> None:
        options = self.query_one(OptionList)
        if direction == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()


class LinksScreen(ListModal[None]):
    """The links of one article; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,l", "dismiss", "Close", id="links.close"),
        Binding("y", "copy", "Copy link", id="links.copy"),
        Binding("j", "cursor('down')", "Down", show=False, id="links.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="links.up"),
    ]

    def __init__(self, article: Article, root: Path) -> None:
        super().__init__()
        self.article = article
        self.root = root
        self.links: list[Link] = []
        self._typed = ""
        """Digits of a link number typed so far."""
        self._typing: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="links-body") as body:
            body.border_title = Text(f"Links in {self.article.title}"[:70])
            body.border_subtitle = "Enter or its number: open · y: copy · Escape: close"
            yield Static("Reading the article…", id="links-none")
            yield OptionList(id="links-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).display = False
        self._read()

    @work(thread=True, exclusive=True)
    def _read(self) -> None:
        from aireader.core.parse import parse_file

        fresh = parse_file(self.article.path, self.root, derive=False)
        if isinstance(fresh, Article):
            found = links(fresh.body, fresh.format is Format.MARKDOWN, self.article.link)
            note = "This article has no links."
        else:
            found = links("", source=self.article.link)
            note = f"The file cannot be read now: {fresh.reason}"
        self.app.call_from_thread(self._show, found, note)

    def _show(self, found: list[Link], note: str) -> None:
        self.links = found
        if not found:
            self.query_one("#links-none", Static).update(Text(note))
            return
        self.query_one("#links-none").display = False
        options = self.query_one(OptionList)
        options.add_options(
            Option(link_label(n, link, muted_style(self.app.theme_variables)))
            for n, link in enumerate(found, 1)
        )
        options.display = True
        options.highlighted = 0
        options.focus()

    def _chosen(self) -> Link | None:
        index = self.query_one(OptionList).highlighted
        return self.links[index] if index is not None and index < len(self.links) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(self.links[event.option_index])

    def on_key(self, event: Key) -> None:
        """A link's number opens it: ``1``, or ``1`` ``2`` for the twelfth, as typed.

        The number is taken when no further digit could make another link's
        number, or a moment after the last digit."""
        if not (event.character and event.character.isdigit()):
            return
        event.stop()
        typed = self._typed + event.character
        if not typed.lstrip("0") or int(typed) > len(self.links):
            self._typed = ""
            self.notify(f"There is no link {typed}.", timeout=3)
            return
        self._typed = typed
        self.query_one(OptionList).highlighted = int(typed) - 1
        if self._typing is not None:
            self._typing.stop()
        if int(typed) * 10 > len(self.links):
            self._take_number()
        else:
            self._typing = self.set_timer(NUMBER_PAUSE, self._take_number)

    def _take_number(self) -> None:
        typed, self._typed = self._typed, ""
        if typed:
            self._open(self.links[int(typed) - 1])

    def _open(self, link: Link) -> None:
        if not link.openable:
            self.notify(f"Not opening {link.url[:80]}: only web links are opened; y copies it.")
            return
        self.dismiss()
        self.app.open_url(link.url)  # it says "Opening", or why it could not

    def action_copy(self) -> None:
        link = self._chosen()
        if link is None:
            self.notify("No link to copy.", timeout=3)
            return
        self.app.copy_to_clipboard(link.url)
        self.notify(f"Copied {link.url[:100]}", timeout=3)
