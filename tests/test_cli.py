"""The command line, run as a user runs it: ``python -m aireader`` in a subprocess."""

from __future__ import annotations

import json
import os
import re
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


@pytest.mark.parametrize("args", [["--help"], ["list", "--help"], ["search", "--help"]])
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


def test_file_given_as_folder(tmp_path: Path) -> None:
    a_file = tmp_path / "article.md"
    a_file.write_text("# Hi\n")
    assert_one_line_error(run("list", a_file), "not a folder")
    not_an_article = tmp_path / "paper.pdf"
    not_an_article.write_bytes(b"%PDF")
    assert_one_line_error(run(not_an_article), "not an article", ".md", ".txt")


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
        assert line[11:17] == "  N-  "  # nothing read or bookmarked yet
        assert line[10] in " ~"  # ~: the date is the file's (the article gives none)
    assert {line[17:].rsplit("  (", 1)[0] for line in lines} == BUNDLED_TITLES


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
        line[17:].split("  (")[0]: line[13:15]
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


# ---------------------------------------------------------------------------
# search

FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8
SEARCH_KEYS = JSON_KEYS | {"rank", "relpath", "snippet", "highlights", "source"}


def run_tty(
    *args: str | Path, columns: int = 80, encoding: str = "utf-8", **extra: str
) -> subprocess.CompletedProcess[str]:
    """``aireader ARGS`` with its standard output on a terminal (a pty ``columns``
    wide), colour off unless ``extra`` sets ``NO_COLOR=""``; stderr is piped."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "aireader", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**env(encoding), "NO_COLOR": "1", "TERM": "xterm", **extra},
    )
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if not select.select([leader], [], [], 0.5)[0]:
                continue
            try:
                data = os.read(leader, 4096)
            except OSError:  # the other end closed
                break
            if not data:
                break
            output += data
    finally:
        os.close(leader)
    code = proc.wait(timeout=60)
    assert proc.stderr is not None
    err = proc.stderr.read().decode(encoding, "replace")
    proc.stderr.close()
    out = output.decode(encoding, "replace").replace("\r\n", "\n")
    return subprocess.CompletedProcess(proc.args, code, out, err)


def blocks(text: str) -> list[list[str]]:
    """Search output on a terminal: one block of lines per hit."""
    return [block.splitlines() for block in text.split("\n\n")] if text else []


PIPED_HIT = re.compile(r"(\S{10})([ ~])  ([-N][-B])  (.*)  \((.*?)\)  (.*)")
"""A hit as search prints it into a pipe: list's line, then the snippet."""


def hits(text: str) -> list[dict[str, str]]:
    """Search output into a pipe, one hit a line: its parts."""
    out = []
    for line in text.splitlines():
        match = PIPED_HIT.fullmatch(line)
        assert match, line
        day, mark, flags, title, relpath, snippet = match.groups()
        out.append(
            {
                "day": day + mark.strip(),
                "flags": flags,
                "title": title,
                "relpath": relpath,
                "snippet": snippet,
            }
        )
    return out


def snippet_of(block: list[str]) -> str:
    """A hit's snippet, its wrapped lines joined again."""
    assert all(line.startswith("    ") for line in block[2:]), block
    return " ".join(line.strip() for line in block[2:])


@pytest.fixture
def search_library(library_dir: Path, write_article: WriteArticle) -> Path:
    """Articles for search: Sora in a body and in a title, Portuguese, Chinese."""
    write_article(
        "news/body-match.md",
        "---\ntitle: Gardening notes\ndate: 2024-05-01\ntags: [garden]\nauthor: Bo\n"
        f"source: example.org\nlang: en\n---\n{FILLER}\n\n{FILLER}A new model called Sora "
        f"makes short clips from text. {FILLER}\n\n{FILLER}\n",
    )
    write_article(
        "title-match.md",
        "---\ntitle: Sora arrives\ndate: 2024-01-10\ntags: [video]\n---\n"
        f"The model makes short clips from text. {FILLER}\n\n{FILLER}\n",
    )
    write_article(
        "pt.md",
        "---\ntitle: Disputa dos gigantes\ndate: 2024-02-01\nlang: pt\n---\n"
        "A inteligência artificial avança depressa.\n",
    )
    write_article(
        "zh.md",
        "---\ntitle: 模型新闻\ndate: 2024-03-01\nlang: zh\n---\n今天我们讨论视频生成模型。\n",
    )
    write_article(
        "en.md",
        "---\ntitle: Machine minds\ndate: 2024-04-01\nlang: en\n---\n"
        "Artificial intelligence, in a video about video models.\n",
    )
    return library_dir


def test_search_help_shows_the_query_language() -> None:
    result = run("search", "--help")
    assert result.returncode == 0
    out = result.stdout
    assert out.startswith("usage: aireader search")
    for example in (
        '"open source"',
        "-closed",
        "sora OR veo",
        "gen*",
        "tag:sora",
        "is:unread",
        "after:2024-03-01",
        "--limit N",
        "--json",
        "relpath",
        "snippet",
    ):
        assert example in out, example
    assert "search" in run("--help").stdout  # listed among the commands


def test_search_text_output(search_library: Path) -> None:
    result = run_tty("search", "sora", search_library)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    found = blocks(result.stdout)
    assert [block[0] for block in found] == ["Sora arrives", "Gardening notes"]
    body_hit = found[1]
    assert body_hit[1] == "2024-05-01 · news/body-match.md"
    snippet = snippet_of(body_hit)
    assert "A new model called [Sora] makes short clips" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")  # cut out of a long body
    assert 100 <= len(snippet) <= 175
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_search_title_match_ranks_first(search_library: Path) -> None:
    """The newer article only has the word in its text; the title match still leads."""
    records = json_lines(run("search", "sora", "--json", search_library).stdout)
    assert [r["title"] for r in records] == ["Sora arrives", "Gardening notes"]
    assert [r["rank"] for r in records] == [1, 2]
    listed = [r["title"] for r in json_lines(run("list", "--json", search_library).stdout)]
    assert listed.index("Gardening notes") < listed.index("Sora arrives")  # newer


def test_search_snippet_without_a_match_in_the_text_is_its_start(search_library: Path) -> None:
    """The word is only in the title: the snippet is the opening of the text, unmarked."""
    (hit,) = [
        h
        for h in hits(run("search", "sora", search_library).stdout)
        if h["title"] == "Sora arrives"
    ]
    snippet = hit["snippet"]
    assert snippet.startswith("The model makes short clips from text. Lorem ipsum")
    assert "[" not in snippet


def test_search_json(search_library: Path) -> None:
    result = run("search", "sora", "--json", search_library)
    assert result.returncode == 0
    records = json_lines(result.stdout)
    listed = {r["title"]: r for r in json_lines(run("list", "--json", search_library).stdout)}
    for record in records:
        assert record.keys() >= SEARCH_KEYS
        same = listed[str(record["title"])]
        for key in JSON_KEYS:
            assert record[key] == same[key], key  # the fields list --json has, unchanged
    gardening = records[1]
    assert gardening["path"] == str((search_library / "news" / "body-match.md").resolve())
    assert gardening["relpath"] == "news/body-match.md"
    assert gardening["date"] == "2024-05-01"
    assert (gardening["tags"], gardening["author"], gardening["source"], gardening["lang"]) == (
        ["garden"],
        "Bo",
        "example.org",
        "en",
    )
    snippet = str(gardening["snippet"])
    assert "A new model called Sora makes" in snippet and "[" not in snippet
    spans = gardening["highlights"]
    assert isinstance(spans, list) and spans
    assert [snippet[start:end] for start, end in spans] == ["Sora"]


def test_search_nothing_matched(search_library: Path) -> None:
    for args in (["zebra"], ["zebra", "--json"], ["sora lang:pt"]):
        result = run("search", *args, search_library)
        assert result.returncode == 1, args
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) <= 1


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('"unclosed', "unclosed quote"),
        ("colour:red", "unknown field 'colour:'"),
        ("after:2024-02-30", "bad date '2024-02-30'"),
        ("(sora", "missing ')'"),
        ("sora OR", "OR needs something on each side"),
        ('after:"2024\n-01"', "bad date"),
        ("", "nothing to search for"),
        ("...", "nothing to search for"),
    ],
)
def test_search_bad_query(search_library: Path, query: str, reason: str) -> None:
    result = run("search", query, search_library)
    assert_one_line_error(result, "bad query", reason)


@pytest.mark.parametrize("limit", ["0", "-1", "x", "2.5"])
def test_search_bad_limit(search_library: Path, limit: str) -> None:
    assert_one_line_error(run("search", "sora", "--limit", limit, search_library), "--limit")


def test_search_query_starting_with_a_dash(search_library: Path) -> None:
    assert_one_line_error(run("search", "-sora", search_library), "after --")
    result = run("search", search_library, "--json", "--", "-sora lang:en")
    assert result.returncode == 2  # the folder came first, so "-sora…" is the folder
    result = run("search", "--json", "--", "-sora lang:en", search_library)
    assert result.returncode == 0, result.stderr
    assert [r["title"] for r in json_lines(result.stdout)] == ["Machine minds"]


def test_search_limit(search_library: Path) -> None:
    text = run("search", "sora", "--limit", "1", search_library)
    assert text.returncode == 0
    assert [hit["title"] for hit in hits(text.stdout)] == ["Sora arrives"]
    assert text.stderr.splitlines() == ["aireader: showing 1 of 2 matches; --limit N shows more"]
    as_json = run("search", "sora", "--json", "--limit", "1", search_library)
    assert [r["title"] for r in json_lines(as_json.stdout)] == ["Sora arrives"]
    assert as_json.stderr == ""


def test_search_default_limit(library_dir: Path, write_article: WriteArticle) -> None:
    for i in range(25):
        write_article(f"a{i:02}.md", f"---\ntitle: Veo note {i}\n---\nAbout veo.\n")
    text = run("search", "veo", library_dir)
    assert text.returncode == 0
    assert len(hits(text.stdout)) == 20
    assert "showing 20 of 25" in text.stderr
    assert len(json_lines(run("search", "veo", "--json", library_dir).stdout)) == 25


def test_search_respects_read_state(search_library: Path) -> None:
    articles = {a.title: a for a in load_library(search_library).articles}
    store = Store.open(paths.state_db_path())
    store.set_read([articles["Sora arrives"]], True)
    store.set_bookmarked([articles["Machine minds"]], True)
    store.close()

    def titles(query: str) -> list[str]:
        return [
            str(r["title"])
            for r in json_lines(run("search", query, "--json", search_library).stdout)
        ]

    assert titles("sora is:unread") == ["Gardening notes"]
    assert titles("sora is:read") == ["Sora arrives"]
    assert titles("is:bookmarked") == ["Machine minds"]
    assert titles("sora -is:read") == ["Gardening notes"]
    (record,) = json_lines(run("search", "sora is:read", "--json", search_library).stdout)
    assert record["read"] is True and record["bookmarked"] is False


def test_search_data_dir_option_picks_the_store(tmp_path: Path, search_library: Path) -> None:
    other = tmp_path / "other-data"
    (article,) = [a for a in load_library(search_library).articles if a.title == "Sora arrives"]
    store = Store.open(paths.state_db_path(other))
    store.set_read([article], True)
    store.close()
    with_option = run("search", "is:read", "--json", "--data-dir", other, search_library)
    option_first = run("--data-dir", other, "search", "is:read", "--json", search_library)
    without = run("search", "is:read", "--json", search_library)
    assert [r["title"] for r in json_lines(with_option.stdout)] == ["Sora arrives"]
    assert [r["title"] for r in json_lines(option_first.stdout)] == ["Sora arrives"]
    assert without.returncode == 1


def test_search_field_only_query_is_newest_first(search_library: Path) -> None:
    records = json_lines(run("search", "lang:en", "--json", search_library).stdout)
    assert [r["title"] for r in records] == ["Gardening notes", "Machine minds"]
    records = json_lines(
        run("search", "after:2024-02 before:2024-04", "--json", search_library).stdout
    )
    assert [r["title"] for r in records] == ["模型新闻", "Disputa dos gigantes"]


def test_search_portuguese_without_accents(search_library: Path) -> None:
    result = run("search", "inteligencia", search_library)
    assert result.returncode == 0, result.stderr
    (hit,) = hits(result.stdout)
    assert (hit["title"], hit["day"], hit["relpath"]) == (
        "Disputa dos gigantes",
        "2024-02-01",
        "pt.md",
    )
    assert hit["snippet"] == "A [inteligência] artificial avança depressa."


def test_search_chinese_inside_words(search_library: Path) -> None:
    result = run("search", "视频", search_library)
    assert result.returncode == 0, result.stderr
    (hit,) = hits(result.stdout)
    assert (hit["title"], hit["day"], hit["relpath"]) == ("模型新闻", "2024-03-01", "zh.md")
    assert hit["snippet"] == "今天我们讨论[视频]生成模型。"
    (record,) = json_lines(run("search", "视频", "--json", search_library).stdout)
    assert record["snippet"] == "今天我们讨论视频生成模型。"
    assert record["highlights"] == [[6, 8]]


def test_search_wide_text_wraps_by_columns(library_dir: Path, write_article: WriteArticle) -> None:
    body = "视频生成模型的发展非常迅速" * 12
    write_article("wide.md", f"---\ntitle: Wide\n---\n{body}\n")
    (block,) = blocks(run_tty("search", "模型", library_dir).stdout)
    lines = block[2:]
    assert len(lines) >= 2
    for line in lines:  # each Chinese character takes two columns
        assert 4 + 2 * len(line.strip()) - line.count("[") - line.count("]") <= 80, line


def test_search_default_folder_is_the_bundled_library() -> None:
    result = run("search", "alibaba", "--limit", "1")
    assert result.returncode == 0, result.stderr
    (hit,) = hits(result.stdout)
    assert hit["title"] == "Alibaba is betting on the open source to dominate the race for AI"
    assert "[Alibaba]" in hit["snippet"]


def test_search_snippet_is_plain_text(library_dir: Path, write_article: WriteArticle) -> None:
    write_article(
        "marked.md",
        "---\ntitle: Marked up\n---\nFirst paragraph.\n\n## A heading\nSee **the [Sora page](https://example.com/sora)**"
        " and \x1b[31mred\x1b[0m text \x1b]0;evil title\x07here.\n",
    )
    result = run("search", "sora", library_dir)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    (hit,) = hits(result.stdout)
    assert hit["snippet"] == "A heading See the [Sora] page and red text here."


def test_search_on_a_terminal_that_cannot_show_every_character(search_library: Path) -> None:
    result = run_tty("search", "sora", search_library, encoding="ascii")
    assert result.returncode == 0
    assert result.stderr == ""
    assert "2024-05-01 - news/body-match.md" in result.stdout
    gardening = blocks(result.stdout)[1]
    assert snippet_of(gardening).startswith("...") and "?" not in snippet_of(gardening)
    piped = run("search", "sora", search_library, encoding="ascii")
    assert hits(piped.stdout)[1]["snippet"].startswith(
        "...adipiscing elit. A new model called [Sora]"
    )
    helped = run("search", "--help", encoding="ascii")
    assert helped.returncode == 0 and helped.stderr == ""
    assert '(?? finds "????")' in helped.stdout  # the Chinese example, replaced, not a crash


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_color", ["", "1"])
def test_search_on_a_colour_terminal(search_library: Path, no_color: str) -> None:
    result = run_tty("search", "sora", "--limit", "1", search_library, NO_COLOR=no_color)
    assert result.returncode == 0
    text = result.stdout
    if no_color:
        assert "\x1b" not in text
        assert "Sora arrives" in text
    else:
        assert "\x1b[1m" in text  # the title is bold
        assert re.search(r"\x1b\[7mSora\x1b\[27m arrives", text)  # its match reversed
        assert "[Sora]" not in text


# The snippet and the wrapping, in-process: edge cases that are slow to set up as files.


def test_snippet_edges() -> None:
    from aireader.cli import SNIPPET_COLUMNS, snippet
    from aireader.core.query import parse

    sora = parse("sora")
    assert snippet(("", True), sora) == ("", [])
    text, spans = snippet(("x " * 200 + "ends with Sora", False), sora)
    assert text.startswith("…x x") and text.endswith("ends with Sora")  # the window is filled
    assert SNIPPET_COLUMNS - 10 <= len(text) <= SNIPPET_COLUMNS + 1  # + the ellipsis
    assert [text[a:b] for a, b in spans] == ["Sora"]
    text, _ = snippet(("Sora " + "y" * 500, False), sora)
    assert text.startswith("Sora yyy") and text.endswith("y…")  # a huge word is cut, not dropped
    text, spans = snippet(("No match here.\n\n\tSecond\n paragraph.", False), parse("tag:x"))
    assert (text, spans) == ("No match here. Second paragraph.", [])


def test_wrap_counts_brackets_and_wide_characters() -> None:
    from aireader.cli import wrap

    def shown(line: list[tuple[str, bool]]) -> str:
        return "".join(f"[{t}]" if lit else t for t, lit in line)

    lines = wrap("a" * 30 + " Sora bb " + "c" * 10, [(31, 35)], 12, marks=True)
    assert [shown(line) for line in lines] == [
        "a" * 12,
        "a" * 12,
        "a" * 6,
        "[Sora] bb",
        "c" * 10,
    ]
    wide = wrap("视频生成" * 10, [(0, 2)], 21, marks=True)
    assert [shown(line) for line in wide][:2] == ["[视频]生成视频生成视", "频生成视频生成视频生"]
    assert [len(line[0][0]) for line in wide[1:]] == [10, 10, 10, 1]  # 20 of 21 columns
