"""Contrast as rendered: WCAG ratios read off the strips a widget hands the screen.

:func:`cells` renders a widget through ``Widget.render_lines`` (what Textual's
compositor puts on the terminal, after its colour filters: ``dim`` is already
a blended colour there) and gives each cell's character and colours.
:func:`measure` opens the library of :data:`LIBRARY` in a running app and reads
every element a person reads (list rows, the cursor row, the reading pane's
text, headings, links and code, borders, footer, status bar, sidebar) in one
theme, in three focus states. ``python tests/contrast.py`` prints the worst
ratio of each element over every theme Textual ships.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.color import Color as RichColor
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.app import App
from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget

TEXT = 4.5
"""WCAG 2 AA for text (1.4.3)."""
GRAPHIC = 3.0
"""WCAG 2 AA for the parts of the interface that are not text (1.4.11): borders, marks."""
DISTINCT = 20.0
"""ΔE between a link's colour and the text's, at least: plainly another colour."""

SAMPLER = """\
---
title: Sampler of every block
date: 2024-06-05
author: Ada Writer
url: https://example.com/sampler
tags: [sora ai, text to video, openai]
---

# Heading one

A paragraph of reading text with [a link to the source](https://example.com/source)
and some `inline_code()` between its words.

## Heading two

### Heading three

```python
def answer(question: str) -> int:
    # the answer to everything
    return len("forty-two") * 42
```

| Model | Maker | Year |
|-------|-------|------|
| Sora | OpenAI | 2024 |
| Kling | Kuaishou | 2024 |
| Wan | Alibaba | 2025 |

> A quoted line from somewhere else.

- a bullet point
- another point
"""

LIBRARY = {
    "sampler.md": SAMPLER,
    "unread.md": "---\ntitle: Unread headline here\ndate: 2024-06-04\n"
    "url: https://news.example.org/u\ntags: [policy]\n---\n\nUnread body.\n",
    "read.md": "---\ntitle: Read headline here\ndate: 2024-06-03\n"
    "url: https://other.example.net/r\ntags: [policy]\n---\n\nRead body.\n",
    "kept.md": "---\ntitle: Bookmarked headline\ndate: 2024-06-02\n"
    "tags: [openai]\n---\n\nKept body.\n",
}
"""Newest first in the list: the sampler (opened, so read), unread, read, bookmarked."""


# -- WCAG --------------------------------------------------------------------------------


def luminance(color: Color) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def _lab(color: Color) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""

    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = linear(color.r), linear(color.g), linear(color.b)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def distance(a: Color, b: Color) -> float:
    """How different two colours look: CIE76 ΔE (about 2: just noticeable; 20: plainly)."""
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5


def ratio(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# -- what is rendered --------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    char: str
    fg: Color
    bg: Color
    style: Style


def _truecolor(color: RichColor | None, theme: TerminalTheme, *, foreground: bool) -> Color:
    if color is None:
        color = RichColor.default()
    return Color(*color.get_truecolor(theme, foreground=foreground))


def resolve(style: Style, theme: TerminalTheme) -> tuple[Color, Color]:
    """The colours a terminal with palette ``theme`` shows for ``style``.

    Textual sends true colours (``dim`` already blended in) except in the ANSI
    themes, whose named colours and ``dim`` the terminal resolves: they are
    resolved here with the palette Textual itself uses for them.
    """
    fg = _truecolor(style.color, theme, foreground=True)
    bg = _truecolor(style.bgcolor, theme, foreground=False)
    if style.dim:  # what a terminal does with SGR 2: halfway to the background
        fg = bg.blend(fg, 0.5)
    if style.reverse:
        fg, bg = bg, fg
    return fg, bg


def cells(widget: Widget, theme: TerminalTheme | None = None) -> list[list[Cell]]:
    """``widget`` as the screen shows it (border and padding included), cell by cell."""
    app = widget.app
    if theme is None:
        theme = app.ansi_theme
    width, height = widget.outer_size
    grid: list[list[Cell]] = []
    for strip in widget.render_lines(Region(0, 0, width, height)):
        row: list[Cell] = []
        for segment in strip:
            style = segment.style or Style()
            fg, bg = resolve(style, theme)
            for char in segment.text:
                row.append(Cell(char, fg, bg, style))
        grid.append(row)
    return grid


def text_of(row: list[Cell]) -> str:
    return "".join(cell.char for cell in row)


def find(grid: list[list[Cell]], needle: str) -> list[Cell]:
    """The cells of the first place ``needle`` shows in ``grid`` (empty if nowhere)."""
    for row in grid:
        x = text_of(row).find(needle)
        if x >= 0:
            return row[x : x + len(needle)]
    return []


def row_with(grid: list[list[Cell]], needle: str) -> list[Cell]:
    for row in grid:
        if needle in text_of(row):
            return row
    return []


def ink(found: Iterable[Cell]) -> list[Cell]:
    """The cells that show something: not blanks."""
    return [cell for cell in found if not cell.char.isspace()]


# -- one theme, measured -----------------------------------------------------------------


@dataclass
class Reading:
    """The worst contrast found for one element, and where."""

    element: str
    need: float
    worst: float = 99.0
    where: str = ""
    seen: int = 0

    def add(self, found: Iterable[Cell], where: str, against: Color | None = None) -> None:
        for cell in found:
            value = ratio(cell.fg, against if against is not None else cell.bg)
            self.seen += 1
            if value < self.worst:
                self.worst = value
                self.where = f"{where}: {cell.char!r} {cell.fg.hex} on {cell.bg.hex}"


@dataclass
class Measures:
    theme: str
    readings: dict[str, Reading] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __call__(self, element: str, need: float = TEXT) -> Reading:
        if element not in self.readings:
            self.readings[element] = Reading(element, need)
        return self.readings[element]

    def failures(self, exempt: Container[tuple[str, str]] = ()) -> list[str]:
        """What falls short (or was not found), less the (theme, element) pairs ``exempt``."""
        out = []
        for r in self.readings.values():
            if (self.theme, r.element) in exempt:
                continue
            if not r.seen:
                out.append(f"{self.theme}: {r.element} not found")
            elif r.worst < r.need:
                out.append(f"{self.theme}: {r.element} {r.worst:.2f} < {r.need} ({r.where})")
        return out + [f"{self.theme}: {note}" for note in self.notes]


ELEMENTS: list[tuple[str, float]] = [
    ("list: unread title", TEXT),
    ("list: read title", TEXT),
    ("list: date, origin", TEXT),
    ("list: marks", GRAPHIC),
    ("list: cursor row", TEXT),
    ("list: cursor row, blurred", TEXT),
    ("reader: title", TEXT),
    ("reader: byline", TEXT),
    ("reader: tags", TEXT),
    ("reader: source link", TEXT),
    ("reader: text", TEXT),
    ("reader: headings", TEXT),
    ("reader: link", TEXT),
    ("reader: inline code", TEXT),
    ("reader: code block", TEXT),
    ("reader: table", TEXT),
    ("reader: table rule", GRAPHIC),
    ("reader: quote", TEXT),
    ("border: focused", GRAPHIC),
    ("border: inactive", GRAPHIC),
    ("border: titles", TEXT),
    ("footer: keys", TEXT),
    ("footer: descriptions", TEXT),
    ("status bar", TEXT),
    ("sidebar: entries", TEXT),
    ("sidebar: counts", TEXT),
    ("sidebar: highlight", TEXT),
    ("sidebar: highlight, blurred", TEXT),
]


RULES = "╭╮╰╯─│┌┐└┘━┃┏┓┗┛╴╶╸╺"
"""The characters borders and rules are drawn with."""


def _border_cells(widget: Widget) -> Iterator[tuple[Cell, Color]]:
    """The border's line cells (not its title), each with the colour outside the pane."""
    grid = cells(widget)
    outside = widget.background_colors[0]
    lines = RULES
    for y, row in enumerate(grid):
        for x, cell in enumerate(row):
            edge = y in (0, len(grid) - 1) or x in (0, len(row) - 1)
            if edge and cell.char in lines:
                yield cell, outside


def measure_borders(m: Measures, widget: Widget, element: str) -> None:
    reading = m(element, GRAPHIC)
    for cell, outside in _border_cells(widget):
        reading.add([cell], f"{widget.id} border")  # against the pane
        reading.add([cell], f"{widget.id} border, outside", against=outside)
    if widget.border_title:
        m("border: titles").add(
            ink(find(cells(widget), str(widget.border_title))), f"{widget.id} title"
        )


def measure_list(m: Measures, articles: Widget, focused: bool) -> None:
    """The list with the cursor on the sampler (read), then on the unread one."""
    from aireader.ui.widgets.article_list import ArticleList

    assert isinstance(articles, ArticleList)
    grid = cells(articles)
    cursor = "list: cursor row" if focused else "list: cursor row, blurred"
    titles = {
        "Sampler of every block": "list: read title",
        "Unread headline here": "list: unread title",
        "Read headline here": "list: read title",
        "Bookmarked headline": "list: unread title",
    }
    current = articles.current.title if articles.current else ""
    for title, element in titles.items():
        row = row_with(grid, title)
        if not row:
            m.notes.append(f"no list row for {title!r}")
            continue
        inner = row[1:-1]  # inside the border
        target = cursor if title == current else element
        m(target).add(ink(find([inner], title)), f"row {title!r}")
        x = text_of(inner).find(title) + len(title)
        meta = ink(inner[x:])  # the language, progress, origin and date
        m(cursor if title == current else "list: date, origin").add(meta, f"row {title!r} meta")
        marks = [c for c in inner[: text_of(inner).find(title)] if c.char in "●★"]
        m("list: marks", GRAPHIC).add(marks, f"row {title!r} marks")


def measure_reader(m: Measures, reader: Widget) -> None:
    header = cells(reader.query_one("#header"))
    m("reader: title").add(ink(find(header, "Sampler of every block")), "header title")
    m("reader: byline").add(ink(find(header, "by Ada Writer")), "header byline")
    for tag in ("#sora ai", "#text to video", "#openai"):  # beside the byline, maybe wrapped
        m("reader: tags").add(ink(find(header, tag)), "header tags")
    m("reader: source link").add(ink(find(header, "https://example.com/sampler")), "header link")
    grid = cells(reader.query_one("#body"))
    for heading in ("Heading one", "Heading two", "Heading three"):
        m("reader: headings").add(ink(find(grid, heading)), heading)
    m("reader: quote").add(ink(find(grid, "A quoted line")), "quote")
    link = find(grid, "a link to the")
    code = find(grid, "inline_code()")
    m("reader: link").add(ink(link), "link")
    m("reader: inline code").add(ink(code), "inline code")
    words = find(grid, "paragraph of reading")
    m("reader: text").add(ink(words), "paragraph")
    m("reader: text").add(ink(find(grid, "a bullet point")), "list item")
    if link and words and distance(link[0].fg, words[0].fg) < DISTINCT:
        m.notes.append(
            f"links look like the text: {link[0].fg.hex} beside {words[0].fg.hex} "
            f"(ΔE {distance(link[0].fg, words[0].fg):.0f} < {DISTINCT})"
        )
    for line in ("def answer", "# the answer", 'return len("forty-two")'):
        m("reader: code block").add(ink(find(grid, line)), "code block")
    for row in grid:
        if any(name in text_of(row) for name in ("Model", "Sora", "Kling", "Wan")):
            m("reader: table").add([c for c in ink(row) if c.char not in RULES], "table row")
        elif set(text_of(row).strip()) <= set(RULES) and text_of(row).strip():
            m("reader: table rule", GRAPHIC).add(ink(row), "table rule")


def measure_footer(m: Measures, bar: Widget) -> None:
    from aireader.ui.widgets.key_bar import KeyBar

    assert isinstance(bar, KeyBar)
    row = cells(bar)[0]
    app = bar.app
    for start, end, _key, binding in bar._keys:
        shown = app.get_key_display(binding)
        item = row[start:end]
        at = text_of(item).find(shown)
        m("footer: keys").add(ink(item[at : at + len(shown)]), f"key {shown}")
        m("footer: descriptions").add(ink(item[at + len(shown) :]), f"key {shown} text")


def measure_sidebar(m: Measures, sidebar: Widget, focused: bool) -> None:
    grid = cells(sidebar)
    highlight = "sidebar: highlight" if focused else "sidebar: highlight, blurred"
    for name in ("All", "Unread", "Bookmarked", "openai", "policy"):
        row = row_with(grid, f" {name} ")
        if not row:
            m.notes.append(f"no sidebar entry {name!r}")
            continue
        inner = row[1:-1]
        text = text_of(inner)
        at = text.find(name)
        label, counts = inner[: at + len(name)], inner[at + len(name) :]
        if name == "All":  # the view shown: highlighted
            m(highlight).add(ink(inner), "sidebar All")
        else:
            m("sidebar: entries").add(ink(label), f"sidebar {name}")
            m("sidebar: counts").add(ink(counts), f"sidebar {name} counts")


async def measure(app: App[None], wait: Callable[[], Awaitable[object]], theme: str) -> Measures:
    """Switch ``app`` to ``theme`` and read every element in three focus states:
    the list focused (cursor on a read, then on an unread row), the reading pane
    focused, the sidebar focused. ``wait`` lets the app draw (``pilot.pause``)."""
    from aireader.ui.screens.main import MainScreen
    from aireader.ui.widgets.article_list import ArticleList
    from aireader.ui.widgets.key_bar import KeyBar
    from aireader.ui.widgets.reader import Reader
    from aireader.ui.widgets.status_bar import StatusBar
    from aireader.ui.widgets.tag_sidebar import TagSidebar

    screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
    articles = screen.query_one(ArticleList)
    reader = screen.query_one(Reader)
    sidebar = screen.query_one(TagSidebar)
    tags, lst = screen.query_one("#tags"), screen.query_one("#articles")
    m = Measures(theme)
    for element, need in ELEMENTS:
        m(element, need)

    app.theme = theme
    articles.focus()
    articles.cursor = 0
    await wait()
    await wait()
    measure_list(m, articles, focused=True)
    measure_reader(m, reader)
    measure_footer(m, screen.query_one(KeyBar))
    status = screen.query_one(StatusBar)
    for part in status.children:
        m("status bar").add(ink(c for row in cells(part) for c in row), "status bar")
    measure_sidebar(m, sidebar, focused=False)
    measure_borders(m, lst, "border: focused")
    measure_borders(m, tags, "border: inactive")
    measure_borders(m, reader, "border: inactive")

    articles.cursor = 1  # an unread row under the cursor
    await wait()
    measure_list(m, articles, focused=True)

    reader.focus()
    await wait()
    measure_list(m, articles, focused=False)
    articles.cursor = 0
    await wait()
    measure_list(m, articles, focused=False)
    measure_borders(m, reader, "border: focused")
    measure_borders(m, lst, "border: inactive")

    sidebar.focus()
    await wait()
    measure_sidebar(m, sidebar, focused=True)
    measure_borders(m, tags, "border: focused")
    articles.focus()
    await wait()
    return m


def write_library(folder: Path) -> Path:
    for name, text in LIBRARY.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def table(all_measures: list[Measures]) -> str:
    """The worst ratio of each element over every theme, and which theme it was."""
    lines = [f"{'element':32} {'need':>5} {'worst':>6}  theme (failing themes)"]
    for element, need in ELEMENTS:
        worst = min(
            (m.readings[element] for m in all_measures if element in m.readings),
            key=lambda r: r.worst,
        )
        theme = next(m.theme for m in all_measures if m.readings.get(element) is worst)
        failing = sum(1 for m in all_measures if m.readings[element].worst < need)
        lines.append(
            f"{element:32} {need:>5} {worst.worst:>6.2f}  {theme} ({failing})  {worst.where}"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # python tests/contrast.py [--fresh] [THEME...]
    import asyncio
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    from aireader.core.config import Settings
    from test_app import running

    async def sweep(themes: list[str], fresh: bool) -> list[Measures]:
        """One app switched through ``themes`` or, ``fresh``, an app started in each."""
        results: list[Measures] = []
        runs = [[theme] for theme in themes] if fresh else [themes]
        for run in runs:
            tmp = Path(tempfile.mkdtemp())
            folder = write_library(tmp / "library")
            settings = Settings(theme=run[0])
            async with running(folder, tmp / "state.sqlite3", (160, 50), settings) as s:
                await s.press("enter")  # open the sampler
                await s.press("escape", "j", "j", "m", "j", "b", "g")  # one read, one kept
                for theme in run:
                    results.append(await measure(s.app, s.pilot.pause, theme))
        return results

    def main() -> None:
        args = sys.argv[1:]
        fresh = "--fresh" in args
        themes = [a for a in args if not a.startswith("--")] or sorted(App().available_themes)
        results = asyncio.run(sweep(themes, fresh))
        print(table(results))
        for m in results:
            for failure in m.failures():
                print(failure)

    main()
