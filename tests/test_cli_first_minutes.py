"""What a newcomer hit in the first five minutes with the command line (issue 14),
each run as they ran it: ``python -m aireader`` in a subprocess, its output in a
pipe, a file or a pseudo-terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from aireader import paths
from aireader.core.library import load_library
from aireader.core.store import Store
from test_cli import env, hits, run

WriteArticle = Callable[..., Path]


def one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """The single line of stderr of a command that failed with ``code``."""
    assert result.returncode == code, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aireader")
    return lines[0]


# -- 12. the reader needs a terminal ---------------------------------------------------


@pytest.mark.parametrize("stdin", ["pty", "devnull"])
def test_the_reader_into_a_file_says_it_needs_a_terminal(tmp_path: Path, stdin: str) -> None:
    """``aireader > file`` wrote escape codes into the file and hung: now one line, exit 2."""
    import pty

    leader, follower = pty.openpty()
    target = tmp_path / "out.txt"
    try:
        with target.open("w") as out:
            result = subprocess.run(
                [sys.executable, "-m", "aireader"],
                stdin=follower if stdin == "pty" else subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                env=env(),
                timeout=30,
            )
    finally:
        os.close(leader)
        os.close(follower)
    line = one_line_error(result)
    assert "needs a terminal" in line and "standard output" in line
    assert target.read_bytes() == b""  # no escape codes, nothing at all


def test_the_reader_with_input_from_a_file_says_it_needs_a_terminal(tmp_path: Path) -> None:
    import pty

    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "aireader"],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
            timeout=30,
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert "standard input is not one" in one_line_error(result)


# -- 13. search into a pipe: one hit a line ----------------------------------------------

LONG_TITLE = (
    "A very long title about Sora that goes on well past eighty columns of any terminal and on"
)


def test_search_into_a_pipe_is_one_hit_a_line(
    library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("long.md", f"---\ntitle: {LONG_TITLE}\ndate: 2024-02-01\n---\nSora body.\n")
    write_article("short.md", "---\ntitle: Short\ndate: 2024-01-01\n---\nAlso about Sora.\n")
    result = run("search", "sora", library_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2  # no wrapping, no blank line between hits
    found = hits(result.stdout)
    assert [hit["title"] for hit in found] == [LONG_TITLE, "Short"]
    assert found[0]["snippet"] == "[Sora] body."
    assert found[1]["day"] == "2024-01-01" and found[1]["flags"] == "N-"
    assert lines[1] == "2024-01-01   N-  Short  (short.md)  Also about [Sora]."


# -- 15. what a newcomer expected ---------------------------------------------------------


def test_an_unknown_command_names_the_commands() -> None:
    line = one_line_error(run("frobnicate"))
    assert "no such folder" not in line
    assert "frobnicate" in line
    for command in ("list", "search", "mark", "export", "state", "config"):
        assert command in line
    assert "did you mean 'search'" in one_line_error(run("serch", "sora"))


def test_a_missing_path_is_still_no_such_folder(tmp_path: Path) -> None:
    assert "no such folder" in one_line_error(run(tmp_path / "gone"))
    assert "no such file" in one_line_error(run(tmp_path / "gone.md"))


def test_list_of_an_empty_folder_says_so(library_dir: Path) -> None:
    line = one_line_error(run("list", library_dir), code=1)
    assert line == f"aireader: no articles in {library_dir.resolve()}"
    (library_dir / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    line = one_line_error(run("list", library_dir), code=1)
    assert "no articles in" in line and "1 file could not be loaded" in line
    assert "aireader list --skipped" in line


def test_list_help_names_every_json_field() -> None:
    out = run("list", "--help").stdout
    help_text = " ".join(out.split())
    record = json.loads(run("list", "--json").stdout.splitlines()[0])
    for field in record:
        assert field in help_text, field
    assert "topics" in help_text and "extract" in help_text


@pytest.fixture
def started(library_dir: Path, write_article: WriteArticle) -> Path:
    """Two articles, one of them a fifth read (a position with many decimals)."""
    write_article("a.md", "---\ntitle: Alpha\ndate: 2024-01-01\n---\nText.\n")
    write_article("b.md", "---\ntitle: Beta\ndate: 2024-01-02\n---\nMore text.\n")
    (alpha,) = [a for a in load_library(library_dir).articles if a.title == "Alpha"]
    store = Store.open(paths.state_db_path())
    store.set_position(alpha, 0.1929562785689205)
    store.close()
    return library_dir


def test_progress_is_given_to_three_decimals_in_csv_and_json(started: Path) -> None:
    result = run("export", "--all", "--format", "csv", started)
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["Alpha"]["progress"] == "0.193"
    assert rows["Beta"]["progress"] == ""
    records = {
        r["title"]: r for r in map(json.loads, run("list", "--json", started).stdout.splitlines())
    }
    assert records["Alpha"]["progress"] == 0.193
    listed = run("list", started).stdout.splitlines()
    assert listed[1].endswith("(a.md)  19%")


def test_dates_from_the_file_time_are_marked(
    library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("dated.md", "---\ntitle: Dated\ndate: 2024-01-02\n---\nSora text.\n")
    write_article("undated.md", "# Undated\n\nSora text.\n", mtime=946_684_800.0)  # 2000-01-01
    write_article("2023-05-06-named.md", "# Named\n\nSora text.\n")
    listed = run("list", library_dir).stdout.splitlines()
    assert [line[:11] for line in listed] == ["2024-01-02 ", "2023-05-06 ", "2000-01-01~"]
    assert all(line[11:13] == "  " for line in listed)  # the columns stay aligned
    found = {hit["title"]: hit["day"] for hit in hits(run("search", "sora", library_dir).stdout)}
    assert found == {"Dated": "2024-01-02", "Named": "2023-05-06", "Undated": "2000-01-01~"}
    markdown = run("export", "--all", library_dir).stdout
    (undated,) = [line for line in markdown.splitlines() if "Undated" in line]
    assert "2000-01-01\\~" in undated  # ~, escaped: Markdown would strike it through


# -- 14. the snippet shows the match that ranked the article --------------------------------

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # the raw seed articles


@pytest.fixture
def pages(library_dir: Path, write_article: WriteArticle) -> Path:
    """Pages shaped like the raw seeds where the wrong passage was shown: a word of the
    phrase alone in an earlier paragraph, the phrase itself further down."""
    write_article(
        "llama.txt",
        "Can Sora win\n\nMany products rely on Meta's Llama 2 model, a year behind.\n\n"
        + "Filler text about other things. " * 8
        + "\n\nTested 2 times, 1 run(s) today\n",
    )
    write_article(
        "alibaba.txt",
        "Alibaba bets\n\nAlibaba is making a bold bet: opening access to its model.\n\n"
        + "More filler about the market. " * 8
        + "\n\nSend a Letter to the editors of the paper.\n",
    )
    write_article(
        "curtas.md",
        "# Disputa\n\nA tendência explosiva dos curtas-metragens de IA revela muito. "
        + "Mais texto sobre o mercado e os modelos. " * 5
        + '\n\nO CEO afirmou: "As séries curtas parecem ter aberto um novo mundo".\n',
    )
    return library_dir


def snippet_for(folder: Path, query: str) -> str:
    """The best hit's snippet, its highlights in [brackets] (from --json, whose form
    has not changed: the text output's has)."""
    result = run("search", query, "--json", folder)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.splitlines()[0])
    text, marked, at = record["snippet"], "", 0
    for start, end in record["highlights"]:
        marked += f"{text[at:start]}[{text[start:end]}]"
        at = end
    return marked + text[at:]


def test_piped_and_json_snippets_agree(pages: Path) -> None:
    piped = hits(run("search", '"Send a Letter"', pages).stdout)[0]["snippet"]
    assert piped == snippet_for(pages, '"Send a Letter"')


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        # The shape of the seeds' "Visited 2 times" and "Post a Comment" (page furniture,
        # now left out of the index): a phrase whose short words come earlier too.
        ('"Tested 2 times"', "[Tested 2 times], 1 run(s) today"),
        ('"Send a Letter"', "[Send a Letter] to the editors"),
        ('"series curtas"', '"As [séries curtas] parecem'),
    ],
)
def test_a_phrase_shows_the_passage_that_holds_it(pages: Path, query: str, shown: str) -> None:
    snippet = snippet_for(pages, query)
    assert shown in snippet
    assert snippet.count("[") == 1  # the phrase, whole, and no word of it alone


def test_a_phrase_in_json_highlights_the_phrase(pages: Path) -> None:
    result = run("search", '"Send a Letter"', "--json", pages)
    (record,) = map(json.loads, result.stdout.splitlines())
    snippet = record["snippet"]
    assert [snippet[a:b] for a, b in record["highlights"]] == ["Send a Letter"]


def test_words_show_where_they_come_together(pages: Path) -> None:
    """Two words: the paragraph with both beats an earlier one with one of them."""
    assert '"As [séries] [curtas] parecem' in snippet_for(pages, "series curtas")


def test_a_word_is_shown_standing_alone_before_in_a_hyphenated_word(pages: Path) -> None:
    assert '"As séries [curtas] parecem' in snippet_for(pages, "curtas")
    # Where it only comes hyphenated, that is still where it matched, and shown.
    assert "dos curtas-[metragens] de IA" in snippet_for(pages, "metragens")


def test_a_word_does_not_light_up_words_that_start_the_same(
    library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("a.md", "# A\n\nSoraya met Sora, and Soras, at the generator.\n")
    assert snippet_for(library_dir, "sora") == "Soraya met [Sora], and Soras, at the generator."
    asked = snippet_for(library_dir, "sora*")  # a prefix, when asked for
    assert asked == "[Soraya] met [Sora], and [Soras], at the generator."


def test_the_raw_seeds_show_the_phrase_asked_for(tmp_path: Path) -> None:
    import shutil

    seeds = shutil.copytree(SEEDS, tmp_path / "seeds")
    snippet = snippet_for(seeds, '"series curtas"')
    assert "[séries curtas]" in snippet and "metragens" not in snippet
    snippet = snippet_for(seeds, '"Llama 2 model"')
    assert "[Llama 2 model]" in snippet and snippet.count("[") == 1


# -- 15. mark a file by its path; export every bookmark ---------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def two_libraries(tmp_path: Path) -> dict[str, Path]:
    """The configured library, another folder, and a file in Downloads."""
    home = write(tmp_path / "home" / "a.md", "---\ntitle: Home one\ndate: 2024-03-01\n---\nA.\n")
    other = write(tmp_path / "other" / "b.md", "---\ntitle: Other one\ndate: 2024-02-01\n---\nB.\n")
    stray = write(tmp_path / "downloads" / "c.md", "# Stray one\n\nC.\n")
    config = write(tmp_path / "config.toml", f"folders = [{json.dumps(str(home.parent))}]\n")
    return {"home": home, "other": other, "stray": stray, "config": config}


def run_with(config: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aireader", *map(str, args)],
        capture_output=True,
        text=True,
        env={**env(), "AIREADER_CONFIG": str(config)},
        timeout=60,
    )


def test_mark_takes_a_path_outside_the_default_library(two_libraries: dict[str, Path]) -> None:
    config = two_libraries["config"]
    result = run_with(config, "mark", "read", two_libraries["other"])
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"read: Other one  ({two_libraries['other']})\n"
    listed = run_with(config, "list", "--folder", two_libraries["other"].parent).stdout
    assert listed.startswith("2024-02-01   --  Other one")  # read, where it lives


def test_export_bookmarks_takes_every_library(two_libraries: dict[str, Path]) -> None:
    config = two_libraries["config"]
    paths_ = [two_libraries[name] for name in ("home", "other", "stray")]
    assert run_with(config, "mark", "bookmark", *paths_).returncode == 0
    records = [
        json.loads(line)
        for line in run_with(config, "export", "--bookmarks", "--json").stdout.splitlines()
    ]
    assert [(r["title"], r["path"]) for r in records] == [
        ("Stray one", str(two_libraries["stray"])),  # newest first: its file's time, today
        ("Home one", str(two_libraries["home"])),
        ("Other one", str(two_libraries["other"])),
    ]
    only_home = run_with(
        config, "export", "--bookmarks", "--json", "--folder", two_libraries["home"].parent
    )
    assert [json.loads(line)["title"] for line in only_home.stdout.splitlines()] == ["Home one"]


def test_a_bookmark_whose_file_is_gone_is_exported_as_last_seen(
    two_libraries: dict[str, Path],
) -> None:
    config, other = two_libraries["config"], two_libraries["other"]
    assert run_with(config, "mark", "bookmark", other).returncode == 0
    other.write_text("---\ntitle: Other, renamed\ndate: 2024-02-01\n---\nB.\n", encoding="utf-8")
    run_with(config, "list", "--folder", other.parent)  # seen with its new title
    other.unlink()
    result = run_with(config, "export", "--bookmarks")
    assert result.returncode == 0, result.stderr
    (item,) = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert item.startswith(f"- [Other, renamed]({other.as_uri()})")
    assert "file not found" in item


# -- 15. one order for every command: --folder DIR names the library ----------------------


@pytest.fixture
def lib(library_dir: Path, write_article: WriteArticle) -> Path:
    write_article(
        "sora.md", "---\ntitle: Sora notes\ndate: 2024-03-01\ntags: [video]\n---\nSora.\n"
    )
    write_article("veo.md", "---\ntitle: Veo notes\ndate: 2024-02-01\ntags: [video]\n---\nVeo.\n")
    return library_dir


def test_every_command_names_its_library_with_folder(lib: Path) -> None:
    folder = str(lib)
    listed = run("list", "sora", "--folder", folder)
    assert [line[17:].split("  (")[0] for line in listed.stdout.splitlines()] == ["Sora notes"]
    assert [h["title"] for h in hits(run("search", "sora", "--folder", folder).stdout)] == [
        "Sora notes"
    ]
    assert run("--folder", folder, "search", "veo").stdout.count("Veo notes") == 1
    assert run("related", lib / "sora.md", "--folder", folder).stdout.startswith("1. 2024-02-01")
    assert run("mark", "bookmark", "tag:video", "--folder", folder).returncode == 0
    exported = run("export", "--all", "--format", "json", "--folder", folder).stdout
    assert [json.loads(line)["title"] for line in exported.splitlines()] == [
        "Sora notes",
        "Veo notes",
    ]
    for command in ("list", "search", "related", "mark", "export"):
        assert "--folder DIR" in run(command, "--help").stdout, command


def test_the_older_spellings_still_work(lib: Path) -> None:
    folder = str(lib)
    assert "Sora notes" in run("list", folder).stdout  # list FOLDER
    assert "Sora notes" in run("list", folder, "sora").stdout  # list FOLDER QUERY
    assert "Sora notes" in run("list", "sora", folder).stdout  # list QUERY FOLDER
    assert hits(run("search", "sora", folder).stdout)[0]["title"] == "Sora notes"
    assert run("export", "--all", folder).returncode == 0  # export --all FOLDER
    line = one_line_error(run("search", "sora", folder, "--folder", folder))
    assert "two folders" in line
