"""``r``: the articles most related to the one being read; Enter opens one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from aireader.core.article import Article
from aireader.core.text import neutralise_line
from aireader.ui.palette import muted_style
from aireader.ui.screens.links import ListModal


def related_label(
    number: int, article: Article, shared: Sequence[str], muted: Style | str = "dim"
) -> Table:
    """The title after its number, and under it what it shares with the one being
    read: ``2024-04-20 · sora, openai``; a long title wraps under itself."""
    body = Text(neutralise_line(article.title))
    about = [article.date.day().isoformat()] if article.date is not None else []
    if shared:
        about.append(neutralise_line(", ".join(shared)))
    if about:
        body.append("\n")
        body.append(" · ".join(about), muted)
    label = Table.grid(padding=(0, 2))
    label.add_column(justify="right", style="bold", no_wrap=True)
    label.add_column(ratio=1)
    label.add_row(str(number), body)
    return label


class RelatedScreen(ListModal[Article | None]):
    """The related articles of one article; Enter returns the chosen one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,r", "dismiss", "Close", id="related.close"),
        Binding("j", "cursor('down')", "Down", show=False, id="related.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="related.up"),
    ]

    def __init__(self, article: Article, found: Sequence[Article], terms: Sequence[str]) -> None:
        super().__init__()
        self.article = article
        self.found = list(found)
        self.terms = [t.casefold() for t in terms]

    def compose(self) -> ComposeResult:
        with Vertical(id="related-body") as body:
            body.border_title = Text(neutralise_line(f"Related to {self.article.title}")[:80])
            body.border_subtitle = "Enter: open · Escape: close"
            if not self.found:
                yield Static(
                    "Nothing in the library shares this article's tags or key terms.",
                    id="related-none",
                )
            else:
                yield OptionList(
                    *(
                        Option(
                            related_label(
                                n, a, self._shared(a), muted_style(self.app.theme_variables)
                            )
                        )
                        for n, a in enumerate(self.found, 1)
                    ),
                    id="related-list",
                )

    def _shared(self, other: Article) -> list[str]:
        """The terms both articles have among their tags and topics."""
        theirs = {t.casefold() for t in (*other.tags, *other.topics)}
        return [t for t in self.terms if t in theirs][:4]

    def on_mount(self) -> None:
        if self.found:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.found[event.option_index])
