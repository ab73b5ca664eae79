"""The command line, run as a user runs it: ``python -m aireader`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

import aireader
from aireader import paths
from aireader.core.library import load_library
from aireader.core.store import Store

SRC = Path(aireader.__file__).resolve().parents[1]
JSON_KEYS = {
    "path",
    "title",
    "date",
    "date_source",
    "tags",
    "author",
    "lang",
    "read",
    "bookmarked",
}
DATE_SOURCES = {"front matter", "filename", "mtime"}
BUNDLED_TITLES = {
    "Alibaba is betting on the open source to dominate the race for AI",
    "Can Sora Revolutionize the AI Race by Breaking Barriers?",
    "Sora's debut, and the starting gun of the AI competition",
    "Disputa dos gigantes da IA: O GPT-5 poderá superar o Sora e remodelar o cenário da indústria?",
}
WriteArticle = Callable[..., Path]


def env(encoding: str = "utf-8") -> dict[str, str]:
    """The test's environment (with its private data dir) plus the source tree."""
    return {**os.environ, "PYTHONPATH": str(SRC), "PYTHONIOENCODING": encoding}


def run(
    *args: str | Path, cwd: Path | None = None, encoding: str = "utf-8"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aireader", *map(str, args)],
        capture_output=True,
        text=True,
        encoding=encoding,
        env=env(encoding),
        cwd=cwd,
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aireader")
    for word in words:
        assert word in lines[0]
    assert result.stdout == ""


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def dated_library(library_dir: Path, write_article: WriteArticle) -> Path:
    """Three articles, one per date source, in a known newest-first order, and one broken."""
    write_article(
        "offset.md",
        "---\ntitle: With offset\ndate: 2024-03-25T10:30:00+02:00\ntags: [a, b]\n"
        "author: Ann\nlang: en\n---\nBody.\n",
    )
    write_article("2024-01-05-from-name.md", "# From the name\n\nBody.\n")
    write_article("plain.md", "# Plain\n\nBody.\n", mtime=946_684_800.0)  # 2000-01-01
    write_article("broken.md", "---\ntitle: [unclosed\n---\nBody.\n")
    return library_dir


# ---------------------------------------------------------------------------
# Version, help, usage errors


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"aireader {aireader.__version__}"


@pytest.mark.parametrize("args", [["--help"], ["list", "--help"]])
def test_help(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: aireader")
    assert "--data-dir" in result.stdout
    assert result.stderr == ""


def test_list_help_names_json_fields() -> None:
    out = run("list", "--help").stdout
    assert "--json" in out
    assert "--skipped" in out
    assert "date_source" in out


@pytest.mark.parametrize("command", [[], ["list"]])
def test_missing_folder(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "no-such-folder"
    assert_one_line_error(run(*command, missing), "no such folder", str(missing))


@pytest.mark.parametrize("command", [[], ["list"]])
def test_file_given_as_folder(tmp_path: Path, command: list[str]) -> None:
    a_file = tmp_path / "article.md"
    a_file.write_text("# Hi\n")
    assert_one_line_error(run(*command, a_file), "not a folder")


@pytest.mark.parametrize("args", [["--bogus"], ["list", "--bogus"], ["list", "a", "b"]])
def test_bad_usage_is_one_line(args: list[str]) -> None:
    assert_one_line_error(run(*args), "error")


@pytest.mark.parametrize("how", ["option", "env"])
def test_data_dir_that_is_a_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    if how == "env":
        monkeypatch.setenv("AIREADER_DATA_DIR", str(a_file))
        result = run("list", paths.bundled_library())
    else:
        result = run("list", "--data-dir", a_file, paths.bundled_library())
    assert_one_line_error(result, f"cannot use data folder {a_file}")


# ---------------------------------------------------------------------------
# list


def test_list_bundled_library_newest_first() -> None:
    result = run("list")
    assert result.returncode == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    days = [date.fromisoformat(line[:10]) for line in lines]
    assert days == sorted(days, reverse=True)
    for line in lines:
        assert line[10:16] == "  N-  "  # nothing read or bookmarked yet
    assert {line[16:].rsplit("  (", 1)[0] for line in lines} == BUNDLED_TITLES


def test_list_json_bundled_library() -> None:
    result = run("list", "--json", paths.bundled_library())
    assert result.returncode == 0
    records = json_lines(result.stdout)
    assert len(records) == 4
    assert {r["title"] for r in records} == BUNDLED_TITLES
    for record in records:
        assert record.keys() >= JSON_KEYS
        assert record["date"] is not None
        assert record["date_source"] in DATE_SOURCES
        assert record["lang"] in {"en", "pt"}
        assert isinstance(record["tags"], list) and 3 <= len(record["tags"]) <= 6
        assert Path(str(record["path"])).is_file()
    stamps = [datetime.fromisoformat(str(r["date"])).timestamp() for r in records]
    assert stamps == sorted(stamps, reverse=True)


def test_list_json_fields_dates_and_order(dated_library: Path) -> None:
    result = run("list", "--json", dated_library)
    assert result.returncode == 0
    records = json_lines(result.stdout)
    assert [r["title"] for r in records] == ["With offset", "From the name", "Plain"]
    first, by_name, plain = records
    assert all(r.keys() >= JSON_KEYS for r in records)
    assert first["date"] == "2024-03-25T10:30:00+02:00"
    assert first["date_source"] == "front matter"
    assert first["tags"] == ["a", "b"]
    assert first["author"] == "Ann"
    assert first["lang"] == "en"
    assert first["path"] == str((dated_library / "offset.md").resolve())
    assert by_name["date"] == "2024-01-05"
    assert by_name["date_source"] == "filename"
    assert plain["date_source"] == "mtime"
    assert plain["date"] is not None
    plain_date = datetime.fromisoformat(str(plain["date"]))
    assert plain_date.tzinfo is not None
    assert plain_date.timestamp() == 946_684_800.0
    assert all(r["read"] is False and r["bookmarked"] is False for r in records)


def test_list_text_mentions_skipped_on_stderr(dated_library: Path) -> None:
    result = run("list", dated_library)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 3
    assert "broken.md" not in result.stdout
    assert result.stderr.splitlines() == [
        "aireader: 1 file(s) skipped; see: aireader list --skipped"
    ]


def test_list_skipped(dated_library: Path) -> None:
    result = run("list", "--skipped", dated_library)
    assert result.returncode == 0
    (line,) = result.stdout.splitlines()
    assert line.startswith("broken.md: ")
    assert "broken YAML front matter" in line


def test_list_skipped_json(dated_library: Path) -> None:
    result = run("list", "--skipped", "--json", dated_library)
    assert result.returncode == 0
    (record,) = json_lines(result.stdout)
    assert record["path"] == str((dated_library / "broken.md").resolve())
    assert "YAML" in str(record["reason"])


def test_list_skipped_when_nothing_skipped() -> None:
    result = run("list", "--skipped", paths.bundled_library())
    assert result.returncode == 1
    assert result.stdout == ""


def test_list_empty_folder(library_dir: Path) -> None:
    result = run("list", library_dir)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_list_relative_folder(tmp_path: Path, dated_library: Path) -> None:
    result = run("list", "--json", dated_library.name, cwd=dated_library.parent)
    assert result.returncode == 0
    assert len(json_lines(result.stdout)) == 3


# ---------------------------------------------------------------------------
# State from the store shows up in the listing


def test_read_and_bookmark_state_shows_in_list(dated_library: Path) -> None:
    articles = {a.title: a for a in load_library(dated_library).articles}
    store = Store.open(paths.state_db_path())  # the same data dir the subprocess uses
    store.set_read([articles["With offset"]], True)
    store.set_bookmarked([articles["Plain"]], True)
    store.close()

    records = {r["title"]: r for r in json_lines(run("list", "--json", dated_library).stdout)}
    assert (records["With offset"]["read"], records["With offset"]["bookmarked"]) == (True, False)
    assert (records["From the name"]["read"], records["From the name"]["bookmarked"]) == (
        False,
        False,
    )
    assert (records["Plain"]["read"], records["Plain"]["bookmarked"]) == (False, True)

    flags = {
        line[16:].split("  (")[0]: line[12:14]
        for line in run("list", dated_library).stdout.splitlines()
    }
    assert flags == {"With offset": "--", "From the name": "N-", "Plain": "NB"}


def test_data_dir_option_picks_the_store(tmp_path: Path, dated_library: Path) -> None:
    other = tmp_path / "other-data"
    (article,) = [a for a in load_library(dated_library).articles if a.title == "Plain"]
    store = Store.open(paths.state_db_path(other))
    store.set_read([article], True)
    store.close()

    with_option = json_lines(run("list", "--json", "--data-dir", other, dated_library).stdout)
    option_first = json_lines(run("--data-dir", other, "list", "--json", dated_library).stdout)
    without = json_lines(run("list", "--json", dated_library).stdout)
    assert [r["read"] for r in with_option if r["title"] == "Plain"] == [True]
    assert [r["read"] for r in option_first if r["title"] == "Plain"] == [True]
    assert [r["read"] for r in without if r["title"] == "Plain"] == [False]


def test_a_folder_named_like_a_command_can_be_listed(tmp_path: Path) -> None:
    folder = tmp_path / "list"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: In a folder called list\n---\nBody.\n")
    result = run("list", "./list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "In a folder called list" in result.stdout


def test_state_survives_a_rename_between_runs(dated_library: Path) -> None:
    (article,) = [a for a in load_library(dated_library).articles if a.title == "Plain"]
    store = Store.open(paths.state_db_path())
    store.set_bookmarked([article], True)
    store.close()
    (dated_library / "plain.md").rename(dated_library / "moved-plain.md")
    records = json_lines(run("list", "--json", dated_library).stdout)
    (plain,) = [r for r in records if r["title"] == "Plain"]
    assert plain["bookmarked"] is True
    assert str(plain["path"]).endswith("moved-plain.md")


def test_damaged_store_is_repaired_with_one_notice(isolated_dirs: dict[str, Path]) -> None:
    state = paths.state_db_path()
    state.write_bytes(b"this is not a database" * 200)
    result = run("list", paths.bundled_library())
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 4
    (notice,) = result.stderr.splitlines()
    assert "moved to" in notice
    assert str(isolated_dirs["data"]) in notice
    assert "Traceback" not in result.stderr


def test_terminal_that_cannot_show_every_character() -> None:
    text = run("list", encoding="ascii")
    assert text.returncode == 0
    assert text.stderr == ""
    assert len(text.stdout.splitlines()) == 4
    assert "Disputa dos gigantes da IA: O GPT-5 poder? superar" in text.stdout

    as_json = run("list", "--json", encoding="ascii")
    assert as_json.returncode == 0
    assert {r["title"] for r in json_lines(as_json.stdout)} == BUNDLED_TITLES  # nothing lost


def test_output_closed_early_is_not_an_error(library_dir: Path) -> None:
    for i in range(1500):
        (library_dir / f"a{i:04}.md").write_text(f"---\ntitle: {'A long title ' * 5}{i}\n---\nx\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "aireader", "list", str(library_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err
    assert "BrokenPipe" not in err
