"""Issue 6 in the app: settings, remapped keys, undo, links, reading position.

Each test drives the real app with Pilot over the fixture library of
``test_app`` and checks what a person would see, or what is saved.
"""

from __future__ import annotations

import json
from pathlib import Path

from aireader.core.config import Settings, remember_theme, remembered_theme
from aireader.core.index import Index
from aireader.core.store import Store
from aireader.paths import cache_dir
from aireader.ui.screens.help import HelpScreen
from aireader.ui.screens.links import LinksScreen
from aireader.ui.widgets.tag_sidebar import TagSidebar
from test_app import (
    ALPHA,
    ALPHA_LINK,
    BETA,
    DELTA,
    EPSILON,
    GAMMA,
    TITLES,
    Start,
    running,
    write_library,
)

# -- settings --------------------------------------------------------------------------


async def test_a_remapped_key_works_and_the_help_screen_shows_it(
    folder: Path, state_path: Path
) -> None:
    settings = Settings(keys={"main.next_unread": "J", "list.down": "ctrl+n"})
    async with running(folder, state_path, settings=settings) as s:
        for _ in range(40):  # the footer is made after the first frame
            footer = s.text().splitlines()[-1]
            if footer.strip():
                break
            await s.pilot.pause(0.05)
        assert "J Next unread" in footer and "n Next unread" not in footer
        await s.press("n")  # no longer bound
        assert s.reader.article is None
        await s.press("ctrl+n")
        assert s.articles.current is not None and s.articles.current.title == BETA
        await s.press("j")  # list.down was moved to Ctrl+N
        assert s.articles.current.title == BETA
        await s.press("J")
        assert s.reader.article is not None and s.reader.article.title == BETA
        await s.press("question_mark")
        assert isinstance(s.app.screen, HelpScreen)
        help_text = s.text()
        row = next(line for line in help_text.splitlines() if "Next unread article" in line)
        assert "J" in row and "next_unread" in row
        assert "Ctrl+N" in help_text


async def test_an_unknown_action_in_the_keys_is_reported_and_the_rest_applies(
    folder: Path, state_path: Path
) -> None:
    settings = Settings(keys={"main.jump_around": "x", "main.toggle_read": "x"})
    async with running(folder, state_path, settings=settings) as s:
        assert any("no action is called 'jump_around'" in note for note in s.notes)
        await s.press("x")
        assert s.saved(ALPHA).read


async def test_without_mark_read_on_open_opening_leaves_the_article_unread(
    folder: Path, state_path: Path
) -> None:
    async with running(folder, state_path, settings=Settings(mark_read_on_open=False)) as s:
        await s.press("enter")
        assert s.reader.article is not None and s.reader.article.title == ALPHA
        assert not s.saved(ALPHA).read
        assert "5 unread" in s.status()
        await s.press("m")
        assert s.saved(ALPHA).read


async def test_sort_orders_the_list(folder: Path, state_path: Path) -> None:
    async with running(folder, state_path, settings=Settings(sort="oldest")) as s:
        assert s.list_titles() == TITLES[::-1]
    async with running(folder, state_path, settings=Settings(sort="title")) as s:
        assert s.list_titles() == sorted(TITLES)


async def test_the_sidebar_can_start_hidden(folder: Path, state_path: Path) -> None:
    async with running(folder, state_path, settings=Settings(sidebar=False)) as s:
        assert not s.screen.query_one(TagSidebar).display
        assert "sora-ai" not in s.text()
        await s.press("T")
        assert "sora-ai" in s.text()


async def test_date_format_is_used_in_the_list(folder: Path, state_path: Path) -> None:
    async with running(folder, state_path, settings=Settings(date_format="%d/%m/%Y")) as s:
        assert "05/06/2024" in s.row(ALPHA)


async def test_the_theme_setting_and_a_theme_picked_in_the_app(
    folder: Path, state_path: Path, tmp_path: Path
) -> None:
    async with running(folder, state_path, settings=Settings(theme="nord")) as s:
        assert s.app.theme == "nord"
        s.app.theme = "gruvbox"  # as the palette's "Change theme" does
        await s.pilot.pause()
    # The pick is remembered, over the setting it replaced...
    async with running(folder, state_path, settings=Settings(theme="nord")) as s:
        assert s.app.theme == "gruvbox"
    # ...until the setting itself changes.
    async with running(folder, state_path, settings=Settings(theme="dracula")) as s:
        assert s.app.theme == "dracula"


async def test_an_unknown_theme_is_reported_and_the_default_used(
    folder: Path, state_path: Path
) -> None:
    async with running(folder, state_path, settings=Settings(theme="no-such-theme")) as s:
        assert s.app.theme == "textual-dark"
        assert any("theme 'no-such-theme'" in note for note in s.notes)


async def test_problems_with_the_settings_are_shown(folder: Path, state_path: Path) -> None:
    problem = "config.toml line 3: 'sort' must be one of newest, oldest, title"
    async with running(folder, state_path, problems=[problem]) as s:
        assert problem in s.notes


def test_remembered_theme_survives_a_damaged_file(tmp_path: Path) -> None:
    remember_theme(tmp_path, "nord", Settings())
    assert remembered_theme(tmp_path, Settings()) == "nord"
    (tmp_path / "remembered.json").write_text("{not json")
    assert remembered_theme(tmp_path, Settings()) is None
    (tmp_path / "remembered.json").write_text(json.dumps(["nord"]))
    assert remembered_theme(tmp_path, Settings()) is None


# -- undo ------------------------------------------------------------------------------


async def test_u_undoes_read_bookmark_and_all_read_changes_in_turn(start: Start) -> None:
    async with start() as s:
        await s.press("m")  # Alpha read
        await s.press("j", "b")  # Beta bookmarked
        await s.press("A")  # the rest read
        assert all(s.saved(t).read for t in TITLES)
        await s.press("u")  # the all-read is undone, the earlier change kept
        assert s.saved(ALPHA).read
        assert not any(s.saved(t).read for t in (BETA, GAMMA, DELTA, EPSILON))
        assert "Undone" in s.notes[-1] and "4 articles" in s.notes[-1]
        await s.press("u")
        assert not s.saved(BETA).bookmarked
        await s.press("u")
        assert not s.saved(ALPHA).read
        assert "5 unread" in s.status()
        await s.press("u")
        assert s.notes[-1] == "Nothing to undo."


async def test_u_takes_back_the_read_mark_of_opening(start: Start) -> None:
    async with start() as s:
        await s.press("enter")
        assert s.saved(ALPHA).read
        await s.press("u")
        assert not s.saved(ALPHA).read
        assert "●" in s.row(ALPHA)


# -- links -----------------------------------------------------------------------------


LINKED = """---
title: Linked piece
date: 2024-07-01
url: https://example.com/source
---

Read [the paper](https://arxiv.org/abs/1234) and see ![a chart](https://example.com/chart.png).
A bare one: https://example.org/bare. And [a local note](notes/other.md).
"""


async def test_l_lists_numbered_links_and_images_and_opens_or_copies(
    folder: Path, state_path: Path
) -> None:
    (folder / "linked.md").write_text(LINKED, encoding="utf-8")
    async with running(folder, state_path) as s:
        assert s.articles.current is not None and s.articles.current.title == "Linked piece"
        await s.press("enter")
        # An image shows as its alt text and its address.
        shown = s.text(s.reader)
        assert "🖼 a chart" in shown and "‹https://example.com/chart.png›" in shown
        await s.press("l")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert isinstance(s.app.screen, LinksScreen)
        shown = s.text()
        for expected in (
            "1  source · https://example.com/source",
            "2  the paper · https://arxiv.org/abs/1234",
            "3  image: a chart · https://example.com/chart.png",
            "4  https://example.org/bare",
            "5  a local note · notes/other.md",
        ):
            assert expected in shown, shown
        await s.press("j", "y")
        assert s.app.clipboard == "https://arxiv.org/abs/1234"
        await s.press("5")  # not a web link: not opened
        assert s.opened_urls == []
        assert "only web links" in s.notes[-1]
        await s.press("3")
        assert s.opened_urls == ["https://example.com/chart.png"]
        assert not isinstance(s.app.screen, LinksScreen)


async def test_keys_about_the_article_act_on_the_one_being_read_not_the_cursor(
    start: Start,
) -> None:
    """With Alpha open in the reading pane and the list's cursor moved to Beta, the
    keys about "the article" (links, copy, source, related, extract, bookmark, raw
    file) act on Alpha, the article being read; m marks the row under the cursor."""
    from aireader.ui.screens.related import RelatedScreen

    async with start() as s:
        await s.press("enter", "escape", "j")  # Alpha open, back in the list, cursor on Beta
        assert s.reader.article is not None and s.reader.article.title == ALPHA
        assert s.articles.current is not None and s.articles.current.title == BETA
        await s.press("y")
        assert s.app.clipboard == ALPHA_LINK
        await s.press("o")
        assert s.opened_urls == [ALPHA_LINK]
        await s.press("l")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert isinstance(s.app.screen, LinksScreen)
        assert f"source · {ALPHA_LINK}" in s.text()
        await s.press("escape")
        await s.press("r")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert isinstance(s.app.screen, RelatedScreen)
        assert f"Related to {ALPHA}" in s.text()
        await s.press("escape")
        await s.press("s")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert "In short" in s.text(s.reader)  # above Alpha's text, still the one shown
        assert "The alpha launch, in short." in s.text(s.reader)
        await s.press("b")
        assert s.saved(ALPHA).bookmarked and not s.saved(BETA).bookmarked
        await s.press("v")
        assert f"title: {ALPHA}" in s.text(s.reader)  # the file as it is on disk
        await s.press("v")
        assert f"title: {ALPHA}" not in s.text(s.reader)
        s.articles.focus()
        await s.press("m")  # the row under the cursor: marking without opening
        assert s.saved(BETA).read


async def test_y_copies_the_source_link(start: Start) -> None:
    async with start() as s:
        await s.press("y")
        assert s.app.clipboard == ALPHA_LINK
        await s.press("j", "y")
        assert "no source link" in s.notes[-1]


# -- reading position ------------------------------------------------------------------


async def test_the_reading_position_is_kept_shown_and_resumed(
    folder: Path, state_path: Path
) -> None:
    async with running(folder, state_path, size=(140, 30)) as s:
        await s.press("G", "k", "enter")  # Delta: a long article
        assert s.reader.article is not None and s.reader.article.title == DELTA
        assert s.reader.max_scroll_y > 20
        await s.press("space", "space")
        kept = s.reader.scroll_y
        assert kept > 0
        await s.press("escape", "g", "enter")  # another article: the position is written
        assert s.reader.article.title == ALPHA
        state = s.saved(DELTA)
        assert state.progress is not None and 0.05 < state.progress < 0.9
        assert f"{int(state.progress * 100)}%" in s.row(DELTA)
        await s.press("escape", "G", "k", "enter")
        assert s.reader.article.title == DELTA
        await s.pilot.pause()
        assert abs(s.reader.scroll_y - kept) <= 1
    # After a restart too.
    async with running(folder, state_path, size=(140, 30)) as s:
        assert "%" in s.row(DELTA)
        await s.press("G", "k", "enter")
        await s.pilot.pause()
        assert abs(s.reader.scroll_y - kept) <= 1
        # Read to the end: finished, so no progress shows and it opens at the top.
        await s.press("G", "escape", "g", "enter")
        assert s.saved(DELTA).progress is None
        assert "%" not in s.row(DELTA)


async def test_quitting_keeps_the_position(folder: Path, state_path: Path) -> None:
    async with running(folder, state_path, size=(140, 30)) as s:
        await s.press("G", "k", "enter", "space")
        await s.press("q")
    index = Index.open(folder, cache_dir())
    try:
        delta = next(a for a in index.articles() if a.title == DELTA)
    finally:
        index.close()
    store = Store.open(state_path)
    try:
        progress = store.states([delta])[delta.identity].progress
        assert progress is not None and progress > 0
    finally:
        store.close()


# -- folders as sources ----------------------------------------------------------------


async def test_top_level_folders_are_sources_in_the_sidebar(start: Start) -> None:
    async with start() as s:
        row = next(line for line in s.text(s.sidebar).splitlines() if "notes/" in line)
        assert row.strip("│ ").split()[-1] == "1/1"  # unread/total
        await s.press("t")
        while s.sidebar.highlighted_option is None or s.sidebar.highlighted_option.id != (
            "folder:notes"
        ):
            await s.press("j")
        assert s.list_titles() == [GAMMA]
        assert s.articles.border_title == "notes/"
        await s.press("enter", "enter")  # to the list, then open Gamma
        row = next(line for line in s.text(s.sidebar).splitlines() if "notes/" in line)
        assert row.strip("│ ").split()[-1] == "0/1"  # no unread left: still unread/total


# -- several libraries -----------------------------------------------------------------


async def test_configured_libraries_are_listed_with_counts_and_open_on_enter(
    folder: Path, state_path: Path, tmp_path: Path
) -> None:
    other = write_library(
        tmp_path / "reading",
        {
            "one.md": "---\ntitle: Other one\ndate: 2024-01-02\n---\n\nText one.\n",
            "two.md": "---\ntitle: Other two\ndate: 2024-01-01\n---\n\nText two.\n",
        },
    )
    # The other library has been opened before, so its cache can be counted.
    async with running(other, state_path) as s:
        await s.press("m")
    settings = Settings(folders=(folder, other))
    async with running(folder, state_path, settings=settings) as s:
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        sidebar = s.text(s.sidebar)
        articles_row = next(line for line in sidebar.splitlines() if "▸ articles" in line)
        assert articles_row.strip("│ ").split()[-1] == "5/5"
        reading_row = next(line for line in sidebar.splitlines() if "reading" in line)
        assert reading_row.strip("│ ").split()[-1] == "1/2"  # one of two read
        await s.press("t")
        while s.sidebar.highlighted_option is None or s.sidebar.highlighted_option.id != (
            "library:1"
        ):
            await s.press("k")
        assert s.list_titles() == TITLES  # moving over a library does not open it
        await s.press("enter")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert s.list_titles() == ["Other one", "Other two"]
        assert s.app.folder == other
        assert "▸ reading" in s.text(s.sidebar)
        # Back to the first library, and over again: each opens as it is on disk.
        for wanted, titles in (("library:0", TITLES), ("library:1", ["Other one", "Other two"])):
            await s.press("t")
            while s.sidebar.highlighted_option is None or (
                s.sidebar.highlighted_option.id != wanted
            ):
                await s.press("k")
            await s.press("enter")
            await s.app.workers.wait_for_complete()
            await s.pilot.pause()
            assert s.list_titles() == titles
        assert len(s.app.screen_stack) == 1  # the libraries shown before are gone


async def test_other_libraries_are_counted_on_a_start_that_finds_nothing_changed(
    folder: Path, state_path: Path, tmp_path: Path
) -> None:
    other = write_library(
        tmp_path / "reading",
        {"one.md": "---\ntitle: Other one\ndate: 2024-01-02\n---\n\nText one.\n"},
    )
    async with running(other, state_path):
        pass
    settings = Settings(folders=(folder, other))
    for start in ("first", "warm"):  # the second start finds the index as it was left
        async with running(folder, state_path, settings=settings) as s:
            await s.app.workers.wait_for_complete()
            await s.pilot.pause()
            reading_row = next(line for line in s.text(s.sidebar).splitlines() if "reading" in line)
            assert reading_row.strip("│ ").split()[-1] == "1/1", (start, reading_row)


async def test_a_link_number_of_two_digits_is_typed_as_two_keys(
    folder: Path, state_path: Path
) -> None:
    body = "\n\n".join(f"Part [{n}](https://example.com/{n})." for n in range(1, 13))
    (folder / "many.md").write_text(
        f"---\ntitle: Many links\ndate: 2024-08-01\n---\n\n{body}\n", encoding="utf-8"
    )
    async with running(folder, state_path) as s:
        await s.press("l")
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        await s.press("1", "2")
        assert s.opened_urls == ["https://example.com/12"]
        await s.press("l")
        await s.app.workers.wait_for_complete()
        await s.press("1")
        assert s.opened_urls == ["https://example.com/12"]  # waits for a second digit
        await s.pilot.pause(1.0)
        assert s.opened_urls[-1] == "https://example.com/1"
        await s.press("l")
        await s.app.workers.wait_for_complete()
        await s.press("0")
        assert s.notes[-1] == "There is no link 0."
        await s.press("4")  # no link 40 or more: opened at once
        assert s.opened_urls[-1] == "https://example.com/4"


# -- related articles ------------------------------------------------------------------


async def test_r_lists_related_articles_and_enter_opens_one(start: Start) -> None:
    from aireader.ui.screens.related import RelatedScreen

    async with start() as s:
        await s.press("enter", "r")  # Alpha: tags Sora AI and openai
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert isinstance(s.app.screen, RelatedScreen)
        titles = [a.title for a in s.app.screen.found]
        assert set(titles[:2]) == {BETA, GAMMA}  # each shares a tag
        assert ALPHA not in titles and DELTA not in titles
        shown = s.text()
        assert BETA in shown and "sora ai" in shown.lower()
        await s.press("j", "enter")
        assert not isinstance(s.app.screen, RelatedScreen)
        assert s.reader.article is not None and s.reader.article.title == titles[1]
        assert s.articles.current is s.reader.article


# -- the extract -----------------------------------------------------------------------


async def test_s_shows_an_extract_of_the_articles_own_sentences(
    folder: Path, state_path: Path
) -> None:
    from aireader.core.summary import plain_text

    async with running(folder, state_path, size=(160, 50)) as s:
        await s.press("G", "k", "enter", "s")  # Delta: forty sentences
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        shown = s.text(s.reader)
        assert "In short" in shown
        chosen = s.reader.extract_shown
        assert 2 <= len(chosen) <= 3
        assert shown.count("▸") == len(chosen)
        body = " ".join(plain_text((folder / "delta.md").read_text()).split())
        for sentence in chosen:
            assert sentence in body
            assert sentence[:40] in shown
        await s.press("escape", "g", "enter")  # still on for the next article
        await s.app.workers.wait_for_complete()
        await s.pilot.pause()
        assert "In short" in s.text(s.reader)
        assert "Too short" in s.text(s.reader)  # Alpha has one short sentence
        await s.press("s")
        assert "In short" not in s.text(s.reader)


# -- derived topics --------------------------------------------------------------------


async def test_untagged_articles_get_a_topics_group_of_their_own(
    tmp_path: Path, state_path: Path
) -> None:
    seeds = Path(__file__).resolve().parent / "fixtures" / "seeds"
    sources = sorted(seeds.glob("*.txt"))
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in sources:
        (folder / path.name).write_bytes(path.read_bytes())
    async with running(folder, state_path) as s:
        sidebar = s.text(s.sidebar)
        assert "Topics (derived)" in sidebar
        assert "~Alibaba" in sidebar and "~Wan2.1" in sidebar
        await s.press("t")
        while s.sidebar.highlighted_option is None or s.sidebar.highlighted_option.id != (
            "topic:wan2.1"
        ):
            await s.press("j")
        assert s.articles.border_title == "~Wan2.1"
        assert [a.title for a in s.articles.visible_articles()] == [
            a.title for a in s.screen.shelf.articles if "Wan2.1" in a.topics
        ]
        assert s.articles.row_count >= 1


async def test_many_numbered_folders_are_not_listed_as_sources(
    tmp_path: Path, state_path: Path
) -> None:
    from aireader.ui.widgets.tag_sidebar import MAX_FOLDERS

    folder = tmp_path / "many"
    for n in range(MAX_FOLDERS + 1):
        write_library(
            folder, {f"{n:04}/a.md": f"---\ntitle: Article {n}\ntags: [x]\n---\n\nText.\n"}
        )
    async with running(folder, state_path) as s:
        options = [s.sidebar.get_option_at_index(i) for i in range(s.sidebar.option_count)]
        assert not any((o.id or "").startswith("folder:") for o in options)
        assert s.articles.row_count == MAX_FOLDERS + 1
