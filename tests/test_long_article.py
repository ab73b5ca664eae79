"""A long article opens at once: its opening shows, the rest follows, and the pane
scrolls to its end."""

from __future__ import annotations

from pathlib import Path

from aireader.core.store import Store
from aireader.ui.app import ReaderApp
from aireader.ui.widgets.article_text import ArticleText
from aireader.ui.widgets.reader import Reader


def long_markdown(paragraphs: int) -> str:
    body = "\n\n".join(
        f"Paragraph {i} of the long read, with *emphasis* and a [link](https://example.org/{i})."
        for i in range(paragraphs)
    )
    front = "---\ntitle: A long read\ndate: 2024-01-01\n---\n\n"
    return f"{front}Opening words here.\n\n{body}\n\nThe last words.\n"


async def test_a_long_article_is_shown_whole_as_lines(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    text = long_markdown(4000)
    assert len(text) > 200_000
    (folder / "long.md").write_text(text)
    store = Store.open(tmp_path / "state.sqlite3")
    app = ReaderApp(folder, store)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            reader = app.screen.query_one(Reader)
            long_text = reader.query_one("#body", ArticleText)
            assert long_text.display
            lines = ["".join(seg.text for seg in long_text.render_line(y)) for y in range(8)]
            assert any("Opening words here." in line for line in lines), lines
            assert "[link]" not in "".join(lines)  # rendered as Markdown, not shown raw
            assert long_text.line_count > 4000  # every paragraph is there
            await pilot.press("G")
            await pilot.pause()
            assert reader.scroll_y > 4000
            assert reader.scroll_y == reader.max_scroll_y
            last = [
                "".join(seg.text for seg in long_text.render_line(y))
                for y in range(long_text.line_count - 5, long_text.line_count)
            ]
            assert any("The last words." in line for line in last), last
    finally:
        app.writer.close()
        store.close()
