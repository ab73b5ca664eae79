"""The reading pane as a person meets it in a real terminal (tests/term.py).

Each test here follows one defect a newcomer hit on the raw seed articles: a
``.txt`` article that would not scroll, a column hidden by the scrollbar, a link
that could not be clicked.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from term import Term, app_env

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SEED = "001_57f928c9d1ed6209.txt"  # "Can Sora Revolutionize the AI Race…", 8 KB of plain text

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _pane_rows(term: Term, marker: str) -> list[str]:
    """The rows of the pane whose top border holds ``marker``, between its borders."""
    return term.inside(marker)


def _body_text(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_short_plain_text_article_scrolls_to_its_end(tmp_path: Path, suffix: str) -> None:
    """Space, j, G and End move a .txt article (the same file as .md did), and the
    end of it is reachable: the last line of the text is on screen after G."""
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(SEEDS / SEED, library / f"seed{suffix}")
    with Term.run(library, tmp_path=tmp_path, size=(80, 24)) as term:
        term.wait_for("Revolutionize")
        term.settle()
        term.press("enter")
        first = term.wait_for("optimistic outlook")
        term.press("space")
        after_space = term.text()
        assert after_space != first
        assert "optimistic outlook" not in after_space  # a page further on
        term.press("j")
        assert term.text() != after_space
        term.press("G")
        assert "Close Search Window" in term.text() or "Global Impact" in term.text()
        term.press("g")
        assert "optimistic outlook" in term.text()
        term.press("end")
        assert "Global Impact" in term.text()


def test_reading_to_the_end_records_the_whole_article_read(tmp_path: Path) -> None:
    """The list's progress for an article scrolled part way shows how far; scrolled
    to its end, the article is finished (no stray 19-43 % left in the list)."""
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(SEEDS / SEED, library / SEED)
    with Term.run(library, tmp_path=tmp_path, size=(100, 30)) as term:
        term.wait_for("Revolutionize")
        term.settle()
        term.press("enter")
        term.wait_for("optimistic outlook")
        term.press("space")
        term.press("escape", quiet=1.5)  # the position is written a moment after scrolling
        partway = _percent(term)
        assert partway is not None and 5 <= partway < 100, term.text()
        term.press("enter")
        term.press("G")
        term.press("escape", quiet=1.5)
        assert _percent(term) is None, term.text()


def _percent(term: Term) -> int | None:
    row = next(line for line in term.lines() if "Revolutionize" in line)
    found = re.search(r"(\d+)%", row)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (200, 60)])
@pytest.mark.parametrize("words", [1_500, 12_000])  # short, and over the old long threshold
def test_no_word_loses_its_last_letters_at_the_pane_edge(
    tmp_path: Path, size: tuple[int, int], words: int
) -> None:
    """Every word drawn in the reading pane is a whole word of the article: the
    scrollbar never hides a column (``benefi`` drawn, its ``t`` lost)."""
    vocabulary = [
        "benefit",
        "approximately",
        "substantial",
        "opportunities",
        "generation",
        "revolutionize",
        "accessible",
        "establish",
    ]
    seed = 12345
    picked = []
    for _ in range(words):  # a fixed pseudo-random order: lines end at every column
        seed = (seed * 1103515245 + 12345) % 2**31
        picked.append(vocabulary[(seed >> 16) % len(vocabulary)])
    text = " ".join(picked)
    library = tmp_path / "library"
    library.mkdir()
    (library / "words.md").write_text(
        f"---\ntitle: Words\n---\n\n{text}\n\nTheEnd.\n", encoding="utf-8"
    )
    with Term.run(library, tmp_path=tmp_path, size=size) as term:
        term.wait_for("Words")
        term.settle()
        term.press("enter")
        term.wait_for("benefit")
        term.press("space", "space")
        rows = _pane_rows(term, "words.md")
        drawn = [word for row in rows for word in re.findall(r"[a-z]+", row)]
        assert len(drawn) > 10, "\n".join(rows)
        assert set(drawn) <= set(vocabulary), "\n".join(rows)


def test_a_click_on_a_link_opens_it_in_the_browser(tmp_path: Path) -> None:
    """A mouse click on a link in the text hands that link (and only a web or mail
    link) to the browser."""
    library = tmp_path / "library"
    library.mkdir()
    (library / "links.md").write_text(
        "---\ntitle: Links\n---\n\n"
        "First [the paper](https://example.org/paper) here.\n\n"
        "Then [a file server](ftp://example.org/file) there.\n",
        encoding="utf-8",
    )
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(
        f"import sys\nwith open({str(opened)!r}, 'a') as f:\n    f.write(sys.argv[1] + '\\n')\n"
    )
    env = app_env(tmp_path, BROWSER=f"{sys.executable} {browser} %s")
    with Term.run(library, tmp_path=tmp_path, size=(100, 30), env=env) as term:
        term.wait_for("Links")
        term.settle()
        term.press("enter")
        term.wait_for("the paper")
        x, y = term.find("a file server")
        term.click(x + 2, y)
        assert "Not opening" in term.settle()
        x, y = term.find("the paper")
        term.click(x + 2, y, quiet=1.0)
        for _ in range(50):  # the browser runs in a thread: wait for it, at most 5 s
            if opened.exists():
                break
            term.pump(0.1)
    assert opened.read_text().split() == ["https://example.org/paper"]


def test_v_shows_the_raw_file_with_its_page_furniture_and_back(tmp_path: Path) -> None:
    """A scraped seed reads without its page furniture; v shows the file as it is on
    disk (furniture and all), and v again the article."""
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(SEEDS / SEED, library / SEED)
    with Term.run(library, tmp_path=tmp_path, size=(100, 40)) as term:
        term.wait_for("Revolutionize")
        term.settle()
        term.press("enter")
        term.wait_for("optimistic outlook")
        term.press("G")
        assert "Global Impact" in term.text()
        assert "Close Search Window" not in term.text()
        term.press("v")
        term.wait_for("as it is on disk")
        assert "Written by 11:47 am" in term.text()  # the file's first line
        term.press("G")
        assert "Close Search Window" in term.text()
        term.press("v")
        term.press("g")
        assert "as it is on disk" not in term.text()
        assert "optimistic outlook" in term.text()
