"""``aireader FILE.md``: one article file opens, in the real app on a pseudo-terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from term import Term

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A folder of three articles; the one to open is neither the newest nor the first."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "newest.md").write_text(
        "---\ntitle: Newest note\ndate: 2024-05-01\n---\nThe newest body.\n", encoding="utf-8"
    )
    (folder / "wanted.md").write_text(
        "---\ntitle: The wanted note\ndate: 2024-01-01\n---\n"
        "Zebras graze at dawn, the wanted body says.\n",
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text(
        "A plain text note\n\nGiraffes browse the acacia at noon.\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize(
    ("name", "body"),
    [("wanted.md", "Zebras graze at dawn"), ("plain.txt", "Giraffes browse the acacia")],
)
def test_a_file_given_opens_in_the_reading_pane(
    tmp_path: Path, notes: Path, name: str, body: str
) -> None:
    with Term.run(notes / name, tmp_path=tmp_path, size=(80, 24)) as term:
        screen = term.wait_for(body)
        assert "Newest note" in screen  # its folder is the library: the others are listed
        assert "The newest body" not in screen  # and the file given is the one open


def test_a_file_given_by_a_relative_path_opens_too(
    tmp_path: Path, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(notes)  # the app starts in the current folder
    with Term.run("wanted.md", tmp_path=tmp_path, size=(120, 30)) as term:
        term.wait_for("Zebras graze at dawn")
