"""Search in the app: ``/`` over the list, find in the article, saved searches.

Runs the real app headless (the harness of ``test_app``) and reads what a person
would see: the rows, the counts, the highlighted words, the sidebar.
"""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment

from aireader.ui.widgets.query_bar import QueryBar
from test_app import (  # the harness of the main app tests
    ALPHA,
    BETA,
    DELTA,
    EPSILON,
    GAMMA,
    TITLES,
    Session,
    Start,
    running,
    write_library,
)


async def settle(s: Session) -> None:
    """Wait out the typing pause and the search worker, as a person waits for the list."""
    await s.pilot.pause(0.2)
    for _ in range(3):
        busy = [w for w in s.app.workers if w.group in ("search", "saved-counts")]
        if busy:
            await s.app.workers.wait_for_complete(busy)
        await s.pilot.pause()


async def type_text(s: Session, text: str) -> None:
    await s.press(*[{" ": "space"}.get(c, c) for c in text])


def search_bar(s: Session) -> QueryBar:
    return s.screen.query_one("#search", QueryBar)


def find_bar(s: Session) -> QueryBar:
    return s.screen.query_one("#find", QueryBar)


def note(bar: QueryBar) -> str:
    return " ".join(str(bar.query_one(".query-note").render()).split())


def body_lines(s: Session) -> list[list[Segment]]:
    """The reading pane's text, a list of segments a line, as it is drawn."""
    body = s.reader.body
    return [list(body.render_line(y)) for y in range(body.line_count)]


def highlighted(segments: list[Segment], plain_style_of: str) -> set[str]:
    """Texts of segments styled differently from the segment holding ``plain_style_of``."""
    base = next(seg.style for seg in segments if plain_style_of in seg.text)
    return {seg.text for seg in segments if seg.text.strip() and seg.style != base}


async def test_slash_filters_the_list_as_you_type_and_counts(start: Start) -> None:
    async with start() as s:
        await s.press("slash")
        assert search_bar(s).display
        assert s.app.focused is search_bar(s).input
        await type_text(s, "policy")
        await settle(s)
        assert s.list_titles() == [GAMMA]
        assert note(search_bar(s)) == "1 found"
        assert s.articles.border_subtitle == "1"
        assert "policy" in s.articles.border_title
        await s.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
        await type_text(s, "sora-ai OR chip")
        await settle(s)
        assert set(s.list_titles()) == {ALPHA, BETA, DELTA}
        assert note(search_bar(s)) == "3 found"


async def test_title_words_are_highlighted_in_the_list(start: Start) -> None:
    async with start() as s:
        await s.press("slash")
        await type_text(s, "model")
        await settle(s)
        assert s.list_titles() == [BETA]
        strip = s.articles.render_line(0)
        assert "model" in highlighted(list(strip), "Beta")


async def test_enter_goes_to_the_best_match_and_reading_highlights_the_words(start: Start) -> None:
    async with start() as s:
        await s.press("slash")
        await type_text(s, "brief")
        await settle(s)
        await s.press("enter")
        assert s.app.focused is s.articles
        assert s.articles.current is not None and s.articles.current.title == GAMMA
        await s.press("enter")
        assert s.reader.article is not None and s.reader.article.title == GAMMA
        line = next(line for line in body_lines(s) if "brief" in "".join(s.text for s in line))
        assert "brief" in highlighted(line, "A ")


async def test_escape_clears_the_search_and_keeps_the_cursor_on_its_article(start: Start) -> None:
    async with start() as s:
        await s.press("slash")
        await type_text(s, "openai")
        await settle(s)
        assert set(s.list_titles()) == {ALPHA, GAMMA}
        await s.press("enter", "j")
        current = s.articles.current
        assert current is not None
        await s.press("escape")
        assert s.list_titles() == TITLES
        assert not search_bar(s).display
        assert s.articles.current is current
        assert s.articles.border_title == "All"
        # Escape in the box itself clears it too.
        await s.press("slash")
        await type_text(s, "alpha")
        await settle(s)
        assert s.list_titles() == [ALPHA]
        await s.press("escape")
        assert s.list_titles() == TITLES
        assert s.app.focused is s.articles


async def test_a_bad_query_says_why_and_keeps_the_last_good_result(start: Start) -> None:
    async with start() as s:
        await s.press("slash")
        await type_text(s, "tag:openai")
        await settle(s)
        assert set(s.list_titles()) == {ALPHA, GAMMA}
        await type_text(s, ' "unclosed')
        await settle(s)
        assert "unclosed quote" in note(search_bar(s))
        assert set(s.list_titles()) == {ALPHA, GAMMA}
        await s.press("ctrl+u")
        await type_text(s, "colour:red")
        await settle(s)
        assert "unknown field 'colour:'" in note(search_bar(s))
        assert set(s.list_titles()) == {ALPHA, GAMMA}


async def test_search_works_within_the_view_picked_in_the_sidebar(start: Start) -> None:
    async with start() as s:
        await s.press("t")
        while s.sidebar.highlighted_option is None or s.sidebar.highlighted_option.id != (
            "tag:openai"
        ):
            await s.press("j")
        assert set(s.list_titles()) == {ALPHA, GAMMA}
        await s.press("slash")
        await type_text(s, "brief OR launch OR beta")
        await settle(s)
        assert set(s.list_titles()) == {ALPHA, GAMMA}  # beta is not tagged openai
        assert "#openai" in s.articles.border_title


async def test_fields_and_state_in_the_app(start: Start) -> None:
    async with start() as s:
        await s.press("enter")  # Alpha is read now
        await s.press("escape", "slash")
        await type_text(s, "is:unread after:2024-06-03")
        await settle(s)
        assert s.list_titles() == [BETA, GAMMA]


async def test_find_in_the_article_with_n_and_N(start: Start) -> None:
    async with start() as s:
        await s.press("j", "j", "j", "enter")
        assert s.reader.article is not None and s.reader.article.title == DELTA
        await s.press("slash")
        assert find_bar(s).display and s.app.focused is find_bar(s).input
        await type_text(s, "delta")
        await settle(s)
        assert note(find_bar(s)) == "1 of 40"
        await s.press("enter")
        assert s.app.focused is s.reader
        top = s.reader.scroll_offset.y
        for _ in range(20):
            await s.press("n")
        assert note(find_bar(s)) == "21 of 40"
        assert s.reader.scroll_offset.y > top  # the view followed the match
        shown = s.text(s.reader)
        assert "Paragraph 21 of the delta" in shown
        await s.press("N", "N")
        assert note(find_bar(s)) == "19 of 40"
        await s.press("escape")  # ends the find; n is "next unread" again
        assert not find_bar(s).display
        await s.press("n")
        assert s.reader.article is not None and s.reader.article.title == EPSILON


async def test_find_in_a_plain_text_article_highlights_the_words(start: Start) -> None:
    async with start() as s:
        await s.press("G", "enter")
        assert s.reader.article is not None and s.reader.article.title == EPSILON
        await s.press("slash")
        await type_text(s, "front matter")
        await settle(s)
        assert note(find_bar(s)) == "1 of 1"  # one line holds the phrase: n goes line by line
        lines = body_lines(s)
        marked = set().union(
            *(
                highlighted(line, "A ")
                for line in lines
                if "A " in "".join(seg.text for seg in line)
            )
        )
        assert {"front", "matter"} <= marked


async def test_saving_a_search_puts_it_in_the_sidebar_and_it_survives_a_restart(
    folder: Path, state_path: Path
) -> None:
    async with running(folder, state_path) as s:
        await s.press("slash")
        await type_text(s, "tag:sora-ai")
        await settle(s)
        await s.press("enter", "S")
        await s.pilot.pause()
        await s.press("ctrl+u")
        await type_text(s, "Sora stuff")
        await s.press("enter")
        await settle(s)
        sidebar = s.text(s.sidebar)
        assert "⌕ Sora stuff" in sidebar
        row = next(line for line in sidebar.splitlines() if "Sora stuff" in line)
        assert "2/2" in row  # two hits, both unread
        await s.press("escape", "enter")  # read Alpha: the count follows
        await s.pilot.pause(0.7)
        await settle(s)
        row = next(line for line in s.text(s.sidebar).splitlines() if "Sora stuff" in line)
        assert "1/2" in row
    async with running(folder, state_path) as s:
        await settle(s)
        assert "⌕ Sora stuff" in s.text(s.sidebar)
        await s.press("t")
        while s.sidebar.highlighted_option is None or s.sidebar.highlighted_option.id != (
            "saved:Sora stuff"
        ):
            await s.press("j")
        await settle(s)
        assert set(s.list_titles()) == {ALPHA, BETA}
        assert search_bar(s).display and search_bar(s).text == "tag:sora-ai"
        # Another view: the saved search no longer applies.
        await s.press("g")
        await settle(s)
        assert s.list_titles() == TITLES
        assert not search_bar(s).display


async def test_deleting_a_saved_search_from_the_sidebar(folder: Path, state_path: Path) -> None:
    async with running(folder, state_path) as s:
        s.store.save_search("Policy", "policy")
        s.screen.saved = s.store.saved_searches()
        s.screen._refresh_counts()
        await s.press("t")
        while s.sidebar.highlighted_option is None or s.sidebar.highlighted_option.id != (
            "saved:Policy"
        ):
            await s.press("j")
        await settle(s)
        assert s.list_titles() == [GAMMA]
        await s.press("d")
        await settle(s)
        assert "Policy" not in s.text(s.sidebar)
        assert s.store.saved_searches() == []
        assert s.list_titles() == TITLES


async def test_s_without_a_search_says_how(start: Start) -> None:
    async with start() as s:
        await s.press("S")
        assert any("Search first" in n for n in s.notes)


async def test_accents_and_chinese_are_found_in_the_app(tmp_path: Path, state_path: Path) -> None:
    folder = write_library(
        tmp_path / "mixed",
        {
            "pt.md": "---\ntitle: Notícias\n---\n\nA inteligência artificial avança.\n",
            "zh.md": "---\ntitle: 新闻\n---\n\n阿里巴巴发布视频生成模型。\n",
            "en.md": "---\ntitle: News\n---\n\nNothing to see.\n",
        },
    )
    async with running(folder, state_path) as s:
        await s.press("slash")
        await type_text(s, "inteligencia")
        await settle(s)
        assert s.list_titles() == ["Notícias"]
        await s.press("ctrl+u")
        await type_text(s, "视频")
        await settle(s)
        assert s.list_titles() == ["新闻"]


async def test_a_new_file_that_matches_joins_the_results(folder: Path, state_path: Path) -> None:
    async with running(folder, state_path) as s:
        await s.press("slash")
        await type_text(s, "policy")
        await settle(s)
        assert s.list_titles() == [GAMMA]
        (folder / "zeta.md").write_text(
            "---\ntitle: Zeta policy memo\ndate: 2024-06-06\n---\n\nMore policy.\n"
        )
        for _ in range(60):
            await s.pilot.pause(0.1)
            await settle(s)
            if "Zeta policy memo" in s.list_titles():
                break
        assert set(s.list_titles()) == {GAMMA, "Zeta policy memo"}
        assert note(search_bar(s)) == "2 found"


async def test_the_palette_searches_and_saves_a_search(start: Start) -> None:
    async with start() as s:
        await s.press("ctrl+p")
        await type_text(s, "search")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert "Save search" in s.text() and "Search" in s.text()
        await s.press("escape")
        await s.pilot.pause()
        await s.press("slash")
        await type_text(s, "policy")
        await settle(s)
        await s.press("enter", "ctrl+p")
        await type_text(s, "save search")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        await s.press("enter")
        await s.pilot.pause()
        await s.press("ctrl+u")
        await type_text(s, "Policy")
        await s.press("enter")
        await settle(s)
        assert [x.name for x in s.store.saved_searches()] == ["Policy"]
        assert "⌕ Policy" in s.text(s.sidebar)
