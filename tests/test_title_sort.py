"""Titles sort naturally: 第 1, 3, 11 期 and v0.9 before v0.10, in the app and the CLI.

One key (``core.article.title_key``) orders titles wherever a title sort is asked
for: the list's ``sort = "title"`` and the CLI's ``--sort title``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import aireader
from aireader.core.article import title_key
from aireader.core.config import Settings
from test_app import running, write_library

SRC = Path(aireader.__file__).resolve().parents[1]

# Newest first by date; naturally ordered by title, which string order gets wrong.
FILES = {
    "issue-1.md": "---\ntitle: 第 1 期 周报\ndate: 2024-01-01\n---\n第一期。\n",
    "issue-11.md": "---\ntitle: 第 11 期 周报\ndate: 2024-03-01\n---\n第十一期。\n",
    "issue-3.md": "---\ntitle: 第 3 期 周报\ndate: 2024-02-01\n---\n第三期。\n",
    "v0-10.md": "---\ntitle: Release v0.10\ndate: 2024-06-01\n---\nThe tenth.\n",
    "v0-9.md": "---\ntitle: release v0.9\ndate: 2024-05-01\n---\nThe ninth.\n",
    "v0-2.md": "---\ntitle: Release v0.2\ndate: 2024-04-01\n---\nThe second.\n",
    "elan.md": "---\ntitle: Élan 2\ndate: 2023-01-01\n---\nAccents.\n",
}
NATURAL = [
    "Élan 2",
    "Release v0.2",
    "release v0.9",
    "Release v0.10",
    "第 1 期 周报",
    "第 3 期 周报",
    "第 11 期 周报",
]


def test_title_key_orders_numbers_as_numbers() -> None:
    titles = ["第 11 期", "第 3 期", "第 1 期", "v0.10", "v0.9", "V0.2"]
    natural = ["V0.2", "v0.9", "v0.10", "第 1 期", "第 3 期", "第 11 期"]
    assert sorted(titles, key=title_key) == natural
    assert sorted(titles, key=str.casefold) != sorted(titles, key=title_key)  # what it fixes


def test_title_key_ignores_case_and_accents_but_stays_a_total_order() -> None:
    assert sorted(["zebra", "Élan", "apple"], key=title_key) == ["apple", "Élan", "zebra"]
    # Equal but for case, accents or leading zeros: still one fixed order.
    ties = ["item 7", "Item 7", "item 007", "ítem 7"]
    assert sorted(ties, key=title_key) == sorted(reversed(ties), key=title_key)


def test_title_key_takes_any_digits_and_any_length() -> None:
    huge = "a" + "9" * 5000  # int() of this would raise (Python's digit limit)
    assert sorted([huge, "a10", "a9"], key=title_key) == ["a9", "a10", huge]
    assert sorted(["x١٠", "x٣"], key=title_key) == ["x٣", "x١٠"]  # Arabic-Indic 10 and 3
    assert sorted(["１０ items", "９ items"], key=title_key) == ["９ items", "１０ items"]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aireader", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(SRC), "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )


@pytest.fixture
def numbered(tmp_path: Path) -> Path:
    return write_library(tmp_path / "numbered", FILES)


def test_cli_list_and_export_sort_titles_naturally(numbered: Path) -> None:
    listed = run_cli("list", numbered, "--json", "--sort", "title")
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line)["title"] for line in listed.stdout.splitlines()] == NATURAL
    exported = run_cli("export", "--all", numbered, "--format", "json", "--sort", "title")
    assert exported.returncode == 0, exported.stderr
    assert [json.loads(line)["title"] for line in exported.stdout.splitlines()] == NATURAL


async def test_the_list_sorts_titles_naturally(numbered: Path, tmp_path: Path) -> None:
    settings = Settings(sort="title")
    async with running(numbered, tmp_path / "state.sqlite3", (80, 24), settings) as s:
        assert s.list_titles() == NATURAL
        rows = s.text(s.articles).splitlines()  # on screen (the one-cell titles)
        shown = [line[line.index("v0.") :].split()[0] for line in rows if "v0." in line]
        assert shown == ["v0.2", "v0.9", "v0.10"]
