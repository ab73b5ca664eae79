"""The scripting commands: list with a query, mark, export, state, config, and the
settings flags. Run in-process through ``main()`` (quick), with a few runs of
``python -m aireader`` where real pipes matter."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import aireader
from aireader import paths
from aireader.cli import markdown_text
from aireader.core import config
from aireader.core.article import Article
from aireader.core.library import load_library
from aireader.core.store import ArticleState, Store

SRC = Path(aireader.__file__).resolve().parents[1]
WriteArticle = Callable[..., Path]


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]

    @property
    def titles(self) -> list[str]:
        """The titles of a text listing (``date~  flags  title  (relpath)[  42%]``, where
        the date and its mark take 11 columns)."""
        return [line[17:].rsplit("  (", 1)[0] for line in self.lines]


Cli = Callable[..., Result]


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file path of the test's own (absent until a test writes it), and
    none of the settings' environment variables."""
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv(config.CONFIG_ENV, str(path))
    for variable in config.ENV.values():
        monkeypatch.delenv(variable, raising=False)
    return path


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``aireader ARGS...`` in-process; standard input from ``stdin`` (bytes)."""
    from aireader.cli import main

    def run(*args: str | Path, stdin: bytes | None = None) -> Result:
        capsys.readouterr()
        saved = sys.stdin
        if stdin is not None:
            sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exc:  # argparse: --help, or a usage error
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdin = saved
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def assert_usage_error(result: Result, *words: str) -> None:
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("aireader")
    assert "Traceback" not in result.err
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.fixture
def library(library_dir: Path, write_article: WriteArticle) -> Path:
    """Three articles: newest first Sora, Veo, Alpha; by title Alpha, Sora, Veo.

    "veo" is in Veo's title and in Sora's text: ranked, Veo comes first.
    """
    write_article(
        "2024-01-05-veo.md",
        "---\ntitle: Veo notes\ntags: [video, google]\nauthor: Ann Lund\n"
        "source: example.org\nlink: https://example.org/veo_(model)\n---\n"
        "Google made a model that makes video.\n",
    )
    write_article(
        "news/sora.md",
        "---\ntitle: Sora arrives\ndate: 2024-03-01\ntags: [video, Sora AI]\n---\n"
        "Sora makes video from text, unlike veo.\n",
    )
    write_article(
        "alpha.md",
        "---\ntitle: Alpha\ndate: 2023-06-01\ntags: [misc]\n---\nNothing about models.\n",
    )
    return library_dir


NEWEST = ["Sora arrives", "Veo notes", "Alpha"]
OLDEST = ["Alpha", "Veo notes", "Sora arrives"]
BY_TITLE = ["Alpha", "Sora arrives", "Veo notes"]


def articles_of(folder: Path) -> dict[str, Article]:
    return {a.title: a for a in load_library(folder).articles}


@dataclass
class StateDir:
    """A data folder, with a way to set and read state as the CLI keeps it."""

    data: Path | None
    folder: Path

    def store(self) -> Store:
        return Store.open(paths.state_db_path(self.data))

    def states(self) -> dict[str, ArticleState]:
        store = self.store()
        try:
            by_identity = store.states(list(articles_of(self.folder).values()))
        finally:
            store.close()
        return {
            title: by_identity.get(a.identity, ArticleState())
            for title, a in articles_of(self.folder).items()
        }

    def set(self, action: Callable[[Store, dict[str, Article]], None]) -> None:
        store = self.store()
        try:
            action(store, articles_of(self.folder))
        finally:
            store.close()


@pytest.fixture
def state(library: Path) -> StateDir:
    """The state in the test's own data folder (AIREADER_DATA_DIR)."""
    return StateDir(None, library)


# ---------------------------------------------------------------------------
# Help and usage


COMMANDS = [
    ["list"],
    ["search"],
    ["mark"],
    ["export"],
    ["state"],
    ["state", "export"],
    ["state", "import"],
    ["config"],
    ["config", "path"],
    ["config", "init"],
    ["config", "show"],
]


@pytest.mark.parametrize("command", [[], *COMMANDS], ids=lambda c: " ".join(c) or "aireader")
def test_every_command_has_help_with_examples(cli: Cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert result.out.startswith("usage: aireader" + "".join(" " + c for c in command))
    assert "examples:" in result.out
    assert result.err == ""


def test_main_help_lists_the_commands_and_settings(cli: Cli) -> None:
    out = cli("--help").out
    for word in ("mark", "export", "state", "config", "--config", "--theme", "--sort"):
        assert word in out
    assert "--date-format" in out and "--no-sidebar" in out and "--no-mark-read-on-open" in out
    assert "Exit status: 0 done, 1 nothing matched, 2 bad usage or input" in out


@pytest.mark.parametrize(
    "args",
    [
        ["mark"],
        ["mark", "read"],
        ["mark", "skim", "sora"],
        ["mark", "read", "-sora"],
        ["export"],
        ["export", "--all", "--bookmarks"],
        ["export", "--all", "--format", "pdf"],
        ["export", "--all", "--json", "--format", "csv"],
        ["state"],
        ["state", "copy"],
        ["state", "export"],
        ["state", "import"],
        ["config"],
        ["config", "edit"],
        ["config", "show", "--bogus"],
        ["list", "--sort", "random"],
        ["list", "sora", "--skipped"],
        ["--sort", "random"],
    ],
)
def test_bad_usage_is_one_line(cli: Cli, args: list[str]) -> None:
    assert_usage_error(cli(*args), "error")


def test_a_query_with_a_dash_is_explained(cli: Cli, library: Path) -> None:
    assert_usage_error(cli("mark", "read", "-sora", "--folder", library), "after --")
    assert_usage_error(cli("list", library, "-sora"), "after --")
    result = cli("list", library, "--", "-sora")
    assert result.code == 0
    assert result.titles == ["Veo notes", "Alpha"]


def test_options_before_the_command(cli: Cli, library: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-data"
    result = cli(
        "--data-dir", other, "--sort", "title", "mark", "read", "is:unread", "--folder", library
    )
    assert result.code == 0
    assert [line.split(": ", 1)[1].rsplit("  (", 1)[0] for line in result.lines] == BY_TITLE
    assert (other / paths.STATE_FILE).is_file()
    assert cli("--sort", "oldest", "list", library).titles == OLDEST
    assert cli("--data-dir", other, "state", "export", "-").code == 0


# ---------------------------------------------------------------------------
# list: a query, progress, the order


def test_list_with_a_query(cli: Cli, library: Path) -> None:
    result = cli("list", library, "tag:video")
    assert result.code == 0
    assert result.titles == ["Sora arrives", "Veo notes"]  # no words: newest first
    assert result.lines[0].startswith("2024-03-01   N-  Sora arrives  (news/sora.md)")
    ranked = cli("list", library, "veo")
    assert ranked.titles == ["Veo notes", "Sora arrives"]  # the title match first


def test_list_with_a_query_json(cli: Cli, library: Path) -> None:
    records = cli("list", "--json", library, "tag:google").records
    assert [r["title"] for r in records] == ["Veo notes"]
    (veo,) = records
    assert veo["progress"] is None
    assert veo["path"] == str((library / "2024-01-05-veo.md").resolve())
    assert veo["tags"] == ["video", "google"]


def test_list_query_and_folder_in_either_order(cli: Cli, library: Path) -> None:
    assert cli("list", "veo", library).titles == ["Veo notes", "Sora arrives"]
    assert cli("list", library, "veo").titles == ["Veo notes", "Sora arrives"]
    assert cli("list", "veo", "--json", library).code == 0


def test_list_one_argument_is_the_folder_when_it_exists(
    cli: Cli, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("list", library).titles == NEWEST
    monkeypatch.chdir(library.parent)
    assert cli("list", library.name).titles == NEWEST
    bundled = cli("list", "alibaba")  # not a folder here: a query, over the default library
    assert bundled.code == 0
    assert bundled.titles[0] == "Alibaba is betting on the open source to dominate the race for AI"


def test_list_a_path_that_is_not_a_folder(cli: Cli, library: Path) -> None:
    assert_usage_error(cli("list", library / "missing"), "no such folder")
    assert_usage_error(cli("list", library / "alpha.md"), "not a folder")
    assert_usage_error(cli("list", "./missing/"), "no such folder")
    assert_usage_error(cli("list", "nowhere", "sora"), "no such folder: nowhere")


def test_list_nothing_matched(cli: Cli, library: Path) -> None:
    text = cli("list", library, "zebra")
    assert (text.code, text.out) == (1, "")
    assert text.err == "aireader: nothing matches zebra\n"
    as_json = cli("list", "--json", library, "zebra")
    assert (as_json.code, as_json.out, as_json.err) == (1, "", "")


def test_list_bad_query(cli: Cli, library: Path) -> None:
    assert_usage_error(cli("list", library, "colour:red"), "bad query", "colour:")
    assert_usage_error(cli("list", library, '"unclosed'), "bad query")


def test_list_shows_progress_of_started_articles(cli: Cli, state: StateDir) -> None:
    def read_some(store: Store, articles: dict[str, Article]) -> None:
        store.set_position(articles["Veo notes"], 0.42)
        store.set_position(articles["Sora arrives"], 0.995)  # finished
        store.set_position(articles["Alpha"], 0.01)  # barely opened

    state.set(read_some)
    result = cli("list", state.folder)
    assert result.code == 0
    lines = {title: line for title, line in zip(result.titles, result.lines, strict=True)}
    assert lines["Veo notes"].endswith("(2024-01-05-veo.md)  42%")
    assert lines["Sora arrives"].endswith("(news/sora.md)")
    assert lines["Alpha"].endswith("(alpha.md)")
    records = {r["title"]: r for r in cli("list", "--json", state.folder).records}
    assert records["Veo notes"]["progress"] == pytest.approx(0.42)
    assert records["Sora arrives"]["progress"] is None
    assert records["Alpha"]["progress"] is None


@pytest.mark.parametrize(
    ("sort", "titles"), [("newest", NEWEST), ("oldest", OLDEST), ("title", BY_TITLE)]
)
def test_list_sort(cli: Cli, library: Path, sort: str, titles: list[str]) -> None:
    assert cli("list", library, "--sort", sort).titles == titles
    records = cli("list", library, "--json", "--sort", sort).records
    assert [r["title"] for r in records] == titles
    assert cli("list", library, "tag:video", "--sort", sort).titles == [
        t for t in titles if t != "Alpha"
    ]


def test_list_ranking_beats_the_sort(cli: Cli, library: Path) -> None:
    assert cli("list", library, "veo", "--sort", "oldest").titles == ["Veo notes", "Sora arrives"]
    assert cli("list", library, "veo", "--sort", "title").titles == ["Veo notes", "Sora arrives"]


# ---------------------------------------------------------------------------
# Settings: precedence, problems, the configured folder


def test_precedence_flag_environment_config_default(
    cli: Cli, library: Path, no_user_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("list", library).titles == NEWEST  # the default
    no_user_settings.parent.mkdir()
    no_user_settings.write_text('sort = "oldest"\n', encoding="utf-8")
    assert cli("list", library).titles == OLDEST  # the config file
    monkeypatch.setenv("AIREADER_SORT", "title")
    assert cli("list", library).titles == BY_TITLE  # the environment over the file
    assert cli("list", library, "--sort", "newest").titles == NEWEST  # the flag over both


def test_config_flag_over_the_environment_variable(
    cli: Cli, library: Path, tmp_path: Path, no_user_settings: Path
) -> None:
    no_user_settings.parent.mkdir()
    no_user_settings.write_text('sort = "oldest"\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('sort = "title"\n', encoding="utf-8")
    assert cli("list", library, "--config", other).titles == BY_TITLE
    assert cli("--config", other, "list", library).titles == BY_TITLE
    assert cli("list", library).titles == OLDEST


def test_config_flag_naming_no_file_is_a_usage_error(
    cli: Cli, library: Path, tmp_path: Path
) -> None:
    assert_usage_error(
        cli("list", library, "--config", tmp_path / "nope.toml"), "no such config file"
    )
    assert_usage_error(cli("--config", tmp_path, "list", library), "is a folder")
    missing = tmp_path / "missing.toml"
    assert_usage_error(cli("--config", missing), "no such config file")  # the reader too


def test_config_problems_are_one_line_each_and_the_command_still_works(
    cli: Cli, library: Path, no_user_settings: Path
) -> None:
    no_user_settings.parent.mkdir()
    no_user_settings.write_text(
        '# my settings\nsort = "title"\ncolour = "red"\n\nsidebar = "yes"\n', encoding="utf-8"
    )
    result = cli("list", library)
    assert result.code == 0
    assert result.titles == BY_TITLE  # the good setting applies
    unknown, wrong = result.err.splitlines()
    assert unknown.startswith(f"aireader: {no_user_settings} line 3: ")
    assert "'colour'" in unknown
    assert wrong.startswith(f"aireader: {no_user_settings} line 5: ")
    assert "'sidebar' must be true or false" in wrong
    records = cli("list", "--json", library)
    assert len(records.records) == 3
    assert len(records.err.splitlines()) == 2


def test_config_problem_with_control_characters_is_one_clean_line(
    cli: Cli, library: Path, no_user_settings: Path
) -> None:
    no_user_settings.parent.mkdir()
    no_user_settings.write_text('"\\u001b]0;evil\\u0007\\nx" = 1\n', encoding="utf-8")
    result = cli("list", library)
    assert result.code == 0
    (line,) = result.err.splitlines()
    assert "\x1b" not in line and "\x07" not in line
    assert "line 1" in line


def test_bad_flag_value_is_reported_and_the_command_works(cli: Cli, library: Path) -> None:
    result = cli("list", library, "--date-format", "plain")
    assert result.code == 0
    assert result.titles == NEWEST
    assert result.err.startswith("aireader: --date-format: 'date_format' must be")


def test_the_configured_folder_is_the_default(
    cli: Cli, library: Path, no_user_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_user_settings.parent.mkdir()
    no_user_settings.write_text(f"folders = [{json.dumps(str(library))}]\n", encoding="utf-8")
    assert cli("list").titles == NEWEST
    assert cli("list", "veo").titles == ["Veo notes", "Sora arrives"]
    assert cli("search", "veo", "--json").records[0]["title"] == "Veo notes"
    assert cli("export", "--all", "--json").code == 0
    assert cli("mark", "read", "tag:google").lines == ["read: Veo notes  (2024-01-05-veo.md)"]
    bundled = cli("list", paths.bundled_library())  # a folder given is stronger
    assert len(bundled.lines) == 4
    monkeypatch.setenv("AIREADER_FOLDERS", str(paths.bundled_library()))
    assert len(cli("list").lines) == 4  # the environment over the file


def test_a_configured_folder_that_is_gone(
    cli: Cli, tmp_path: Path, no_user_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    no_user_settings.parent.mkdir()
    no_user_settings.write_text(f"folders = [{json.dumps(str(gone))}]\n", encoding="utf-8")
    for command in (["list"], ["export", "--all"], ["mark", "read", "sora"], ["search", "x"], []):
        assert_usage_error(cli(*command), f"no such folder: {gone}", str(no_user_settings))
    monkeypatch.setenv("AIREADER_FOLDERS", str(gone))
    assert_usage_error(cli("list"), "no such folder", "AIREADER_FOLDERS")


class FakeApp:
    """Stands in for ReaderApp: records how the reader would have been started."""

    started: list[tuple[Path, Any, Any]]
    opened: Path | None

    def __init__(
        self,
        folder: Path,
        store: Store,
        settings: Any = None,
        problems: Any = (),
        open_path: Path | None = None,
    ) -> None:
        FakeApp.started.append((folder, settings, list(problems)))
        FakeApp.opened = open_path
        self.writer = self

    def run(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_the_reader_gets_the_settings_and_the_problems(
    cli: Cli, library: Path, no_user_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aireader.ui.app

    FakeApp.started = []
    monkeypatch.setattr(aireader.ui.app, "ReaderApp", FakeApp)
    monkeypatch.setattr("aireader.cli._terminal_problem", lambda: None)  # as if on a terminal
    no_user_settings.parent.mkdir()
    no_user_settings.write_text(
        f'folders = [{json.dumps(str(library))}]\ntheme = "nord"\nbogus = 1\n', encoding="utf-8"
    )
    result = cli(
        "--sort", "title", "--no-sidebar", "--no-mark-read-on-open", "--date-format", "%d/%m"
    )
    assert result.code == 0
    assert result.err == ""  # the reader shows the problems, not stderr
    ((folder, settings, problems),) = FakeApp.started
    assert folder == library.resolve()
    assert (settings.theme, settings.sort, settings.date_format) == ("nord", "title", "%d/%m")
    assert settings.sidebar is False and settings.mark_read_on_open is False
    assert settings.origin["sort"] == "flag" and settings.origin["theme"] == "config"
    (problem,) = problems
    assert "'bogus'" in problem and "line 3" in problem
    assert cli("--sidebar", paths.bundled_library()).code == 0
    assert FakeApp.started[1][0] == paths.bundled_library().resolve()
    assert FakeApp.started[1][1].sidebar is True


# ---------------------------------------------------------------------------
# mark


def test_mark_read_by_query(cli: Cli, state: StateDir) -> None:
    result = cli("mark", "read", "tag:video", "--folder", state.folder)
    assert result.code == 0
    assert result.lines == [
        "read: Sora arrives  (news/sora.md)",
        "read: Veo notes  (2024-01-05-veo.md)",
    ]
    assert result.err == ""
    states = state.states()
    assert states["Sora arrives"].read and states["Veo notes"].read
    assert not states["Alpha"].read
    again = cli("mark", "read", "tag:video", "--folder", state.folder)
    assert (again.code, again.out) == (0, "")
    assert again.err == "aireader: 2 articles matched but were already read\n"
    partly = cli("mark", "read", "is:unread OR tag:google", "--folder", state.folder)
    assert partly.lines == ["read: Alpha  (alpha.md)"]
    assert partly.err == "aireader: 1 article matched but was already read\n"


def test_mark_json(cli: Cli, state: StateDir) -> None:
    result = cli("mark", "bookmark", "veo", "--json", "--folder", state.folder)
    assert result.code == 0
    records = result.records
    assert [r["title"] for r in records] == ["Veo notes", "Sora arrives"]  # ranked
    assert all(r["bookmarked"] is True and r["read"] is False for r in records)
    listed = {r["title"]: r for r in cli("list", "--json", state.folder).records}
    for record in records:
        expected = {k: v for k, v in listed[record["title"]].items() if k != "extract"}
        assert record == expected  # the record after the change (no extract: not listed)
    undone = cli("mark", "unbookmark", "tag:google", "--json", "--folder", state.folder).records
    assert [(r["title"], r["bookmarked"]) for r in undone] == [("Veo notes", False)]
    assert not state.states()["Veo notes"].bookmarked
    assert state.states()["Sora arrives"].bookmarked


def test_mark_unread_and_unbookmark(cli: Cli, state: StateDir) -> None:
    state.set(lambda store, a: store.set_read(a.values(), True))
    state.set(lambda store, a: store.set_bookmarked([a["Alpha"]], True))
    result = cli("mark", "unread", "title:alpha OR title:sora", "--folder", state.folder)
    assert sorted(result.lines) == [
        "unread: Alpha  (alpha.md)",
        "unread: Sora arrives  (news/sora.md)",
    ]
    result = cli("mark", "unbookmark", "is:bookmarked", "--folder", state.folder)
    assert result.lines == ["unbookmarked: Alpha  (alpha.md)"]
    states = state.states()
    assert [t for t, s in states.items() if s.read] == ["Veo notes"]
    assert not any(s.bookmarked for s in states.values())


def test_mark_by_paths(cli: Cli, state: StateDir, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = state.folder
    monkeypatch.chdir(folder)
    result = cli("mark", "bookmark", "news/sora.md", folder / "alpha.md", "--folder", folder)
    assert result.code == 0
    assert result.lines == [
        "bookmarked: Sora arrives  (news/sora.md)",
        "bookmarked: Alpha  (alpha.md)",
    ]
    states = state.states()
    assert [t for t, s in states.items() if s.bookmarked] == ["Sora arrives", "Alpha"]
    as_json = cli("mark", "read", "./news/../alpha.md", "--json", "--folder", folder)
    (record,) = as_json.records
    assert record["title"] == "Alpha" and record["read"] is True and record["bookmarked"] is True


def test_mark_by_a_symlinked_path(cli: Cli, state: StateDir, tmp_path: Path) -> None:
    link = tmp_path / "elsewhere.md"
    link.symlink_to(state.folder / "alpha.md")
    result = cli("mark", "read", link, "--folder", state.folder)
    assert result.lines == ["read: Alpha  (alpha.md)"]


def test_mark_a_file_outside_the_library_by_its_path_alone(
    cli: Cli, state: StateDir, tmp_path: Path
) -> None:
    """A path names its article: no --folder, and no library it must belong to."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    stray = downloads / "stray.md"
    stray.write_text("# Stray\n\nSome text.\n")
    result = cli("mark", "read", stray)
    assert (result.code, result.err) == (0, "")
    assert result.lines == [f"read: Stray  ({stray})"]
    assert cli("mark", "bookmark", state.folder / "alpha.md", stray).code == 0
    assert cli("list", "--folder", downloads).lines == [
        f"{today_mtime(stray)}  -B  Stray  (stray.md)"
    ]
    assert state.states()["Alpha"].bookmarked
    (record,) = cli("mark", "unread", stray, "--json", "--folder", state.folder).records
    assert (record["path"], record["read"], record["bookmarked"]) == (str(stray), False, True)


def today_mtime(path: Path) -> str:
    """How list shows the date of a file without one: its time, marked ~."""
    from datetime import datetime

    return datetime.fromtimestamp(path.stat().st_mtime).date().isoformat() + "~"


def test_mark_a_file_that_is_not_an_article(cli: Cli, state: StateDir, tmp_path: Path) -> None:
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF-1.4")
    result = cli("mark", "read", state.folder / "alpha.md", paper)
    assert_usage_error(result, "not an article", str(paper), ".md")
    assert not state.states()["Alpha"].read  # nothing marked when one path is wrong


def test_mark_a_file_that_was_skipped(
    cli: Cli, state: StateDir, write_article: WriteArticle
) -> None:
    broken = write_article("broken.md", "---\ntitle: [unclosed\n---\nBody.\n")
    assert_usage_error(cli("mark", "read", broken, "--folder", state.folder), "could not be loaded")


def test_mark_several_arguments_that_are_not_all_files(cli: Cli, state: StateDir) -> None:
    result = cli("mark", "read", state.folder / "alpha.md", "sora", "--folder", state.folder)
    assert_usage_error(result, "not a file: sora", "one query in quotes")


def test_mark_nothing_matched(cli: Cli, state: StateDir) -> None:
    result = cli("mark", "read", "zebra", "--folder", state.folder)
    assert (result.code, result.out) == (1, "")
    assert result.err == "aireader: nothing matches zebra\n"
    assert cli("mark", "read", "zebra", "--json", "--folder", state.folder).code == 1


def test_mark_bad_targets(cli: Cli, state: StateDir) -> None:
    folder = state.folder
    assert_usage_error(cli("mark", "read", folder / "news", "--folder", folder), "is a folder")
    assert_usage_error(cli("mark", "read", folder / "nope.md", "--folder", folder), "no such file")
    assert_usage_error(cli("mark", "read", "", "--folder", folder), "nothing to match")
    assert_usage_error(cli("mark", "read", "(sora", "--folder", folder), "bad query")
    assert_usage_error(cli("mark", "read", "sora", "--folder", folder / "nope"), "no such folder")
    assert not any(s.read for s in state.states().values())


def test_mark_when_the_state_cannot_be_saved(cli: Cli, state: StateDir, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = cli("mark", "read", "sora", "--folder", state.folder, "--data-dir", blocker)
    assert_usage_error(result, "cannot use data folder")


# ---------------------------------------------------------------------------
# export


@pytest.fixture
def marked(state: StateDir) -> StateDir:
    """Veo bookmarked and read, Sora bookmarked, Alpha read."""

    def mark(store: Store, articles: dict[str, Article]) -> None:
        store.set_bookmarked([articles["Veo notes"], articles["Sora arrives"]], True)
        store.set_read([articles["Veo notes"], articles["Alpha"]], True)

    state.set(mark)
    return state


def test_export_bookmarks_markdown(cli: Cli, marked: StateDir) -> None:
    result = cli("export", "--bookmarks", marked.folder)
    assert result.code == 0
    lines = result.lines
    assert lines[0] == "# Bookmarks"
    assert re.fullmatch(r"2 articles, exported by aireader on \d{4}-\d\d-\d\d\.", lines[2])
    items = [line for line in lines if line.startswith("- ")]
    sora_uri = (marked.folder / "news" / "sora.md").resolve().as_uri()
    assert items == [
        f"- [Sora arrives]({sora_uri}) — 2024-03-01 · #video #Sora-AI · bookmarked",
        "- [Veo notes](https://example.org/veo_%28model%29) — example.org, Ann Lund · "
        "2024-01-05 · #video #google · read, bookmarked",
    ]


def test_export_all_markdown_is_a_reading_list(cli: Cli, marked: StateDir) -> None:
    result = cli("export", "--all", marked.folder, "--sort", "title")
    assert result.lines[0] == "# Reading list"
    items = [line for line in result.lines if line.startswith("- ")]
    assert [re.match(r"- \[(.*?)\]", item)[1] for item in items] == BY_TITLE  # type: ignore[index]
    assert items[0].endswith("— 2023-06-01 · #misc · read")


def test_export_json(cli: Cli, marked: StateDir) -> None:
    result = cli("export", "--bookmarks", marked.folder, "--format", "json")
    assert result.code == 0
    listed = {r["title"]: r for r in cli("list", "--json", marked.folder).records}
    assert result.records == [listed["Sora arrives"], listed["Veo notes"]]
    assert cli("export", "--bookmarks", marked.folder, "--json").out == result.out


def test_export_csv(cli: Cli, marked: StateDir) -> None:
    result = cli("export", "--all", marked.folder, "--format", "csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [row["title"] for row in rows] == NEWEST
    sora, veo, alpha = rows
    assert list(sora) == [
        "path",
        "title",
        "date",
        "date_source",
        "tags",
        "author",
        "source",
        "lang",
        "link",
        "draft",
        "read",
        "bookmarked",
        "progress",
    ]
    assert sora["tags"] == "video; Sora AI"
    assert (sora["read"], sora["bookmarked"]) == ("false", "true")
    assert (veo["read"], veo["bookmarked"]) == ("true", "true")
    assert veo["author"] == "Ann Lund" and veo["source"] == "example.org"
    assert veo["link"] == "https://example.org/veo_(model)"
    assert veo["date"] == "2024-01-05" and veo["date_source"] == "filename"
    assert alpha["path"] == str((marked.folder / "alpha.md").resolve())
    assert alpha["progress"] == "" and alpha["author"] == ""


def test_export_with_a_query(cli: Cli, marked: StateDir) -> None:
    result = cli("export", "--all", marked.folder, "--query", "tag:video is:read", "--json")
    assert [r["title"] for r in result.records] == ["Veo notes"]
    none = cli("export", "--bookmarks", marked.folder, "--query", "tag:misc")
    assert (none.code, none.out) == (1, "")
    assert none.err == "aireader: nothing to export: no bookmarked articles match tag:misc\n"
    assert_usage_error(cli("export", "--all", marked.folder, "--query", "a OR"), "bad query")


@pytest.mark.parametrize("form", ["md", "json", "csv"])
def test_export_nothing_bookmarked(cli: Cli, library: Path, form: str) -> None:
    result = cli("export", "--bookmarks", library, "--format", form)
    assert (result.code, result.out) == (1, "")
    assert result.err == "aireader: nothing to export: no bookmarked articles\n"


HOSTILE_TITLES = [
    "Click [here](https://evil.example/a) now",
    "<a href='https://evil.example/b'>x</a> & <img src=x onerror=alert(1)>",
    "Go to https://evil.example.com/c or www.evil.com today",
    "*not bold* _nor this_ `nor code` \\ back ~~struck~~ &amp; [ref]: /x",
    "Mail bad@evil.com ![img](https://evil.example/d.png)",
]


def links(markdown: str) -> list[tuple[str, str]]:
    """Every link a Markdown renderer (markdown-it, GFM-like with autolinks when it
    can) makes: its address and its text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("gfm-like" if importlib.util.find_spec("linkify_it") else "commonmark")
    md.validateLink = lambda url: True  # markdown-it refuses file: links; they are wanted here
    found: list[tuple[str, str]] = []

    def walk(tokens: list[Any]) -> Iterator[Any]:
        for token in tokens:
            yield token
            yield from walk(token.children or [])

    current: list[str] | None = None
    for token in walk(md.parse(markdown)):
        if token.type == "link_open":
            current = [str(token.attrs["href"])]
            text: list[str] = []
        elif token.type in ("image", "html_inline", "html_block"):
            found.append((token.type, token.content))
        elif token.type == "link_close" and current is not None:
            found.append((current[0], "".join(text)))
            current = None
        elif current is not None and token.type in ("text", "code_inline"):
            text.append(token.content)
    return found


def test_export_markdown_titles_cannot_inject(
    cli: Cli, library_dir: Path, write_article: WriteArticle
) -> None:
    for i, title in enumerate(HOSTILE_TITLES):
        write_article(
            f"h{i}.md",
            f"---\ntitle: {json.dumps(title)}\ndate: 2024-01-0{i + 1}\n"
            f"tags: ['x](https://evil.example/t)', 'plain']\nauthor: '[a](https://evil.example/u)'\n---\nBody.\n",
        )
    result = cli("export", "--all", library_dir, "--sort", "oldest")
    assert result.code == 0
    made = links(result.out)
    expected = [
        ((library_dir / f"h{i}.md").resolve().as_uri(), title)
        for i, title in enumerate(HOSTILE_TITLES)
    ]
    assert made == expected  # one link per article, to its file, its text the title as written


def test_markdown_text_escapes() -> None:
    assert markdown_text("a [b](c) <d>") == r"a \[b\]\(c\) \<d\>"
    assert markdown_text("see https://x.com www.y.com") == r"see https\://x.com www\.y.com"
    assert markdown_text("plain words, 3.5% - fine #1") == "plain words, 3.5% - fine #1"
    assert markdown_text("line\nbreak\x1b[31m") == "line break"


def test_export_link_that_is_not_a_web_address_is_the_file(
    cli: Cli, library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("a b (1).md", "---\ntitle: Spaced\nlink: javascript:alert(1)\n---\nx\n")
    result = cli("export", "--all", library_dir)
    (item,) = [line for line in result.lines if line.startswith("- ")]
    assert "javascript" not in item
    assert item.startswith("- [Spaced](file://") and "a%20b%20%281%29.md)" in item
    assert links(result.out) == [((library_dir / "a b (1).md").resolve().as_uri(), "Spaced")]


def test_export_csv_is_safe_for_spreadsheets(
    cli: Cli, library_dir: Path, write_article: WriteArticle
) -> None:
    write_article(
        "f.md",
        "---\ntitle: '=HYPERLINK(\"https://evil.example\")'\nauthor: '@evil'\n"
        "tags: ['+x', 'ok']\n---\nx\n",
    )
    (row,) = csv.DictReader(io.StringIO(cli("export", "--all", library_dir, "--format", "csv").out))
    assert row["title"] == '\'=HYPERLINK("https://evil.example")'
    assert row["author"] == "'@evil"
    assert row["tags"] == "'+x; ok"


# ---------------------------------------------------------------------------
# state export and import


def export_of(data: Path) -> dict[str, Any]:
    store = Store.open(paths.state_db_path(data))
    try:
        exported = store.export_state()
    finally:
        store.close()
    exported.pop("exported_at")
    return exported


def test_state_export_to_a_file(cli: Cli, marked: StateDir, tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old contents")
    result = cli("state", "export", target)
    assert result.code == 0
    assert result.out == f"exported the state of 3 articles and 0 saved searches to {target}\n"
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "aireader-state"
    assert len(data["articles"]) == 3
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_state_export_to_standard_output(cli: Cli, marked: StateDir) -> None:
    result = cli("state", "export", "-")
    assert result.code == 0
    assert result.err == ""
    data = json.loads(result.out)
    data.pop("exported_at")
    assert data == export_of(paths.data_dir())


def test_state_export_that_cannot_be_written(cli: Cli, marked: StateDir, tmp_path: Path) -> None:
    assert_usage_error(
        cli("state", "export", tmp_path / "no" / "such" / "dir.json"), "cannot write"
    )
    assert_usage_error(cli("state", "export", tmp_path), "it is a folder")
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_state_round_trip_merge_newest_wins_nothing_lost(
    cli: Cli, library: Path, tmp_path: Path
) -> None:
    """Two machines changed the same articles: after merging both ways, both have
    the newest change of each field, and what only one had."""
    here, there = StateDir(tmp_path / "here", library), StateDir(tmp_path / "there", library)

    def on_here(store: Store, a: dict[str, Article]) -> None:
        store.set_read([a["Veo notes"]], True, when=100.0)  # later unread there
        store.set_bookmarked([a["Veo notes"]], True, when=300.0)  # newer than there
        store.set_position(a["Sora arrives"], 0.5, when=100.0)
        store.save_search("videos", "tag:video")

    def on_there(store: Store, a: dict[str, Article]) -> None:
        store.set_read([a["Veo notes"]], False, when=200.0)
        store.set_bookmarked([a["Veo notes"]], False, when=150.0)
        store.set_position(a["Sora arrives"], 0.75, when=250.0)
        store.set_read([a["Alpha"]], True, when=50.0)  # only there

    here.set(on_here)
    there.set(on_there)
    file = tmp_path / "here.json"
    assert cli("state", "export", file, "--data-dir", here.data).code == 0
    merged = cli("state", "import", file, "--merge", "--data-dir", there.data)
    assert merged.code == 0, merged.err
    assert merged.out == (
        f"merged from {file}: 0 articles added, 1 updated, 1 unchanged; "
        "1 saved search added or changed\n"
    )
    assert not list((tmp_path / "there").glob("*before-import*"))  # no backup for a merge
    states = there.states()
    veo, sora, alpha = states["Veo notes"], states["Sora arrives"], states["Alpha"]
    assert (veo.read, veo.read_set_at) == (False, 200.0)  # there's newer unread kept
    assert (veo.bookmarked, veo.bookmark_set_at) == (True, 300.0)  # here's newer bookmark taken
    assert (sora.position, sora.progress) == (0.75, 0.75)
    assert alpha.read  # only there: kept
    store = there.store()
    assert [(s.name, s.query) for s in store.saved_searches()] == [("videos", "tag:video")]
    store.close()

    back = tmp_path / "there.json"
    assert cli("state", "export", back, "--data-dir", there.data).code == 0
    result = cli("state", "import", back, "--merge", "--json", "--data-dir", here.data)
    assert result.records == [
        {
            "added": 1,
            "updated": 2,
            "unchanged": 0,
            "searches": 0,
            "removed": 0,
            "removed_searches": 0,
            "merge": True,
            "backup": None,
        }
    ]
    assert export_of(tmp_path / "here")["articles"] == export_of(tmp_path / "there")["articles"]
    assert (
        cli("list", "--json", library, "--data-dir", here.data).records
        == cli("list", "--json", library, "--data-dir", there.data).records
    )


def test_state_import_without_merge_replaces_and_leaves_a_backup(
    cli: Cli, library: Path, tmp_path: Path
) -> None:
    here, there = StateDir(tmp_path / "here", library), StateDir(tmp_path / "there", library)
    here.set(lambda store, a: store.set_bookmarked([a["Veo notes"]], True, when=10.0))
    there.set(lambda store, a: store.set_read([a["Alpha"], a["Veo notes"]], True, when=20.0))
    there.set(lambda store, _: store.save_search("old", "is:read"))
    before = export_of(tmp_path / "there")
    file = tmp_path / "here.json"
    cli("state", "export", file, "--data-dir", here.data)

    result = cli("state", "import", file, "--data-dir", there.data)
    assert result.code == 0, result.err
    (backup,) = (tmp_path / "there").glob("state.sqlite3.before-import-*")
    assert re.fullmatch(r"state\.sqlite3\.before-import-\d{8}-\d{6}", backup.name)
    saved, done = result.lines
    assert saved == f"the state before the import is saved in {backup}"
    assert done == (
        f"imported from {file}: 0 articles added, 1 updated, 0 unchanged, "
        "1 not in the file removed; 0 saved searches added or changed, 1 removed"
    )
    assert export_of(tmp_path / "there") == export_of(tmp_path / "here")  # exactly the file
    states = there.states()
    assert states["Veo notes"].bookmarked and not states["Veo notes"].read
    assert not states["Alpha"].read

    restored = Store.open(backup)  # the backup is the state as it was
    try:
        exported = restored.export_state()
    finally:
        restored.close()
    exported.pop("exported_at")
    assert exported == before


def test_state_import_json_names_the_backup(cli: Cli, marked: StateDir, tmp_path: Path) -> None:
    file = tmp_path / "s.json"
    cli("state", "export", file)
    (record,) = cli("state", "import", file, "--json").records
    assert record["merge"] is False
    assert (record["added"], record["updated"], record["unchanged"]) == (0, 0, 3)
    assert Path(record["backup"]).is_file()
    (second,) = cli("state", "import", file, "--json").records  # same second: its own name
    assert second["backup"] != record["backup"] and Path(second["backup"]).is_file()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", ["not a state file", "not JSON", "line 1"]),
        (b"\xff\xfe\x00garbage", ["not a state file"]),
        (b'{"format": "something else"}', ["not an aireader state file", "nothing was imported"]),
        (
            b'{"format": "aireader-state", "version": 1, "articles": [{"identity": "x"}], '
            b'"saved_searches": []}',
            ["articles[0]", "'path' is missing"],
        ),
        (
            b'{"format": "aireader-state", "version": 99, "articles": [], "saved_searches": []}',
            ["newer"],
        ),
        (b"[" * 100_000, ["not a state file"]),
    ],
)
@pytest.mark.parametrize("merge", [False, True])
def test_bad_state_file_changes_nothing(
    cli: Cli, marked: StateDir, tmp_path: Path, content: bytes, words: list[str], merge: bool
) -> None:
    before = export_of(paths.data_dir())
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = cli("state", "import", bad, *(["--merge"] if merge else []))
    assert_usage_error(result, *words)
    assert export_of(paths.data_dir()) == before
    assert not list(paths.data_dir().glob("*before-import*"))  # no backup left for nothing


def test_state_import_missing_file(cli: Cli, marked: StateDir, tmp_path: Path) -> None:
    assert_usage_error(cli("state", "import", tmp_path / "nope.json"), "cannot read", "nope.json")
    assert_usage_error(cli("state", "import", tmp_path), "it is a folder")


def test_state_import_from_standard_input(cli: Cli, marked: StateDir, tmp_path: Path) -> None:
    exported = cli("state", "export", "-").out
    other = tmp_path / "other"
    result = cli("state", "import", "-", "--data-dir", other, stdin=exported.encode())
    assert result.code == 0, result.err
    assert result.lines[-1].startswith("imported from standard input: 3 articles added")
    assert export_of(other) == export_of(paths.data_dir())
    bad = cli("state", "import", "-", "--merge", "--data-dir", other, stdin=b"nope")
    assert_usage_error(bad, "standard input is not a state file")


def test_state_through_a_pipe_between_two_processes(marked: StateDir, tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [sys.executable, "-m", "aireader", "state"]
    exported = subprocess.run(
        [*command, "export", "-"], capture_output=True, env=environment, timeout=60, check=True
    )
    other = tmp_path / "other"
    imported = subprocess.run(
        [*command, "import", "-", "--merge", "--data-dir", str(other)],
        input=exported.stdout,
        capture_output=True,
        env=environment,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    assert b"merged from standard input: 3 articles added" in imported.stdout
    assert export_of(other) == export_of(paths.data_dir())


# ---------------------------------------------------------------------------
# config


def test_config_path(cli: Cli, no_user_settings: Path, tmp_path: Path) -> None:
    result = cli("config", "path")
    assert (result.code, result.out) == (0, f"{no_user_settings}\n")
    assert "config init" in result.err  # there is no file yet
    other = tmp_path / "elsewhere.toml"
    assert cli("config", "path", "--config", other).out == f"{other}\n"
    no_user_settings.parent.mkdir()
    no_user_settings.write_text("")
    assert cli("config", "path").err == ""


def test_config_init(cli: Cli, no_user_settings: Path) -> None:
    result = cli("config", "init")
    assert result.code == 0
    assert str(no_user_settings) in result.out
    assert no_user_settings.read_text(encoding="utf-8") == config.DEFAULT_CONFIG
    no_user_settings.write_text('sort = "title"\n', encoding="utf-8")
    again = cli("config", "init")
    assert (again.code, again.out) == (1, "")
    assert again.err.count("\n") == 1 and "already exists" in again.err
    assert no_user_settings.read_text(encoding="utf-8") == 'sort = "title"\n'  # not overwritten


def test_config_init_elsewhere_and_failing(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "deep" / "aireader.toml"
    assert cli("config", "init", "--config", target).code == 0
    assert target.read_text(encoding="utf-8") == config.DEFAULT_CONFIG
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert_usage_error(cli("config", "init", "--config", blocker / "c.toml"), "cannot write")
    assert_usage_error(cli("config", "init", "--config", tmp_path), "it is a folder")


def test_config_show_defaults(cli: Cli) -> None:
    result = cli("config", "show")
    assert result.code == 0
    lines = result.lines
    assert lines[0].startswith("# the settings in force")
    assert "folders = []  # default" in lines
    assert 'theme = "textual-dark"  # default' in lines
    assert "mark_read_on_open = true  # default" in lines
    assert 'sort = "newest"  # default' in lines
    assert 'date_format = "%b %d"  # default' in lines
    assert "sidebar = true  # default" in lines
    assert "[keys]" in lines


def test_config_show_origins(
    cli: Cli, no_user_settings: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_user_settings.parent.mkdir()
    no_user_settings.write_text(
        f'folders = [{json.dumps(str(tmp_path))}]\nsort = "oldest"\ntheme = "nord"\nwat = 1\n'
        '[keys]\nnext_unread = "x"\n[keys.list]\ndown = "J,down"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("AIREADER_THEME", "dracula")
    result = cli("config", "show", "--no-sidebar")
    assert result.code == 0
    lines = result.lines
    assert f"folders = [{json.dumps(str(tmp_path))}]  # config file {no_user_settings}" in lines
    assert f'sort = "oldest"  # config file {no_user_settings}' in lines
    assert 'theme = "dracula"  # environment variable AIREADER_THEME' in lines
    assert "sidebar = false  # flag --no-sidebar" in lines
    assert 'next_unread = "x"  # config file' in lines
    assert 'list.down = "J,down"  # config file' in lines
    (problem,) = result.err.splitlines()
    assert "'wat'" in problem and "line 4" in problem
    # What it prints is a config file that gives the same settings.
    shown = tmp_path / "shown.toml"
    shown.write_text(result.out, encoding="utf-8")
    again, problems = config.load(shown, {}, {})
    assert problems == []
    assert (again.theme, again.sort, again.sidebar, again.keys) == (
        "dracula",
        "oldest",
        False,
        {"main.next_unread": "x", "list.down": "J,down"},
    )


def test_config_show_json(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIREADER_SORT", "title")
    records = {r["key"]: r for r in cli("config", "show", "--json", "--theme", "nord").records}
    assert list(records) == list(config.ENV)
    assert records["sort"] == {
        "key": "sort",
        "value": "title",
        "origin": "environment",
        "where": "environment variable AIREADER_SORT",
    }
    assert records["theme"]["origin"] == "flag" and records["theme"]["value"] == "nord"
    assert records["sidebar"] == {
        "key": "sidebar",
        "value": True,
        "origin": "default",
        "where": "default",
    }
    assert records["folders"]["value"] == []


# -- related ----------------------------------------------------------------------------


def test_related_prints_articles_sharing_tags_closest_first(cli: Cli, library: Path) -> None:
    veo = library / "2024-01-05-veo.md"
    result = cli("related", veo, "--folder", library)
    assert result.code == 0, result
    assert result.lines == ["1. 2024-03-01  Sora arrives  (news/sora.md)"]  # shares "video"
    records = cli("related", veo, "--folder", library, "--json").records
    assert [(r["rank"], r["title"], r["relpath"]) for r in records] == [
        (1, "Sora arrives", "news/sora.md")
    ]


def test_related_uses_the_folder_the_file_is_in_and_says_when_nothing_is(
    cli: Cli, library: Path
) -> None:
    result = cli("related", library / "alpha.md")  # not in the (bundled) default library
    assert result.code == 1
    assert result.out == ""
    assert "nothing in the library is related to alpha.md" in result.err


def test_related_bad_paths_are_one_line(cli: Cli, library: Path, tmp_path: Path) -> None:
    assert_usage_error(cli("related", library / "missing.md"), "no such file")
    stray = tmp_path / "stray.md"
    stray.write_text("---\ntitle: Stray\n---\nText.\n", encoding="utf-8")
    assert_usage_error(cli("related", stray, "--folder", library), "not an article of the library")


def test_the_reader_takes_a_folder_option_and_an_article_file(
    cli: Cli, library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aireader.ui.app

    FakeApp.started = []
    monkeypatch.setattr(aireader.ui.app, "ReaderApp", FakeApp)
    monkeypatch.setattr("aireader.cli._terminal_problem", lambda: None)
    assert cli("--folder", library).code == 0
    assert (FakeApp.started[-1][0], FakeApp.opened) == (library.resolve(), None)
    assert cli(library / "news" / "sora.md").code == 0  # its folder is the library
    assert FakeApp.started[-1][0] == (library / "news").resolve()
    assert FakeApp.opened == (library / "news" / "sora.md").resolve()
    assert cli(library / "news" / "sora.md", "--folder", library).code == 0  # or --folder's
    assert FakeApp.started[-1][0] == library.resolve()
    assert FakeApp.opened == (library / "news" / "sora.md").resolve()
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# Elsewhere\n")
    assert_usage_error(cli(outside, "--folder", library), "is not in the library")
    assert_usage_error(cli(library, "--folder", library), "two folders")
