"""The panes, pop-ups and footer at the sizes people run a terminal at.

The mouse tests run the real app on a pty (``tests/term.py``) and click with the
SGR sequences a terminal sends; the layout tests read the screen at the size
where each defect showed: 60x20, 80x24 and 200x60.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from term import Term

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
