"""Every theme Textual ships can be read, and a theme picked in the app repaints it all.

Contrast is measured on what is drawn (``tests/contrast.py``: each widget's
rendered strips, WCAG 2 ratios): text at least 4.5:1, borders and marks at least
3:1, links in a colour of their own. One app per batch of themes, switched from
theme to theme as the palette does; one real terminal (the pty harness, reading
cell colours through pyte) for the light theme the issue was about.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.color import Color

from aireader.core.config import Settings
from aireader.ui.palette import contrast, legible
from contrast import (
    GRAPHIC,
    TEXT,
    cells,
    distance,
    find,
    ink,
    measure,
    ratio,
    row_with,
    text_of,
    write_library,
)
from term import Term
from test_app import running

AVAILABLE = App().available_themes
THEMES = sorted(AVAILABLE)
LIGHT = [name for name in THEMES if not AVAILABLE[name].dark]
DARK = [name for name in THEMES if AVAILABLE[name].dark]

EXEMPT = {
    ("ansi-dark", "reader: code block"): "a dim comment, dimmed by the terminal",
    ("ansi-light", "reader: code block"): "the terminal's green, on its white",
}
"""What no colour of the app decides. An ANSI theme draws code in the terminal's
own palette entries (Textual's ANSI highlighting); they are measured here with
the palette Textual assumes, but a terminal has its own."""


def library(tmp_path: Path) -> Path:
    return write_library(tmp_path / "library")


@pytest.mark.parametrize("batch", [LIGHT, DARK], ids=["light themes", "dark themes"])
async def test_every_theme_reads_at_wcag_aa(tmp_path: Path, batch: list[str]) -> None:
    """List rows (read, unread, dates), the cursor row (focused and not), the reading
    pane's title, byline, tags, text, headings, links, inline code, code blocks and
    tables, the pane borders (focused and not), the footer, the status bar and the
    sidebar (entries, counts, highlight): in every theme, as drawn."""
    failures: list[str] = []
    async with running(
        library(tmp_path), tmp_path / "state.sqlite3", (160, 50), Settings(theme=batch[0])
    ) as s:
        await s.press("enter")  # the sampler: every kind of block
        await s.press("escape", "j", "j", "m", "j", "b", "g")  # one read, one bookmarked
        for theme in batch:
            measures = await measure(s.app, s.pilot.pause, theme)
            failures += measures.failures(exempt=EXEMPT)
    assert not failures, "\n".join(failures)


async def test_the_search_bar_reads_in_every_theme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search bar's prompt, the query and its note ("0 found") on the bar's panel."""
    from aireader.ui.widgets import query_bar
    from aireader.ui.widgets.query_bar import QueryBar

    monkeypatch.setattr(query_bar, "DEBOUNCE", 0.001)  # (a 0 s timer divides by 0)
    failures = []
    async with running(library(tmp_path), tmp_path / "state.sqlite3", (120, 30)) as s:
        await s.press("slash", *"zzz")
        for _ in range(3):  # the pause after typing, the search worker, its note
            await s.app.workers.wait_for_complete()
            await s.pilot.pause()
        bar = s.screen.query_one(QueryBar)
        assert "0 found" in s.text(bar)
        for theme in THEMES:
            s.app.theme = theme
            await s.pilot.pause()
            drawn = [c for w in (bar, *bar.query("*")) for row in cells(w) for c in ink(row)]
            low = min(drawn, key=lambda c: ratio(c.fg, c.bg))
            if ratio(low.fg, low.bg) < TEXT:
                failures.append(f"{theme}: {low.char!r} {low.fg.hex} on {low.bg.hex}")
    assert not failures, "\n".join(failures)


def cursor_row(s: Any) -> list[tuple[str, str, str]]:
    """The list's row under the cursor as drawn: each cell's character and colours."""
    title = s.articles.current.title
    return [(c.char, c.fg.hex, c.bg.hex) for c in row_with(cells(s.articles), title)]


async def test_a_theme_picked_in_the_palette_repaints_the_list(tmp_path: Path) -> None:
    """Ctrl+P, Theme, textual-light: the list, its cursor row first, is drawn exactly
    as in an app started in textual-light (the rows used to keep the old colours)."""
    folder = library(tmp_path)
    async with running(
        folder, tmp_path / "fresh.sqlite3", (120, 30), Settings(theme="textual-light")
    ) as s:
        expected = cursor_row(s)
        expected_rows = [text_of(row) for row in cells(s.articles)]
        expected_cells = [[(c.fg, c.bg) for c in row] for row in cells(s.articles)]
    async with running(
        folder, tmp_path / "state.sqlite3", (120, 30), Settings(theme="textual-dark")
    ) as s:
        before = cursor_row(s)
        for keys in (["ctrl+p", *"theme"], ["enter", *"textual-light"], ["enter"]):
            await s.press(*keys)
            await s.app.workers.wait_for_complete()  # the palette searches in a worker
            await s.pilot.pause()
        assert s.app.theme == "textual-light"
        after = cursor_row(s)
        assert after != before
        assert after == expected
        assert [text_of(row) for row in cells(s.articles)] == expected_rows
        assert [[(c.fg, c.bg) for c in row] for row in cells(s.articles)] == expected_cells
        title = find(cells(s.articles), s.articles.current.title)
        assert min(ratio(c.fg, c.bg) for c in title) >= TEXT


def colour(value: str, default: str) -> Color:
    """A pyte cell colour (``"1f1f1f"``, or ``"default"``) as a Color."""
    return Color.parse(f"#{default if value == 'default' else value}")


def term_cells(term: Term, needle: str) -> list[tuple[str, Color, Color]]:
    x, y = term.find(needle)
    out = []
    for n in range(len(needle)):
        char = term.cell(x + n, y)
        fg, bg = colour(char.fg, "ffffff"), colour(char.bg, "000000")
        if char.reverse:
            fg, bg = bg, fg
        out.append((char.data, fg, bg))
    return out


def worst(found: list[tuple[str, Color, Color]]) -> float:
    return min(ratio(fg, bg) for char, fg, bg in found if not char.isspace())


def test_a_light_theme_in_a_real_terminal(tmp_path: Path) -> None:
    """textual-light in a real terminal: the list's titles and dates, the cursor row,
    the article's text and its link, and the borders are legible; after the palette
    switches to solarized-light, the cursor row takes the new theme's colours."""
    folder = library(tmp_path)
    with Term.run("--theme", "textual-light", folder, tmp_path=tmp_path, size=(120, 36)) as t:
        t.wait_for("Bookmarked headline")
        t.settle()
        assert worst(term_cells(t, "Unread headline here")) >= TEXT
        assert worst(term_cells(t, "2024-06-04")) >= TEXT
        cursor = term_cells(t, "Sampler of every block")
        assert worst(cursor) >= TEXT
        screen_bg = colour(t.cell(0, t.height - 1).bg, "000000")  # the footer's
        x, y, _, _ = t.box("All")
        border = t.cell(x, y)
        assert ratio(colour(border.fg, "ffffff"), colour(border.bg, "000000")) >= GRAPHIC
        t.press("enter")
        t.wait_for("a link to the source")
        text = term_cells(t, "A paragraph of reading text")
        link = term_cells(t, "a link to the source")
        assert worst(text) >= TEXT and worst(link) >= TEXT
        assert distance(link[0][1], text[0][1]) >= 20  # a colour of its own
        assert t.cell(*t.find("a link to the source")).underscore
        t.press("escape")
        t.press("ctrl+p")
        t.press(*"theme")
        t.press("enter")
        t.press(*"solarized-light")
        t.press("enter")
        t.wait_for("Bookmarked headline")
        repainted = term_cells(t, "Sampler of every block")
        assert worst(repainted) >= TEXT
        assert {bg for _, _, bg in repainted} != {bg for _, _, bg in cursor}
        assert colour(t.cell(0, t.height - 1).bg, "000000") != screen_bg


async def test_tags_in_the_header_read_one_by_one(start: Callable[..., Any]) -> None:
    """A tag of several words reads as one: ``#Sora AI · #openai``, not ``#Sora AI  #openai``."""
    async with start() as s:
        await s.press("enter")
        assert "#Sora AI · #openai" in s.header()


async def test_a_table_draws_a_rule_under_its_header_only(tmp_path: Path) -> None:
    async with running(
        library(tmp_path), tmp_path / "state.sqlite3", (120, 50), Settings(theme="textual-dark")
    ) as s:
        await s.press("enter")
        lines = [line.strip() for line in s.reader.body.lines_text()]
        top = next(n for n, line in enumerate(lines) if line.startswith("Model"))
        lines = lines[top : top + 5]
        assert lines[0].split() == ["Model", "Maker", "Year"]
        assert set(lines[1]) <= set("─ ") and "─" in lines[1]  # the rule under the header
        # then the rows, one a line: no rule, no blank line between them
        assert [line.split()[0] for line in lines[2:]] == ["Sora", "Kling", "Wan"]


async def test_the_list_keeps_a_gap_before_its_scrollbar(tmp_path: Path) -> None:
    """At 80x24 with more articles than rows, the date stops a cell short of the scrollbar."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1, 41):
        (folder / f"a{n:02}.md").write_text(
            f"---\ntitle: Article {n} with a title long enough to be cut\n"
            f"date: 2024-05-{n % 28 + 1:02}\n---\n\nBody.\n",
            encoding="utf-8",
        )
    async with running(folder, tmp_path / "state.sqlite3", (80, 24)) as s:
        articles = s.articles
        assert articles.show_vertical_scrollbar
        region = articles.region
        scrollbar = region.right - 2  # the column left of the border
        lines = s.lines()[region.y + 1 : region.bottom - 1]
        for line in lines:
            assert line[scrollbar - 1] == " ", line
            assert line[scrollbar - 11 : scrollbar - 1].startswith("2024-05-"), line


def test_legible_keeps_a_readable_colour_and_moves_an_unreadable_one_just_enough() -> None:
    surface = Color.parse("#073642")  # Solarized's
    readable = Color.parse("#eee8d5")
    assert legible(readable, [surface], 4.5) == readable
    dim = Color.parse("#839496")  # 4.1:1 there
    moved = legible(dim, [surface], 4.5)
    assert 4.5 <= contrast(moved, surface) < 4.7
    assert distance(moved, dim) < 10  # still Solarized's grey-blue
    light = Color.parse("#d8d8d8")
    orange = legible(Color.parse("#ffa62b"), [light], 3.0)  # textual-light's accent
    assert contrast(orange, light) >= 3.0 and orange.r > orange.b  # still orange


async def test_the_quiet_text_of_the_pop_ups_reads_in_every_theme(tmp_path: Path) -> None:
    """The help's action names, a link's address in the links list and the skipped
    file's reason are quieter than the text around them, and still 4.5:1 (Rich's dim
    blended them below that in light themes)."""
    from aireader.ui.screens.help import HelpScreen
    from aireader.ui.screens.links import LinksScreen
    from aireader.ui.screens.skipped import SkippedScreen

    folder = library(tmp_path)
    (folder / "broken.md").write_text("---\ntitle: [never closed\n---\n\nNo.\n", encoding="utf-8")
    failures: list[str] = []
    async with running(folder, tmp_path / "state.sqlite3", (120, 40)) as s:
        for theme in THEMES:
            s.app.theme = theme
            await s.pilot.pause()
            quiet: dict[str, list[Any]] = {}
            await s.press("question_mark")
            assert isinstance(s.app.screen, HelpScreen)
            grid = [row for widget in s.app.screen.query("Static") for row in cells(widget)]
            quiet["help: name in [keys]"] = find(grid, "toggle_read")
            await s.press("escape", "l")
            await s.app.workers.wait_for_complete()
            await s.pilot.pause()
            assert isinstance(s.app.screen, LinksScreen)
            grid = cells(s.app.screen.query_one("OptionList"))
            quiet["links: address"] = find(grid, "https://example.com/source")
            await s.press("escape", "exclamation_mark")
            assert isinstance(s.app.screen, SkippedScreen)
            grid = cells(s.app.screen.query_one("OptionList"))
            quiet["skipped: reason"] = find(grid, "broken YAML")
            await s.press("escape")
            for element, found in quiet.items():
                shown = ink(found)
                if not shown:
                    failures.append(f"{theme}: {element} not found")
                elif (worst := min(ratio(c.fg, c.bg) for c in shown)) < TEXT:
                    failures.append(f"{theme}: {element} {worst:.2f} < {TEXT}")
    assert not failures, "\n".join(failures)
