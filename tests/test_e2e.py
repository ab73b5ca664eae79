"""End to end, as a user meets it: install the wheel into a fresh venv, run
``aireader`` in a real terminal (tmux), open an article, quit, restart, and see
it marked read."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


def _run(*cmd: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True, **kw)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the built wheel installed; returns its ``aireader``."""
    work = tmp_path_factory.mktemp("e2e")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", ROOT)
    wheel = next((work / "dist").glob("aireader-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    bundled = [n for n in names if n.startswith("aireader/articles/") and n.endswith(".md")]
    assert len(bundled) == 4, names
    _run(sys.executable, "-m", "venv", work / "venv")
    _run(work / "venv" / "bin" / "pip", "install", "-q", wheel)
    return work / "venv" / "bin" / "aireader"


class Terminal:
    """One tmux session on a private server, read as a person reads the screen."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return _run("tmux", "-L", self.socket, *args).stdout

    def start(self, command: str, width: int = 100, height: int = 30) -> None:
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", str(width),
                  "-y", str(height), command)  # fmt: skip
        self.tmux("set-option", "-g", "status", "off")

    def fresh_server(self) -> None:
        """Stop this tmux server and use a new one: starting a session on a socket
        whose server is still shutting down fails now and then."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        self.socket += "-again"

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "e2e", *keys)

    def wait_for(self, check: Callable[[str], bool], timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"screen never matched; last screen:\n{text}")

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "-L", self.socket, "has-session", "-t", "e2e"], capture_output=True
            ).returncode
            == 0
        )


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"aireader-e2e-{os.getpid()}")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)


def test_installed_app_remembers_what_was_read(
    installed: Path, terminal: Terminal, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    done = tmp_path / "exited"
    command = (
        f"env AIREADER_DATA_DIR={shlex.quote(str(data))} AIREADER_CACHE_DIR="
        f"{shlex.quote(str(tmp_path / 'cache'))} {shlex.quote(str(installed))}; "
        f"touch {shlex.quote(str(done))}; sleep 60"
    )

    # First run: the bundled library opens with every article unread.
    terminal.start(command)
    screen = terminal.wait_for(lambda s: "4 unread" in s)
    assert "4 articles" in screen and "0 skipped" in screen

    # Open the article under the cursor: its text shows and it is read.
    terminal.keys("g", "Enter")
    screen = terminal.wait_for(lambda s: "3 unread" in s and "min read" in s)
    terminal.keys("q")
    deadline = time.monotonic() + 15
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert done.exists(), "aireader did not quit on q"
    terminal.fresh_server()

    # Second run: the same article is still read.
    done.unlink()
    terminal.start(command)
    screen = terminal.wait_for(lambda s: "4 articles" in s)
    assert "3 unread" in screen, screen
    assert (data / "state.sqlite3").is_file()
