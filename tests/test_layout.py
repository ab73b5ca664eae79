"""The panes, pop-ups and footer at the sizes people run a terminal at.

The mouse tests run the real app on a pty (``tests/term.py``) and click with the
SGR sequences a terminal sends; the layout tests read the screen at the size
where each defect showed: 60x20, 80x24 and 200x60.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from term import Term, app_env

SEEDS = Path("/work/shared/seeds")
DISPUTA = "Disputa dos gigantes da IA"
DISPUTA_BODY = "A tendência explosiva"
SORA_BODY = "Revised Text"

STORIES = 30


def story(n: int) -> str:
    return f"Story {n:02d} of the week"


def story_body(n: int) -> str:
    return f"Body text of story {n:02d}."


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    """Thirty short articles, newest first in the order of their numbers."""
    folder = tmp_path / "stories"
    folder.mkdir()
    for n in range(1, STORIES + 1):
        (folder / f"story-{n:02d}.md").write_text(
            f"---\ntitle: {story(n)}\ndate: 2024-05-{31 - n:02d}\ntags: [week]\n---\n\n"
            f"{story_body(n)}\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """The raw seed articles (read only: each test has its own cache)."""
    if not SEEDS.is_dir():
        pytest.skip("the seed articles are not on this machine")
    return SEEDS


# -- the mouse -------------------------------------------------------------------------


def test_clicking_the_first_title_opens_the_first_article(seeds: Path, tmp_path: Path) -> None:
    with Term.run(seeds, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for(DISPUTA)
        term.settle()
        screen = term.click(*term.find(DISPUTA))
        assert DISPUTA_BODY in screen, screen
        assert SORA_BODY not in screen, screen


@pytest.mark.parametrize("size", [(80, 24), (160, 40)], ids=["stacked", "side-by-side"])
def test_a_click_opens_the_row_clicked_in_either_layout(
    stories: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    with Term.run(stories, tmp_path=tmp_path, size=size) as term:
        term.wait_for(story(1))
        term.settle()
        for n in (1, 3):
            screen = term.click(*term.find(story(n)))
            assert story_body(n) in screen, screen
            term.press("escape")


def test_a_click_under_the_open_search_bar_opens_the_row_clicked(
    stories: Path, tmp_path: Path
) -> None:
    with Term.run(stories, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for(story(1))
        term.settle()
        term.press("/", *"week", "enter")
        assert "Search" in term.text()  # the bar stays open above the list
        screen = term.click(*term.find(story(2)))
        assert story_body(2) in screen, screen


def test_a_click_in_the_scrolled_list_opens_the_row_clicked(stories: Path, tmp_path: Path) -> None:
    with Term.run(stories, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for(story(1))
        term.settle()
        screen = term.press("G")
        assert story(1) not in screen and story(STORIES) in screen, screen
        shown = [n for n in range(1, STORIES + 1) if story(n) in screen]
        target = shown[0]  # the top row of the scrolled list
        screen = term.click(*term.find(story(target)))
        assert story_body(target) in screen, screen


# -- the panes at each size (item 7) ------------------------------------------------------


def box(term: Term, title: str) -> tuple[int, int, int, int]:
    """The box whose top border carries ``title``: (left, top, right, bottom), inclusive."""
    return term.box(title)


def test_at_80x24_the_sidebar_waits_for_t_and_shows_tags_whole(seeds: Path, tmp_path: Path) -> None:
    with Term.run(seeds, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for(DISPUTA)
        screen = term.settle()
        assert "Tags" not in screen and "Bookmarked" not in screen  # the list has the width
        assert "Can Sora Revolutionize the AI Race by Breaking Barriers?" in screen
        screen = term.press("t")
        assert "text to video" in screen  # not "text to v…"
        assert "Topics (derived)" in screen  # on one line
        assert "(derived)" not in screen.replace("Topics (derived)", "")
        screen = term.press("enter")  # All, picked: the sidebar makes way again
        assert "Bookmarked" not in screen
        screen = term.press("T")  # kept, whatever the width
        assert "Bookmarked" in screen
        term.press("t")
        assert "Bookmarked" in term.press("tab")  # and it stays when focus leaves it


def test_at_80x24_reading_gets_the_room_and_the_list_keeps_the_article_in_sight(
    stories: Path, tmp_path: Path
) -> None:
    with Term.run(stories, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for(story(1))
        term.settle()
        term.press(*"jjjjjjjj")
        term.press("enter")
        screen = term.wait_for(story_body(9))
        _, top, _, bottom = box(term, "story-09.md")
        assert bottom - top - 1 >= 15, screen  # was 12 rows of 22
        above = "\n".join(term.lines()[:top])
        assert story(8) in above and story(9) in above and story(10) in above, screen
        screen = term.press("escape")  # back in the list: it has its rows again
        assert box(term, "story-09.md")[1] > top, screen


def test_at_60x20_dates_show_and_reading_shows_text(seeds: Path, tmp_path: Path) -> None:
    with Term.run(seeds, tmp_path=tmp_path, size=(60, 20)) as term:
        term.wait_for(DISPUTA)
        screen = term.settle()
        rows = [line for line in screen.splitlines() if "●" in line]
        assert len(rows) == 4, screen
        assert all("Dec 03" in row or "2024-0" in row for row in rows), screen
        screen = term.press("T")  # the sidebar kept beside a narrow list: short dates
        rows = [line for line in screen.splitlines() if "●" in line]
        assert all("Dec 03" in row or "2024" in row for row in rows), screen
        term.press("T")
        screen = term.press("enter")
        assert DISPUTA_BODY in screen, screen


def test_at_200x60_titles_are_whole_and_the_reading_pane_has_no_empty_strip(
    seeds: Path, tmp_path: Path
) -> None:
    titles = [
        "Can Sora Revolutionize the AI Race by Breaking Barriers?",
        "Alibaba is betting on the open source to dominate the race for AI",
        "Sora's debut, and the starting gun of the AI competition",
    ]
    with Term.run(seeds, tmp_path=tmp_path, size=(200, 60)) as term:
        term.wait_for(DISPUTA)
        screen = term.settle()
        for title in titles:
            assert title in screen, screen
        screen = term.press("enter")
        assert DISPUTA_BODY in screen
        left, top, right, bottom = box(term, "003_")
        text_width = max(
            len(line[left + 1 : right].rstrip()) for line in term.lines()[top + 1 : bottom]
        )
        assert right - left - 1 - text_width <= 6, screen  # a margin, not an empty strip
        assert 70 <= text_width <= 90


# -- pop-ups (item 7) -----------------------------------------------------------------------


def alone_on_screen(term: Term, title: str) -> tuple[int, int, int, int]:
    """Assert the pop-up titled ``title`` is all there is: as wide as the screen,
    nothing of the panes above, below or beside it."""
    left, top, right, bottom = box(term, title)
    lines = term.lines()
    assert (left, right) == (0, term.width - 1), term.text()
    for y, line in enumerate(lines):
        if top <= y <= bottom:
            assert line[0] in "╭│╰" and line[-1] in "╮│╯", term.text()
        else:
            assert not line.strip(), term.text()
    return left, top, right, bottom


def test_at_80x24_pop_ups_hide_the_panes(seeds: Path, tmp_path: Path) -> None:
    with Term.run(seeds, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for(DISPUTA)
        term.settle()
        term.press("?")
        alone_on_screen(term, "Keys")
        # (Escape on its own: a key right behind it would read as Alt+key.)
        term.press("escape")
        term.press("!")
        left, top, _, _ = alone_on_screen(term, "Skipped files")
        x, y = term.find("Every file in the folder was loaded.")
        assert x - left == 2 and y - top >= 2  # padded within its box
        term.press("escape")
        term.press("enter")
        term.press("r")
        alone_on_screen(term, "Related to")
        term.press("escape")
        term.press("escape")
        term.press("/", *"sora", "enter")
        term.press("S")
        alone_on_screen(term, "Save search")


# -- smaller display defects (item 8) --------------------------------------------------------


def test_sidebar_counts_are_unread_slash_total_in_aligned_columns(
    seeds: Path, tmp_path: Path
) -> None:
    with Term.run(seeds, tmp_path=tmp_path, size=(140, 40)) as term:
        term.wait_for(DISPUTA)
        term.settle()
        term.press("enter")  # one read: some topics have nothing unread left
        screen = term.settle()
        left, top, right, bottom = box(term, "Tags")
        rows = [line[left + 1 : right] for line in term.lines()[top + 1 : bottom]]
        counted = [row for row in rows if row.strip().startswith("~")]
        assert any(row.split()[-1] == "0/1" for row in counted), screen  # not a bare "1"
        assert all("/" in row for row in counted), screen
        assert len({row.index("/") for row in counted}) == 1, screen  # one column
        numbered = [row for row in rows if row.rstrip()[-1:].isdigit()]
        assert len({len(row.rstrip()) for row in numbered}) == 1, screen  # totals end aligned


def test_the_footer_names_n_for_what_it_does_while_finding(seeds: Path, tmp_path: Path) -> None:
    with Term.run(seeds, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for(DISPUTA)
        term.settle()
        screen = term.press("enter")
        assert "n Next unread" in screen.splitlines()[-1]
        term.press("/", *"modelos")
        screen = term.press("enter")
        assert "n Next match" in screen.splitlines()[-1], screen
        assert "Next unread" not in screen.splitlines()[-1]
        screen = term.press("escape")
        assert "n Next unread" in screen.splitlines()[-1], screen


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_a_search_error_is_shown_whole(seeds: Path, tmp_path: Path, size: tuple[int, int]) -> None:
    with Term.run(seeds, tmp_path=tmp_path, size=size) as term:
        term.wait_for(DISPUTA)
        term.settle()
        term.press("/", *"tag:")
        screen = term.settle(quiet=0.6)
        assert "tag: needs a value, e.g. tag:sora" in screen, screen
        term.press("backspace", *"xyz:a")
        screen = " ".join(term.settle(quiet=0.6).split())
        assert "(fields: tag:," in screen and "in:)" in screen, screen


def test_a_remapped_key_keeps_its_place_in_the_footer(seeds: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\ntoggle_read = "x"\n', encoding="utf-8")
    env = app_env(tmp_path, AIREADER_CONFIG=str(config))
    with Term.run(seeds, tmp_path=tmp_path, size=(80, 24), env=env) as term:
        term.wait_for(DISPUTA)
        screen = term.settle()
        assert "x Read/unread" in screen.splitlines()[-1], screen
        screen = term.press("x")
        assert "x Read/unread" in screen.splitlines()[-1], screen


def test_the_help_scrolls_with_j_k_g_and_G(seeds: Path, tmp_path: Path) -> None:
    with Term.run(seeds, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for(DISPUTA)
        term.settle()
        screen = term.press("?")
        assert "Anywhere" in screen and "command palette" not in screen, screen
        screen = term.press("G")
        assert "command palette" in screen and "Anywhere" not in screen, screen
        screen = term.press("g")
        assert "Anywhere" in screen, screen
        first = term.find("Anywhere")[1]
        term.press("j", "j")
        assert "Anywhere" not in term.text() or term.find("Anywhere")[1] < first
        screen = term.press("k", "k")
        assert term.find("Anywhere")[1] == first, screen
        screen = term.press("space")
        assert "Anywhere" not in screen, screen
