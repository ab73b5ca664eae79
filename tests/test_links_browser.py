"""Opening links: the ``browser`` setting, and a clear word when no browser starts.

The command is worked out by :mod:`aireader.core.browser` (unit tests first); the
app runs it. The app tests run the real app on a pseudo-terminal (tests/term.py)
with a stand-in browser, a small script that writes down the arguments it got.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from aireader.core.browser import BrowserCommandError, Launch, arguments, launch_for, split_command
from aireader.core.config import load
from term import Term, app_env

URL = "https://example.org/a?x=1&y=$(touch${IFS}PWNED)&z=`id`;q=%s|w"
"""A link full of what a shell would run, and a %s of its own."""


# -- the command -------------------------------------------------------------------------


def test_the_link_replaces_each_percent_s_and_is_one_argument() -> None:
    words, background = split_command("firefox --new-tab %s &")
    assert (words, background) == (["firefox", "--new-tab", "%s"], True)
    assert arguments(words, URL) == ("firefox", "--new-tab", URL)
    assert arguments(["b", "--url=%s", "100%%"], "u") == ("b", "--url=u", "100%")
    assert arguments(["w3m"], URL) == ("w3m", URL)  # no %s: the link goes last
    quoted, _ = split_command("\"/opt/My Browser/run\" --x '%s'")
    assert arguments(quoted, "u") == ("/opt/My Browser/run", "--x", "u")


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("", "names no program"),
        ("&", "names no program"),
        ('"open', "cannot be split"),
        ("w3m\x1b[31m %s", "control character"),
    ],
)
def test_a_browser_command_that_cannot_be_used(command: str, why: str) -> None:
    with pytest.raises(BrowserCommandError, match=why):
        split_command(command)


def test_the_setting_is_checked_where_it_is_set(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('browser = "\\"unclosed %s"\n', encoding="utf-8")
    settings, problems = load(config_file, {"AIREADER_BROWSER": "w3m %s"}, {})
    assert settings.browser == "w3m %s" and settings.origin["browser"] == "environment"
    assert len(problems) == 1 and "line 1" in problems[0] and "'browser'" in problems[0]
    settings, _ = load(config_file, {}, {"browser": "lynx"})
    assert (settings.browser, settings.origin["browser"]) == ("lynx", "flag")


def which_of(*installed: str) -> Callable[[str], str | None]:
    """``shutil.which`` on a machine where only ``installed`` are on the PATH."""
    return lambda name: f"/usr/bin/{name}" if name in installed else None


def test_without_the_setting_browser_then_the_system_then_a_terminal_browser() -> None:
    url = "https://example.org"
    find = launch_for
    assert find(url, "", {"BROWSER": "nope:w3m -T text/html"}, which=which_of("w3m")) == Launch(
        ("w3m", "-T", "text/html", url), True, "$BROWSER"
    )
    assert find(url, "", {}, which=which_of(), platform="darwin") == Launch(
        ("open", url), False, "open"
    )
    desktop = {"DISPLAY": ":0"}
    assert find(url, "", desktop, which=which_of("xdg-open", "w3m"), platform="linux") == Launch(
        ("xdg-open", url), False, "xdg-open"
    )
    over_ssh: dict[str, str] = {}
    assert find(url, "", over_ssh, which=which_of("xdg-open", "lynx"), platform="linux") == Launch(
        ("lynx", url), True, "lynx"
    )
    assert find(url, "", {}, which=which_of(), platform="linux") is None  # webbrowser decides
    assert find(url, "", {}, which=which_of("w3m"), platform="win32") is None
    assert find(url, "links %s", {"BROWSER": "w3m"}, which=which_of("w3m")) == Launch(
        ("links", url), True, "the browser setting"
    )


# -- the app ------------------------------------------------------------------------------

pty_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text(
        f"---\ntitle: Linked article\ndate: 2024-01-01\nlink: '{URL}'\n---\n"
        "Read [the docs](https://example.org/docs) first.\n",
        encoding="utf-8",
    )
    return folder


def fake_browser(tmp_path: Path, code: int = 0) -> tuple[Path, Path]:
    """A stand-in browser that writes its arguments, one a line, then exits ``code``."""
    script = tmp_path / f"browser-{code}"
    record = tmp_path / f"opened-{code}.txt"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"with open({str(record)!r}, 'a', encoding='utf-8') as out:\n"
        "    out.write(repr(sys.argv[1:]) + '\\n')\n"
        f"sys.exit({code})\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script, record


def wait_for_file(term: Term, path: Path, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never written; the screen:\n{term.text()}"
        term.pump(0.1)
    term.settle()
    return path.read_text(encoding="utf-8")


def opened_article(term: Term) -> None:
    term.wait_for("Linked article")
    term.press("enter")
    term.wait_for("the docs")


def flat(term: Term) -> str:
    """The screen as one line without box drawing, so a notice wrapped over lines
    reads whole."""
    text = " ".join(term.lines())
    return " ".join(text.translate({ord(c): " " for c in "▌▏│╭╮╰╯─┃┏┓┗┛━"}).split())


@pty_only
def test_o_opens_the_link_with_the_browser_setting_and_no_shell(
    tmp_path: Path, linked: Path
) -> None:
    script, record = fake_browser(tmp_path)
    env = app_env(tmp_path, AIREADER_BROWSER=f"{script} --new-tab %s &")
    with Term.run(linked, tmp_path=tmp_path, size=(120, 40), env=env) as term:
        opened_article(term)
        term.press("o")
        got = wait_for_file(term, record)
        assert got == repr(["--new-tab", URL]) + "\n"  # the link whole, as one argument
        screen = term.wait_for("Opening")
        assert "https://example.org/a?x=1" in screen
    assert not any(p.name == "PWNED" for p in tmp_path.rglob("*"))


@pty_only
def test_a_terminal_browser_gets_the_terminal_and_the_reader_comes_back(
    tmp_path: Path, linked: Path
) -> None:
    script, record = fake_browser(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f"browser = {str(script)!r}\n", encoding="utf-8")  # no &: in the terminal
    env = app_env(tmp_path, AIREADER_CONFIG=str(config))
    with Term.run(linked, tmp_path=tmp_path, size=(100, 30), env=env) as term:
        opened_article(term)
        term.press("l")
        term.wait_for("example.org/docs")
        term.press("2")  # 1 is the source link
        assert wait_for_file(term, record) == repr(["https://example.org/docs"]) + "\n"
        term.wait_for("Read the docs first")  # the reader is back on its screen
        assert term.status is None


@pty_only
@pytest.mark.parametrize("how", ["missing", "fails", "none"])
def test_no_browser_says_so_for_o_the_links_screen_and_a_click(
    tmp_path: Path, linked: Path, how: str
) -> None:
    if how == "missing":  # a command that is not there
        env = app_env(tmp_path, AIREADER_BROWSER=str(tmp_path / "no-such-browser") + " %s")
        why = "is not a program here"
    elif how == "fails":  # xdg-open with nothing to hand the link to ends with 4
        script, _ = fake_browser(tmp_path, code=4)
        env = app_env(tmp_path, AIREADER_BROWSER=f"{script} %s &")
        why = "ended with status 4"
    else:  # nothing at all: no setting, no $BROWSER, no desktop, nothing on the PATH
        empty = tmp_path / "empty-path"
        empty.mkdir()
        env = app_env(tmp_path, PATH=str(empty))
        for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
            env.pop(name, None)
        why = "no browser was found"
    with Term.run(linked, tmp_path=tmp_path, size=(120, 40), env=env) as term:
        opened_article(term)
        term.press("o")
        term.wait_for("Could not open")
        assert why in flat(term) and "AIREADER_BROWSER" in flat(term)
        # the links screen: Enter opens the first link
        term.press("l")
        term.wait_for("example.org/docs")
        term.press("enter")
        deadline = time.monotonic() + 20
        while flat(term).count("Could not open") < 2:
            assert time.monotonic() < deadline, term.text()
            term.pump(0.1)
        # a click on the link in the text
        term.press("enter")
        x, y = term.find("the docs")
        term.click(x + 2, y)
        deadline = time.monotonic() + 20
        while flat(term).count("Could not open") < 3:
            assert time.monotonic() < deadline, term.text()
            term.pump(0.1)
    assert os.path.isdir(linked)
