"""What the app writes to the terminal never carries a sequence that came from an article.

The real ``aireader`` runs in a pseudo-terminal over articles full of escape
sequences (window title, clipboard, hyperlinks, screen clearing, leaving the
alternate screen, 8-bit CSI, bare CR and backspace) and Rich/Textual markup. The
test opens every article, searches, finds in an article, quits, and then looks
through every byte the app wrote.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

import aireader

SRC = str(Path(aireader.__file__).resolve().parents[1])

ESCAPES = (
    "\x1b]0;pwned-title\x07"  # OSC 0: window title
    "\x1b]2;pwned-title2\x1b\\"  # OSC 2, ST-terminated
    "\x1b]52;c;cHduZWQtY2xpcA==\x07"  # OSC 52: write the clipboard
    "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07"  # OSC 8: a hyperlink
    "\x1b[6666;7777H"  # CSI: move the cursor far away
    "\x1b[2JPWNED-CLEAR"  # CSI: clear the screen
    "\x1b[?1049lPWNED-ALT"  # leave the alternate screen
    "\x9b31mPWNED-C1"  # 8-bit CSI
    "PWNED-CR\rX PWNED-BS\x08\x08"  # bare carriage return, backspaces
)
MARKUP = "[bold red]MARKUP-LITERAL[/] [@click=app.quit]QUIT-LITERAL[/] [on $error]$variable"

ARTICLES = {
    "a.md": f"---\ntitle: 'Alpha {MARKUP}'\n---\n\nAlpha body {ESCAPES} end.\n\n{MARKUP}\n",
    "b.txt": f"Beta {ESCAPES} title\n\nBeta body {ESCAPES} and {MARKUP}.\n",
    "c.md": (
        '---\ntitle: "Gamma \\e]2;pwned-yaml\\a \\e[2JPWNED-YAML"\n'
        'tags: ["t\\e]0;pwned-tag\\a", "[bold]tagmarkup[/]"]\n'
        'author: "\\e[31mPWNED-AUTHOR"\n---\n\n'
        f"Gamma body {ESCAPES}\n"
    ),
}

FORBIDDEN = [
    b"\x1b]0;pwned",
    b"\x1b]2;pwned",
    b"\x1b]52;",
    b"\x1b]8;;https://evil",
    b"evil.example",
    b"\x1b[6666;7777H",
    b"\x1b[2JPWNED",
    b"\x1b[?1049lPWNED",
    b"\xc2\x9b",  # U+009B, an 8-bit CSI to a UTF-8 terminal
    b"\x9b31m",
    b"PWNED-CR\r",
    b"\x08",
    b"\x1b[31mPWNED",
]


class Terminal:
    """The app on a pseudo-terminal; every byte it writes is kept in ``raw``."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.raw = bytearray()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.status: int | None = None

    def read(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.status is None:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.fd, 1 << 16)
                except OSError:
                    data = b""
                if not data:
                    self._reap(block=True)
                    return
                self.raw.extend(data)
            else:
                self._reap(block=False)

    def wait_for(self, needle: bytes, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while needle not in self.raw:
            assert time.monotonic() < deadline, f"never saw {needle!r}"
            assert self.status is None, f"the app ended ({self.status}) before {needle!r}"
            self.read(0.1)

    def send(self, keys: str, pause: float = 0.4) -> None:
        os.write(self.fd, keys.encode())
        self.read(pause)

    def _reap(self, *, block: bool) -> None:
        pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        if pid:
            self.status = os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
            self._reap(block=True)
        os.close(self.fd)


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of the app under test: this source, throw-away data and cache
    folders, a 256-colour terminal; ``NO_COLOR`` only when ``extra`` sets it."""
    return {
        **{k: v for k, v in os.environ.items() if k != "NO_COLOR"},
        "TERM": "xterm-256color",
        "PYTHONPATH": SRC,
        "AIREADER_DATA_DIR": str(tmp_path / "data"),
        "AIREADER_CACHE_DIR": str(tmp_path / "cache"),
        **extra,
    }


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_nothing_from_an_article_reaches_the_terminal_raw(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    term = Terminal([sys.executable, "-m", "aireader", str(folder)], app_env(tmp_path))
    try:
        term.wait_for(b"Gamma", 30)
        term.read(1.0)
        for _ in ARTICLES:  # open each article in turn ("next unread")
            term.send("n", 1.0)
        term.send("/", 0.3)  # find in the article being read
        term.send("PWNED", 0.8)
        term.send("\r", 0.3)
        term.send("\x1b", 0.3)
        term.send("\x1b", 0.3)
        term.send("/", 0.3)  # search the list
        term.send("literal", 1.0)
        term.send("\r", 0.5)
        term.send("\r", 1.0)  # open the best match
        term.send("q", 0.2)
        term.read(10)
    finally:
        term.close()
    assert term.status == 0
    raw = bytes(term.raw)
    for sequence in FORBIDDEN:
        assert sequence not in raw, sequence
    # Markup is shown as the article wrote it, not interpreted.
    assert b"[bold red]MARKUP-LITERAL[/]" in raw
    assert b"QUIT-LITERAL" in raw
    # The text around the neutralised sequences is still there to read.
    for text in (b"PWNED-CLEAR", b"PWNED-ALT", b"PWNED-YAML", b"Gamma body"):
        assert text in raw, text


_COLOUR = re.compile(rb"\x1b\[[0-9;]*(?:38|48);[25];[0-9;]*m")


def _first_screen(tmp_path: Path, extra_env: dict[str, str]) -> bytes:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    (folder / "a.md").write_text("---\ntitle: Alpha\n---\n\nAlpha body.\n", encoding="utf-8")
    env = app_env(tmp_path, COLORTERM="truecolor", **extra_env)
    term = Terminal([sys.executable, "-m", "aireader", str(folder)], env)
    try:
        term.wait_for(b"Alpha", 30)
        term.read(1.0)
        term.send("q", 0.2)
        term.read(10)
    finally:
        term.close()
    return bytes(term.raw)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_turns_colour_off(tmp_path: Path) -> None:
    colours = {m.group() for m in _COLOUR.finditer(_first_screen(tmp_path, {}))}
    assert len(colours) > 3  # the usual screen is in colour...
    plain = _first_screen(tmp_path, {"NO_COLOR": "1"})
    colours = {m.group() for m in _COLOUR.finditer(plain)}
    # ...and with NO_COLOR only shades of grey are left (Textual's monochrome filter).
    for sequence in colours:
        values = [int(v) for v in sequence[2:-1].split(b";")]
        for at in (n for n, v in enumerate(values) if v in (38, 48) and values[n + 1] == 2):
            r, g, b = values[at + 2 : at + 5]
            assert r == g == b, sequence
